import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ItemDetail as Detail, ItemEdit } from '$api/contract.ts';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import ItemDetail from './ItemDetail.svelte';

afterEach(() => {
  stopApps();
  window.location.hash = '';
});

function detailCore() {
  return labCore(4, {
    item: (p) => ({
      id: p.id,
      path: `images/item-${p.id}.png`,
      root: '/data/sample',
      split: 'val',
      label: p.id === 2 ? null : 'Flags',
      value: null,
      captions: p.id === 2 ? [] : ['a red flag', 'a banner'],
      width: 640,
      height: 480,
      format: 'jpeg',
      bytes: 123456,
      hash: 'h',
      duplicates: p.id === 1 ? [{ id: 3, path: 'copy/item-1.png' }] : [],
      history: [],
    }),
  }).core;
}

const panel = () => screen.getByRole('complementary', { name: 'Item details' });
const facts = () =>
  Object.fromEntries(
    Array.from(panel().querySelectorAll('dt'), (dt) => [dt.textContent, dt.nextElementSibling?.textContent?.trim()]),
  );

describe('ItemDetail', () => {
  it('shows the image, its captions and facts, and opens an item with the same content', async () => {
    const core = detailCore();
    const onopen = vi.fn();
    render(ItemDetail, { context: fakeApp(core).context, props: { itemId: 1, onclose: () => {}, onopen } });
    await waitFor(() => expect(within(panel()).getByRole('list', { name: 'Captions' })).toBeTruthy());
    expect(screen.getByRole('heading', { name: 'Item #1' })).toBeTruthy();
    expect(
      within(panel())
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['a red flag', 'a banner']);
    expect(within(panel()).getByRole('img', { name: 'a red flag' }).getAttribute('src')).toBe('/media/file/1');
    expect(facts()).toEqual({
      Label: 'Flags',
      Split: 'val',
      File: 'images/item-1.png',
      Folder: '/data/sample',
      Size: '640 × 480 jpeg, 123,456 bytes',
      'Same content as': '#3 copy/item-1.png',
    });
    await fireEvent.click(within(panel()).getByRole('button', { name: '#3 copy/item-1.png' }));
    expect(onopen).toHaveBeenCalledWith(3);
  });

  it('follows a new item id, and says when an item has no caption or label', async () => {
    const core = detailCore();
    const { rerender } = render(ItemDetail, {
      context: fakeApp(core).context,
      props: { itemId: 1, onclose: () => {} },
    });
    await waitFor(() => expect(facts().File).toBe('images/item-1.png'));
    await rerender({ itemId: 2 });
    await waitFor(() => expect(facts().File).toBe('images/item-2.png'));
    expect(core.paramsOf('item')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(within(panel()).getByText('No caption.')).toBeTruthy();
    expect(facts().Label).toBe('—');
  });

  it('finds similar items or classifies this one, and closes on ✕ or Escape', async () => {
    const onclose = vi.fn();
    const { app, context } = fakeApp(detailCore());
    render(ItemDetail, { context, props: { itemId: 1, onclose } });
    await fireEvent.click(await within(panel()).findByRole('button', { name: 'Find similar' }));
    expect([app.router.path, app.router.params]).toEqual(['search', { item: '1' }]);
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Classify' }));
    expect([app.router.path, app.router.params]).toEqual(['classify', { item: '1' }]);
    await fireEvent.click(screen.getByRole('button', { name: 'Close item details' }));
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(2);
  });

  it('shows why an item cannot be read', async () => {
    render(ItemDetail, { context: fakeApp(labCore(2).core).context, props: { itemId: 9, onclose: () => {} } });
    expect((await screen.findByRole('alert')).textContent).toContain('no item 9');
  });
});

/** A core that keeps one item and changes it as core would, recording a history. */
function editableCore() {
  let item: Detail = {
    id: 1,
    path: 'images/flag.png',
    root: '/data/sample',
    split: 'val',
    label: 'Flags',
    value: null,
    captions: ['a red flg', 'a banner'],
    width: 64,
    height: 64,
    format: 'png',
    bytes: 100,
    hash: 'h',
    duplicates: [],
    history: [],
  };
  let saved: Detail[] = [];
  let ids = 0;
  const edit = (field: ItemEdit['field'], before: ItemEdit['before'], after: ItemEdit['after']): ItemEdit => ({
    id: ++ids,
    change: saved.length,
    at: '2025-01-01T12:00:00.000Z',
    field,
    before,
    after,
    undoneAt: null,
  });
  const core = labCore(4, {
    item: () => item,
    editItem: (p) => {
      saved = [...saved, item];
      const history = [...item.history];
      if (p.split !== undefined && p.split !== item.split) history.push(edit('split', item.split, p.split));
      if (p.label !== undefined && p.label !== item.label) history.push(edit('label', item.label, p.label));
      item = { ...item, split: p.split ?? item.split, label: (p.label as string | null) ?? null, history };
      if (p.captions) item = { ...item, captions: p.captions };
      return item;
    },
    undoItemEdit: () => {
      const before = saved.pop()!;
      const history = item.history.map((h) => ({ ...h, undoneAt: h.undoneAt ?? '2025-01-01T12:01:00.000Z' }));
      item = { ...before, history };
      return { undone: history, item };
    },
    removeItems: (p) => ({ removed: p.ids.length }),
  }).core;
  return core;
}

describe('ItemDetail editing', () => {
  it('edits split, label and captions, with the lab labels offered, and saves them as one edit', async () => {
    const core = editableCore();
    render(ItemDetail, { context: fakeApp(core).context, props: { itemId: 1, onclose: () => {} } });
    await fireEvent.click(await within(panel()).findByRole('button', { name: 'Edit' }));
    const form = within(panel()).getByRole('form', { name: 'Edit item' });
    const label = within(form).getByRole('combobox', { name: 'Label' }) as HTMLInputElement;
    expect(label.value).toBe('Flags');
    await waitFor(() =>
      expect(Array.from(label.list!.options, (o) => o.value).sort()).toEqual(['Animals', 'Flags', 'Food']),
    );
    await fireEvent.change(within(form).getByRole('combobox', { name: 'Split' }), { target: { value: 'test' } });
    await fireEvent.input(label, { target: { value: 'Food' } });
    await fireEvent.input(within(form).getByRole('textbox', { name: 'Caption 1' }), {
      target: { value: 'a red flag' },
    });
    await fireEvent.click(within(form).getByRole('button', { name: 'Remove caption 2' }));
    const fresh = within(form).getByRole('textbox', { name: 'New caption' });
    await fireEvent.input(fresh, { target: { value: 'a flag on a pole' } });
    await fireEvent.keyDown(fresh, { key: 'Enter' });
    await fireEvent.click(within(form).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(within(panel()).queryByRole('form')).toBeNull());
    expect(core.lastParams('editItem')).toEqual({
      id: 1,
      split: 'test',
      label: 'Food',
      captions: ['a red flag', 'a flag on a pole'],
    });
    expect(facts()).toMatchObject({ Label: 'Food', Split: 'test' });
    expect(within(panel()).getByRole('list', { name: 'Captions' }).querySelectorAll('li').length).toBe(2);
    const history = within(panel()).getByRole('region', { name: 'History' });
    expect(
      within(history)
        .getAllByRole('listitem')
        .map((li) => li.firstElementChild?.textContent),
    ).toEqual(['Split val → test', 'Label Flags → Food']);
  });

  it('clears the label when its field is emptied, and undoes the last change', async () => {
    const core = editableCore();
    render(ItemDetail, { context: fakeApp(core).context, props: { itemId: 1, onclose: () => {} } });
    await fireEvent.click(await within(panel()).findByRole('button', { name: 'Edit' }));
    await fireEvent.input(within(panel()).getByRole('combobox', { name: 'Label' }), { target: { value: '  ' } });
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(facts().Label).toBe('—'));
    expect(core.lastParams('editItem')?.label).toBeNull();
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Undo last change' }));
    await waitFor(() => expect(facts().Label).toBe('Flags'));
    expect(core.paramsOf('undoItemEdit')).toEqual([{ id: 1 }]);
    expect(within(panel()).queryByRole('button', { name: 'Undo last change' })).toBeNull();
    expect(within(panel()).getByText('Label cleared (was Flags)').closest('li')?.textContent).toContain('undone');
  });

  it('keeps the form and says why when a save is refused', async () => {
    const core = editableCore();
    core.handlers.editItem = () => {
      throw new Error('the lab has no item 1');
    };
    render(ItemDetail, { context: fakeApp(core).context, props: { itemId: 1, onclose: () => {} } });
    await fireEvent.click(await within(panel()).findByRole('button', { name: 'Edit' }));
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Save' }));
    expect((await within(panel()).findByRole('alert')).textContent).toContain('the lab has no item 1');
    expect(within(panel()).getByRole('form', { name: 'Edit item' })).toBeTruthy();
  });

  it('removes the item from the lab after a confirm that says its file is kept', async () => {
    const core = editableCore();
    const onclose = vi.fn();
    render(ItemDetail, { context: fakeApp(core).context, props: { itemId: 1, onclose } });
    await fireEvent.click(await within(panel()).findByRole('button', { name: 'Remove from lab' }));
    const confirm = within(panel()).getByRole('group', { name: 'Confirm: Remove from lab' });
    expect(confirm.textContent).toContain('Its file stays on disk');
    expect(core.paramsOf('removeItems')).toEqual([]);
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    expect(core.paramsOf('removeItems')).toEqual([{ ids: [1] }]);
  });
});
