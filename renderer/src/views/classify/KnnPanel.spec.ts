import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '$api/contract.ts';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import KnnPanel from './KnnPanel.svelte';

afterEach(stopApps);
/** A colour as the DOM writes it back (jsdom turns hex into rgb()). */
const cssColor = (c: string) => {
  const el = document.createElement('i');
  el.style.backgroundColor = c;
  return el.style.backgroundColor;
};

const vote: Results['classify'] = {
  modelId: 3,
  label: 'Flags',
  probabilities: { Flags: 0.6, Food: 0.4, Animals: 0 },
  trueLabel: null,
  neighbours: [
    { itemId: 2, path: 'images/item-2.png', distance: 0.125, label: 'Flags', caption: 'flag: japan' },
    { itemId: 3, path: 'images/item-3.png', distance: 0.2, label: 'Food', caption: null },
  ],
};

describe('KnnPanel', () => {
  it('asks for an image first and classifies nothing until there is one', async () => {
    const { core } = labCore(4, { classify: () => vote });
    render(KnnPanel, { context: fakeApp(core).context, props: { image: null, k: 5, metric: 'cosine' } });
    expect(screen.getByText('Choose an image to see its nearest labeled neighbours and their vote.')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 30));
    expect(core.paramsOf('classify')).toHaveLength(0);
  });

  it('classifies the image by its K nearest neighbours and shows the vote and each neighbour', async () => {
    const { core } = labCore(4, { classify: () => vote });
    render(KnnPanel, {
      context: fakeApp(core).context,
      props: {
        image: { kind: 'item', itemId: 7, name: 'item 7' },
        modelId: 3,
        k: 5,
        metric: 'l1',
        debounceMs: 0,
      },
    });
    expect((await screen.findByTestId('knn-label')).textContent).toBe('Flags');
    expect(core.lastParams('classify')).toEqual({
      image: { itemId: 7 },
      method: { kind: 'knn', k: 5, weights: 'uniform', metric: 'l1' },
      modelId: 3,
    });
    const votes = within(screen.getByRole('list', { name: 'Neighbour votes' })).getAllByRole('listitem');
    // Classes with no vote are left out.
    expect(votes.map((li) => li.getAttribute('aria-label'))).toEqual(['Flags: 60.0 %', 'Food: 40.0 %']);
    const neighbours = within(screen.getByRole('list', { name: 'Neighbours' })).getAllByRole('listitem');
    expect(
      neighbours.map((li) => [li.querySelector('.label')?.textContent, li.querySelector('.distance')?.textContent]),
    ).toEqual([
      ['Flags', 'd = 0.125'],
      ['Food', 'd = 0.200'],
    ]);
    // Each neighbour shows its caption when it has one; an outside image has no true label to show.
    expect(neighbours.map((li) => li.querySelector('.caption')?.textContent ?? null)).toEqual(['flag: japan', null]);
    expect(screen.queryByTestId('knn-true-label')).toBeNull();
    // A neighbour that agrees with the prediction is marked.
    expect(neighbours.map((li) => li.classList.contains('agree'))).toEqual([true, false]);

    await fireEvent.click(screen.getByRole('radio', { name: 'distance' }));
    await waitFor(() =>
      expect(core.lastParams('classify')?.method).toMatchObject({ kind: 'knn', weights: 'distance' }),
    );
  });

  it("shows a lab item's own label beside the prediction, and whether they agree", async () => {
    const { core } = labCore(4, { classify: () => ({ ...vote, trueLabel: 'Food' }) });
    render(KnnPanel, {
      context: fakeApp(core).context,
      props: { image: { kind: 'item', itemId: 7, name: 'item 7' }, k: 5, metric: 'cosine', debounceMs: 0 },
    });
    expect((await screen.findByTestId('knn-true-label')).textContent).toBe('Food');
    expect(screen.getByRole('status').textContent).toMatch(/Prediction: Flags\s*· labeled Food \(wrong\)/);
  });

  it('colours the votes and the neighbours by label, as every view does', async () => {
    const { core } = labCore(4, { classify: () => vote });
    const app = fakeApp(core);
    render(KnnPanel, {
      context: app.context,
      props: { image: { kind: 'item', itemId: 7, name: 'item 7' }, k: 5, metric: 'cosine', debounceMs: 0 },
    });
    await screen.findByTestId('knn-label');
    await waitFor(() => expect(app.app.lab.info).not.toBeNull());
    const fills = within(screen.getByRole('list', { name: 'Neighbour votes' }))
      .getAllByRole('listitem')
      .map((li) => (li.querySelector('.fill') as HTMLElement).style.backgroundColor);
    expect(fills).toEqual([cssColor(app.app.lab.labelColor('Flags')), cssColor(app.app.lab.labelColor('Food'))]);
    const swatches = within(screen.getByRole('list', { name: 'Neighbours' }))
      .getAllByRole('listitem')
      .map((li) => (li.querySelector('.swatch') as HTMLElement).style.backgroundColor);
    expect(swatches).toEqual(fills);
  });

  it('shows why classification failed', async () => {
    const { core } = labCore(4, {
      classify: () => {
        throw new Error('no labeled items to vote');
      },
    });
    render(KnnPanel, {
      context: fakeApp(core).context,
      props: { image: { kind: 'item', itemId: 1, name: 'x' }, k: 3, metric: 'cosine' },
    });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'KNN classification failed: no labeled items to vote',
    );
  });
});
