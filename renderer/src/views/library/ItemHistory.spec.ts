import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ItemEdit } from '$api/contract.ts';
import ItemHistory, { describeEdit } from './ItemHistory.svelte';

const entry = (id: number, over: Partial<ItemEdit>): ItemEdit => ({
  id,
  change: id,
  at: '2025-01-01T12:00:00.000Z',
  field: 'caption',
  before: null,
  after: null,
  undoneAt: null,
  ...over,
});

describe('ItemHistory', () => {
  it('says each edit in words', () => {
    expect(
      [
        entry(1, { after: 'a flag' }),
        entry(2, { before: 'a flg', after: 'a flag' }),
        entry(3, { before: 'a flag' }),
        entry(4, { field: 'label', after: 'Flags' }),
        entry(5, { field: 'label', before: 'Flags' }),
        entry(6, { field: 'label', before: 1.5, after: 2 }),
        entry(7, { field: 'split', before: 'train', after: 'val' }),
        entry(8, { field: 'removed', before: 'images/a.png' }),
      ].map(describeEdit),
    ).toEqual([
      'Caption added: “a flag”',
      'Caption “a flg” → “a flag”',
      'Caption removed: “a flag”',
      'Label set to Flags',
      'Label cleared (was Flags)',
      'Label 1.5 → 2',
      'Split train → val',
      'Removed from the lab (images/a.png)',
    ]);
  });

  it('offers Undo while an edit is not undone, marks undone ones, and shows why an undo failed', async () => {
    const onundo = vi.fn().mockRejectedValueOnce(new Error('item 3 was removed from the lab'));
    const { rerender } = render(ItemHistory, {
      props: {
        entries: [entry(1, { field: 'split', before: 'train', after: 'val', undoneAt: '2025-01-01T12:01:00.000Z' })],
        onundo,
      },
    });
    expect(screen.getByRole('listitem').textContent).toContain('undone');
    expect(screen.queryByRole('button', { name: 'Undo last change' })).toBeNull();
    await rerender({ entries: [entry(2, { field: 'label', after: 'x' })], onundo });
    await fireEvent.click(screen.getByRole('button', { name: 'Undo last change' }));
    expect((await screen.findByRole('alert')).textContent).toContain('item 3 was removed from the lab');
    await fireEvent.click(screen.getByRole('button', { name: 'Undo last change' }));
    await waitFor(() => expect(onundo).toHaveBeenCalledTimes(2));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
