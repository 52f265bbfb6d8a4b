import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params, Results } from '$api/contract.ts';
import { confusionFrom, fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import EvaluationPanel from './EvaluationPanel.svelte';

afterEach(stopApps);

function evaluation(p: Params<'evaluate'>): Results['evaluate'] {
  return {
    modelId: 3,
    split: p.split ?? 'test',
    images: 8,
    captions: 8,
    t2i: { r1: 0.2, r5: 0.45, r10: 0.6, medianRank: 6 },
    i2t: { r1: 0.1, r5: 0.3, r10: 0.4, medianRank: 9 },
    unavailable: null,
    knnAccuracy: 0.75,
    k: p.k ?? 5,
    metric: p.metric ?? 'cosine',
    ties: p.k === 4 ? 2 : 0,
    zeroShotAccuracy: null,
    classes: null,
    rawPixelKnnAccuracy: null,
    confusion:
      p.split === 'train'
        ? null
        : {
            labels: ['Flags', 'Food'],
            matrix: [
              [3, 1],
              [0, 4],
            ],
          },
  };
}

const metrics = () =>
  Array.from(screen.getByRole('list', { name: 'Evaluation metrics' }).children, (li) =>
    (li.textContent ?? '').replace(/\s+/g, ' ').trim(),
  );

describe('EvaluationPanel', () => {
  it('evaluates the chosen model on the test split: accuracies, recalls and the confusion matrix', async () => {
    const { core } = labCore(4, { evaluate: evaluation });
    render(EvaluationPanel, { context: fakeApp(core).context, props: { modelId: 3 } });
    await waitFor(() => expect(screen.getByRole('list', { name: 'Evaluation metrics' })).toBeTruthy());
    expect(core.lastParams('evaluate')).toEqual({ split: 'test', k: 5, metric: 'cosine', modelId: 3 });
    expect(metrics()).toEqual([
      'kNN accuracy (K = 5, cosine) 75.0 %',
      'zero-shot accuracy —',
      'text→image R@1/5/10 20.0 % / 45.0 % / 60.0 %',
      'image→text R@1/5/10 10.0 % / 30.0 % / 40.0 %',
    ]);
    expect(screen.getByLabelText('Flags predicted as Food: 1').textContent?.trim()).toBe('1');
    expect(screen.getByText('KNN predictions (K = 5, cosine) on the test split')).toBeTruthy();
    expect(screen.queryByText(/votes were tied/)).toBeNull();
  });

  it('shows only k-NN for a model without a text tower, and why retrieval and zero-shot are missing', async () => {
    const why = 'model 3 has no text tower (backbone features): …; text→image, image→text and zero-shot need one';
    const { core } = labCore(4, {
      evaluate: (p) => ({ ...evaluation(p), t2i: null, i2t: null, unavailable: why }),
    });
    render(EvaluationPanel, { context: fakeApp(core).context, props: { modelId: 3 } });
    await waitFor(() => expect(screen.getByRole('list', { name: 'Evaluation metrics' })).toBeTruthy());
    expect(metrics()).toEqual(['kNN accuracy (K = 5, cosine) 75.0 %']);
    expect(screen.getByText(why)).toBeTruthy();
  });

  it('re-evaluates on another split, and says when that split has no labels', async () => {
    const { core } = labCore(4, { evaluate: evaluation });
    render(EvaluationPanel, { context: fakeApp(core).context, props: {} });
    await screen.findByRole('list', { name: 'Evaluation metrics' });
    await fireEvent.change(screen.getByLabelText('Evaluation split'), { target: { value: 'train' } });
    expect(await screen.findByText('No labeled items in the train split, so no confusion matrix.')).toBeTruthy();
    expect(core.lastParams('evaluate')).toEqual({ split: 'train', k: 5, metric: 'cosine' });
  });

  it("follows the Classify view's K and metric, and says how tied votes were settled", async () => {
    const { core } = labCore(4, { evaluate: evaluation });
    render(EvaluationPanel, { context: fakeApp(core).context, props: { k: 4, metric: 'l1' } });
    await screen.findByRole('list', { name: 'Evaluation metrics' });
    expect(core.lastParams('evaluate')).toEqual({ split: 'test', k: 4, metric: 'l1' });
    expect(metrics()[0]).toBe('kNN accuracy (K = 4, l1) 75.0 %');
    expect(screen.getByText('KNN predictions (K = 4, l1) on the test split')).toBeTruthy();
    expect(screen.getByText(/2 of these votes were tied; a tie goes to the class whose name sorts first/)).toBeTruthy();
  });

  it('shows a failed evaluation and tries again on request', async () => {
    const { core } = labCore(4, {
      evaluate: () => {
        throw new Error('no embeddings');
      },
    });
    render(EvaluationPanel, { context: fakeApp(core).context, props: {} });
    expect((await screen.findByRole('alert')).textContent).toContain('Could not evaluate the model: no embeddings');
    core.handlers.evaluate = evaluation;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('list', { name: 'Evaluation metrics' })).toBeTruthy();
    expect(core.paramsOf('evaluate')).toHaveLength(2);
  });

  it('lists the items behind a clicked cell, asked with the evaluation shown, and opens one in the Library', async () => {
    const made = labCore(12, { evaluate: evaluation });
    made.core.handlers.confusionItems = confusionFrom(made.items);
    const app = fakeApp(made.core);
    render(EvaluationPanel, { context: app.context, props: { modelId: 3, k: 4, metric: 'l1' } });
    await fireEvent.click(await screen.findByLabelText('Flags predicted as Food: 1'));
    await waitFor(() =>
      expect(made.core.lastParams('confusionItems')).toEqual({
        modelId: 3,
        split: 'test',
        k: 4,
        metric: 'l1',
        trueLabel: 'Flags',
        predicted: 'Food',
      }),
    );
    const list = await screen.findByRole('list', { name: 'Items of Flags predicted as Food' });
    const entries = within(list).getAllByRole('button');
    // The test items labeled Flags: of makeItems' twelve, item 8 alone (every 4th is a test item, Flags every 3rd).
    expect(entries.map((b) => b.getAttribute('aria-label'))).toEqual(['Open images/item-8.png in the Library']);
    expect(entries[0].textContent).toMatch(/true Flags · predicted Food/);
    expect(screen.getByLabelText('Flags predicted as Food: 1').getAttribute('aria-selected')).toBe('true');
    await fireEvent.click(entries[0]);
    expect(app.app.router.path).toBe('library');
    expect(app.app.router.params).toEqual({ item: '8' });
  });

  it('Enter on a focused cell lists its items too, and a cell without items says so', async () => {
    const { core } = labCore(4, {
      evaluate: evaluation,
      confusionItems: () => ({ items: [] }),
    });
    render(EvaluationPanel, { context: fakeApp(core).context, props: {} });
    const cell = await screen.findByLabelText('Food predicted as Flags: 0');
    cell.focus();
    await fireEvent.keyDown(cell, { key: 'Enter' });
    expect(await screen.findByText('No item of Food was predicted as Flags.')).toBeTruthy();
    expect(core.lastParams('confusionItems')).toMatchObject({ trueLabel: 'Food', predicted: 'Flags', split: 'test' });
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByText('No item of Food was predicted as Flags.')).toBeNull();
  });
});
