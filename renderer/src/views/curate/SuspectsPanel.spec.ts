import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp, labCore, makeItems, stopApps, suspectHandlers } from '../../testing/fake-core.ts';
import SuspectsPanel from './SuspectsPanel.svelte';

afterEach(() => {
  stopApps();
  window.location.hash = '';
});

// Items 1..6 are labeled Animals, Flags, Food, Animals, Flags, Food; items 1 and 2 are outvoted.
function show(extra = {}) {
  const items = makeItems(6);
  const { core } = labCore(6, { ...suspectHandlers(items, { 1: 'Food', 2: 'Animals', 3: 'Food' }), ...extra });
  const { context } = fakeApp(core);
  render(SuspectsPanel, { context, props: { modelId: 4, debounceMs: 0 } });
  return core;
}

const rowOf = (name: string) =>
  screen.getAllByTestId('suspect-row').find((r) => r.querySelector('.path')?.textContent === name)!;
const rowNames = () => screen.getAllByTestId('suspect-row').map((r) => r.querySelector('.path')?.textContent);

describe('SuspectsPanel', () => {
  it('lists the outvoted labels with their vote, p, score and neighbours, for the model given', async () => {
    const core = show();
    await waitFor(() => expect(rowNames()).toEqual(['images/item-1.png', 'images/item-2.png']));
    expect(core.lastParams('suspects')).toEqual({ k: 10, includeConfirmed: false, modelId: 4 });
    const row = rowOf('images/item-1.png');
    expect(within(row).getByTestId('suspect-label').textContent).toBe('Animals');
    expect(within(row).getByTestId('suspect-vote').textContent).toBe('Food');
    expect(row.textContent).toContain('p = 0.80');
    expect(row.textContent).toContain('score 0.90');
    const neighbours = within(row).getByRole('list', { name: 'Neighbours of item-1.png' });
    expect(
      within(neighbours)
        .getAllByRole('img')
        .map((i) => i.getAttribute('alt')),
    ).toEqual(['item-2.png', 'item-3.png', 'item-4.png']);
    expect(screen.getByTestId('suspects-summary').textContent).toContain('2 suspects among 6 labeled items (K = 10)');
  });

  it('relabels as the vote in one click: the row shows the new label in place, and Undo brings the old one back', async () => {
    const core = show();
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    await fireEvent.click(within(rowOf('images/item-1.png')).getByRole('button', { name: 'Relabel as Food' }));
    await waitFor(() => expect(core.lastParams('editItem')).toEqual({ id: 1, label: 'Food' }));
    // The list was asked for again; item 1 is no longer a suspect there but keeps its place here.
    await waitFor(() => expect(core.paramsOf('suspects').length).toBeGreaterThanOrEqual(2));
    await waitFor(() =>
      expect(within(rowOf('images/item-1.png')).getByTestId('suspect-label').textContent).toBe('Food'),
    );
    expect(rowNames()).toEqual(['images/item-1.png', 'images/item-2.png']);
    const row = rowOf('images/item-1.png');
    expect(within(row).getByRole('status').textContent).toBe('Relabeled Animals → Food');
    expect(within(row).queryByRole('button', { name: 'Relabel as Food' })).toBeNull();

    await fireEvent.click(within(row).getByRole('button', { name: 'Undo relabel' }));
    await waitFor(() => expect(core.lastParams('undoItemEdit')).toEqual({ id: 1 }));
    await waitFor(() =>
      expect(within(rowOf('images/item-1.png')).getByTestId('suspect-label').textContent).toBe('Animals'),
    );
    expect(within(rowOf('images/item-1.png')).queryByRole('button', { name: 'Undo relabel' })).toBeNull();
  });

  it('shows the new label at once, while the list is still being asked for again', async () => {
    const items = makeItems(6);
    const handlers = suspectHandlers(items, { 1: 'Food', 2: 'Animals' });
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { core } = labCore(6, {
      ...handlers,
      suspects: async (p) => {
        if (core.paramsOf('suspects').length > 1) await gate;
        return handlers.suspects!(p);
      },
    });
    render(SuspectsPanel, { context: fakeApp(core).context, props: { modelId: null, debounceMs: 0 } });
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    await fireEvent.click(within(rowOf('images/item-1.png')).getByRole('button', { name: 'Relabel as Food' }));
    await waitFor(() => expect(core.paramsOf('suspects')).toHaveLength(2));
    const row = rowOf('images/item-1.png');
    expect(within(row).getByTestId('suspect-label').textContent).toBe('Food');
    expect(within(row).getByRole('status').textContent).toBe('Relabeled Animals → Food');
    // p and the score were the old label's: not shown until measured again.
    expect(row.textContent).not.toContain('score');
    open();
    await waitFor(() => expect(screen.getByTestId('suspects-summary').textContent).toContain('1 suspect among'));
    expect(within(rowOf('images/item-1.png')).getByTestId('suspect-label').textContent).toBe('Food');
  });

  it('relabels to any class of the lab from the select', async () => {
    const core = show();
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    const row = rowOf('images/item-2.png');
    const select = within(row).getByRole('combobox', { name: 'Another class for item-2.png' }) as HTMLSelectElement;
    expect(Array.from(select.options, (o) => o.value).sort()).toEqual(['Animals', 'Food']);
    await fireEvent.change(select, { target: { value: 'Food' } });
    await fireEvent.click(within(row).getByRole('button', { name: 'Relabel' }));
    await waitFor(() => expect(core.lastParams('editItem')).toEqual({ id: 2, label: 'Food' }));
    await waitFor(() =>
      expect(within(rowOf('images/item-2.png')).getByTestId('suspect-label').textContent).toBe('Food'),
    );
  });

  it('"Label is right" confirms the label, and the refreshed list leaves it out', async () => {
    const core = show();
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    await fireEvent.click(within(rowOf('images/item-2.png')).getByRole('button', { name: 'Label is right' }));
    await waitFor(() => expect(core.lastParams('confirmLabels')).toEqual({ ids: [2], confirmed: true }));
    await waitFor(() =>
      expect(within(rowOf('images/item-2.png')).getByRole('status').textContent).toBe('Label confirmed'),
    );
    await waitFor(() =>
      expect(screen.getByTestId('suspects-summary').textContent).toContain('1 confirmed label left out'),
    );
  });

  it('works from the keyboard on a focused row: R relabels as the vote, C confirms, arrows move', async () => {
    const core = show();
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    const first = rowOf('images/item-1.png');
    first.focus();
    await fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(rowOf('images/item-2.png'));
    await fireEvent.keyDown(rowOf('images/item-2.png'), { key: 'r' });
    await waitFor(() => expect(core.lastParams('editItem')).toEqual({ id: 2, label: 'Animals' }));
    await fireEvent.keyDown(rowOf('images/item-1.png'), { key: 'c' });
    await waitFor(() => expect(core.lastParams('confirmLabels')).toEqual({ ids: [1], confirmed: true }));
  });

  it('asks again with the K, split and confirmed settings', async () => {
    const core = show();
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'K (neighbours)' }), { target: { value: '5' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Split' }), { target: { value: 'train' } });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Include confirmed labels' }));
    await waitFor(() =>
      expect(core.lastParams('suspects')).toEqual({ k: 5, includeConfirmed: true, split: 'train', modelId: 4 }),
    );
  });

  it('shows why a relabel failed beside the row, and why the list could not be made', async () => {
    show({
      editItem: () => {
        throw new Error('item 1 was removed');
      },
    });
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    await fireEvent.click(within(rowOf('images/item-1.png')).getByRole('button', { name: 'Relabel as Food' }));
    expect((await screen.findByRole('alert')).textContent).toContain('item 1 was removed');
    expect(within(rowOf('images/item-1.png')).getByTestId('suspect-label').textContent).toBe('Animals');
    stopApps();

    const items = makeItems(2);
    const { core } = labCore(2, {
      ...suspectHandlers(items, {}),
      suspects: () => {
        throw new Error('model 9 has no image embeddings');
      },
    });
    document.body.innerHTML = '';
    render(SuspectsPanel, { context: fakeApp(core).context, props: { modelId: 9 } });
    expect((await screen.findByRole('alert')).textContent).toContain('model 9 has no image embeddings');
  });

  it('says when there is nothing suspicious', async () => {
    const items = makeItems(3);
    const { core } = labCore(3, suspectHandlers(items, {}));
    render(SuspectsPanel, { context: fakeApp(core).context, props: { modelId: null } });
    expect(await screen.findByText('No suspects')).toBeTruthy();
    expect(core.lastParams('suspects')).toEqual({ k: 10, includeConfirmed: false });
  });
});
