import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
