import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params, Results } from '$api/contract.ts';
import { fakeApp, labCore, makeModel } from '../../testing/fake-core.ts';
import ClassifyView from './ClassifyView.svelte';

let stop = () => {};
afterEach(() => {
  stop();
  window.location.hash = '';
});

function classifyCore() {
  return labCore(12, {
    models: () => ({ models: [makeModel(3)] }),
    classify: (p: Params<'classify'>): Results['classify'] => {
      if (p.method.kind === 'zero-shot') {
        const n = p.method.labels.length;
        const probabilities = Object.fromEntries(p.method.labels.map((l, i) => [l, i === 0 ? 0.7 : 0.3 / (n - 1)]));
        return { modelId: 3, label: p.method.labels[0], probabilities, trueLabel: null, neighbours: [] };
      }
      return {
        modelId: 3,
        label: 'Flags',
        probabilities: { Flags: 0.6, Food: 0.4 },
        trueLabel: null,
        neighbours: [
          { itemId: 2, path: 'images/item-2.png', distance: 0.12, label: 'Flags', caption: null },
          { itemId: 3, path: 'images/item-3.png', distance: 0.2, label: 'Food', caption: null },
        ],
      };
    },
    knnCurve: (p) => ({
      modelId: 3,
      points: [1, 2, 3].map((k) => ({ k, accuracy: k === 3 ? 0.8 : 0.5 })),
      bestK: 3,
      ...{ metric: p.metric },
    }),
    evaluate: (p) => ({
      modelId: 3,
      split: p.split ?? 'test',
      images: 8,
      captions: 8,
      t2i: { r1: 0.2, r5: 0.4, r10: 0.5, medianRank: 6 },
      i2t: { r1: 0.1, r5: 0.3, r10: 0.4, medianRank: 9 },
      unavailable: null,
      knnAccuracy: 0.75,
      k: p.k ?? 5,
      metric: p.metric ?? 'cosine',
      ties: 0,
      zeroShotAccuracy: 0.5,
      classes: 2,
      rawPixelKnnAccuracy: null,
      confusion: {
        labels: ['Flags', 'Food'],
        matrix: [
          [3, 1],
          [0, 4],
        ],
      },
    }),
  }).core;
}

function show(core: ReturnType<typeof classifyCore>) {
  const app = fakeApp(core);
  stop = app.stop;
  return render(ClassifyView, { context: app.context });
}

describe('ClassifyView', () => {
  it('classifies a picked image zero-shot with the typed labels and by KNN with the chosen settings', async () => {
    const core = classifyCore();
    show(core);
    await fireEvent.click(await screen.findByRole('button', { name: 'Pick from lab' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Pick caption of item 5' }));

    const labels = screen.getByLabelText('Labels (comma-separated)');
    await fireEvent.input(labels, { target: { value: 'cat, dog , cat,' } });
    await waitFor(() =>
      expect(
        core.paramsOf('classify').find((p) => p.method.kind === 'zero-shot' && p.method.labels.length === 2),
      ).toEqual({
        image: { itemId: 5 },
        method: { kind: 'zero-shot', labels: ['cat', 'dog'] },
      }),
    );
    const bars = await screen.findByRole('list', { name: 'p(label | image)' });
    await waitFor(() => expect(within(bars).getByLabelText('cat: 70.0 %')).toBeTruthy());
    expect(screen.getByTestId('zero-shot-label').textContent).toBe('cat');

    await fireEvent.input(screen.getByRole('slider', { name: 'K (neighbours)' }), { target: { value: '9' } });
    await fireEvent.click(screen.getByRole('radio', { name: 'distance' }));
    await fireEvent.change(screen.getByLabelText('Metric'), { target: { value: 'l1' } });
    await waitFor(() =>
      expect(core.paramsOf('classify').at(-1)).toEqual({
        image: { itemId: 5 },
        method: { kind: 'knn', k: 9, weights: 'distance', metric: 'l1' },
      }),
    );
    const neighbours = await screen.findByRole('list', { name: 'Neighbours' });
    expect(within(neighbours).getAllByRole('listitem')).toHaveLength(2);
    expect(within(neighbours).getByText('d = 0.120')).toBeTruthy();
    expect(screen.getByTestId('knn-label').textContent).toBe('Flags');
  });

  it('plots accuracy vs K, takes the best K, and draws the confusion matrix', async () => {
    window.location.hash = '#/classify?item=4';
    const core = classifyCore();
    show(core);
    expect((await screen.findByTestId('best-k')).textContent).toBe('3');
    expect(core.lastParams('knnCurve')).toEqual({ metric: 'cosine', maxK: 50 });
    await fireEvent.click(screen.getByRole('button', { name: 'Use K = 3' }));
    await waitFor(() =>
      expect(core.paramsOf('classify').at(-1)).toMatchObject({ image: { itemId: 4 }, method: { kind: 'knn', k: 3 } }),
    );

    expect((await screen.findByLabelText('Flags predicted as Food: 1')).textContent?.trim()).toBe('1');
    expect(screen.getByRole('list', { name: 'Evaluation metrics' }).textContent).toContain('75.0 %');
    await fireEvent.change(screen.getByLabelText('Evaluation split'), { target: { value: 'val' } });
    await waitFor(() => expect(core.lastParams('evaluate')).toEqual({ split: 'val', k: 3, metric: 'cosine' }));
  });

  it('keeps the image, K and the metric when the user comes back', async () => {
    const core = classifyCore();
    const app = fakeApp(core);
    stop = app.stop;
    const first = render(ClassifyView, { context: app.context });
    await fireEvent.click(await screen.findByRole('button', { name: 'Pick from lab' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Pick caption of item 5' }));
    await fireEvent.input(screen.getByRole('slider', { name: 'K (neighbours)' }), { target: { value: '9' } });
    await fireEvent.change(screen.getByLabelText('Metric'), { target: { value: 'l1' } });
    // Zero-shot requests go out too: look at the KNN ones.
    const knn = () => core.paramsOf('classify').filter((p) => p.method.kind === 'knn');
    await waitFor(() => expect(knn().at(-1)).toMatchObject({ method: { k: 9, metric: 'l1' } }));
    first.unmount();

    const calls = knn().length;
    render(ClassifyView, { context: app.context });
    expect(((await screen.findByRole('slider', { name: 'K (neighbours)' })) as HTMLInputElement).value).toBe('9');
    expect((screen.getByLabelText('Metric') as HTMLSelectElement).value).toBe('l1');
    await waitFor(() =>
      expect(knn().slice(calls)).toContainEqual({
        image: { itemId: 5 },
        method: { kind: 'knn', k: 9, weights: 'uniform', metric: 'l1' },
      }),
    );
  });

  it('shows classification errors', async () => {
    const core = classifyCore();
    core.handlers.classify = () => {
      throw new Error('no labeled items to vote');
    };
    window.location.hash = '#/classify?item=4';
    show(core);
    await waitFor(() =>
      expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('no labeled items to vote'))).toBe(true),
    );
  });
});
