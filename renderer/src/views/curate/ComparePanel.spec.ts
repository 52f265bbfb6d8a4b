import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeComparison, makeModel, stopApps } from '../../testing/fake-core.ts';
import ComparePanel from './ComparePanel.svelte';

afterEach(stopApps);

function compareCore(n = 3) {
  return labCore(8, {
    models: () => ({ models: Array.from({ length: n }, (_, i) => makeModel(i + 3)) }),
    compare: makeComparison,
  }).core;
}

const rows = (name: string) =>
  within(screen.getByRole('table', { name }))
    .getAllByRole('row')
    .slice(1)
    .map((r) => Array.from(r.children, (c) => c.textContent?.replace(/\s+/g, ' ').trim()));

describe('ComparePanel', () => {
  it("compares the Curate view's model (A) with the next newest (B) on the val split", async () => {
    const core = compareCore();
    const app = fakeApp(core);
    render(ComparePanel, { context: app.context, props: { modelId: 4 } });
    await screen.findByRole('table', { name: 'Both models overall' });
    expect(core.lastParams('compare')).toEqual({ modelA: 4, modelB: 5, split: 'val', k: 5 });
    const selects = ['Model A', 'Model B'].map(
      (g) => within(screen.getByRole('group', { name: g })).getByLabelText('Model') as HTMLSelectElement,
    );
    expect(selects.map((s) => s.value)).toEqual(['4', '5']);
    expect(rows('Both models overall')).toEqual([
      ['k-NN accuracy (K = 5)', '60.0 %', '70.0 %', '+10.0'],
      ['text→image R@1', '10.0 %', '30.0 %', '+20.0'],
      ['text→image R@5', '30.0 %', '50.0 %', '+20.0'],
      ['text→image R@10', '40.0 %', '60.0 %', '+20.0'],
      ['image→text R@1', '20.0 %', '—', '—'],
      ['image→text R@5', '40.0 %', '—', '—'],
      ['image→text R@10', '50.0 %', '—', '—'],
    ]);
    expect(rows('Per-class accuracy')).toEqual([
      ['Flags', '10', '50.0 %', '80.0 %', '+30.0', '40.0 %', '60.0 %'],
      ['Food', '6', '75.0 %', '50.0 %', '−25.0', '—', '—'],
    ]);
    expect(rows('Zero-shot accuracy by template set')).toEqual([
      ['{}', '40.0 %', '55.0 % ★'],
      ['a photo of {} · an emoji of {}', '50.0 % ★', '45.0 %'],
    ]);
    expect(screen.getByLabelText('best for A').closest('tr')?.textContent).toContain('a photo of {}');
    expect(screen.getByLabelText('best for B').closest('tr')?.textContent).toContain('{}');
  });

  it('compares the models, split and K chosen, and one query side by side with how each result moved', async () => {
    const core = compareCore();
    render(ComparePanel, { context: fakeApp(core).context, props: { modelId: null } });
    await screen.findByRole('table', { name: 'Both models overall' });
    expect(core.lastParams('compare')).toMatchObject({ modelA: 5, modelB: 4 });
    await fireEvent.change(within(screen.getByRole('group', { name: 'Model B' })).getByLabelText('Model'), {
      target: { value: '3' },
    });
    await fireEvent.change(screen.getByLabelText('Split'), { target: { value: 'test' } });
    await fireEvent.change(screen.getByLabelText('K'), { target: { value: '10' } });
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Query to compare' }), {
      target: { value: 'red apple' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Compare' }));
    await waitFor(() =>
      expect(core.lastParams('compare')).toEqual({
        modelA: 5,
        modelB: 3,
        split: 'test',
        k: 10,
        query: { text: 'red apple' },
      }),
    );
    const badges = (name: string) =>
      within(screen.getByRole('list', { name }))
        .getAllByTestId('moved')
        .map((b) => b.textContent);
    await screen.findByRole('list', { name: 'B #3 run-3' });
    expect(badges('A #5 run-5')).toEqual(['#3 under B', '#1 under B', "not in B's list"]);
    expect(badges('B #3 run-3')).toEqual(['moved up 1', 'new under B', 'moved down 2']);
  });

  it('asks for a second model when the lab has one, and shows a failed comparison', async () => {
    const one = compareCore(1);
    render(ComparePanel, { context: fakeApp(one).context, props: { modelId: null } });
    expect(await screen.findByText('Compare needs two models')).toBeTruthy();
    expect(one.paramsOf('compare')).toHaveLength(0);
    document.body.innerHTML = '';

    const core = compareCore();
    core.handlers.compare = () => {
      throw new Error('model 4 has no embeddings of the val split');
    };
    render(ComparePanel, { context: fakeApp(core).context, props: { modelId: 4 } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not compare the models: model 4 has no embeddings of the val split',
    );
  });
});
