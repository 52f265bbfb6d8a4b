import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ItemDetail } from '$api/contract.ts';
import ItemEditForm from './ItemEditForm.svelte';

const item = (over: Partial<ItemDetail> = {}): ItemDetail => ({
  id: 7,
  path: 'a.png',
  root: '/data',
  split: 'train',
  label: null,
  value: 2.5,
  captions: ['one'],
  width: 8,
  height: 8,
  format: 'png',
  bytes: 10,
  hash: 'h',
  duplicates: [],
  history: [],
  ...over,
});

describe('ItemEditForm', () => {
  it('takes a number for the label of a regression lab and refuses other text beside the field', async () => {
    const onsave = vi.fn().mockResolvedValue(undefined);
    render(ItemEditForm, { props: { item: item(), labels: [], numeric: true, onsave, oncancel: () => {} } });
    const label = screen.getByRole('combobox', { name: 'Label' }) as HTMLInputElement;
    expect(label.value).toBe('2.5');
    await fireEvent.input(label, { target: { value: 'tall' } });
    expect(screen.getByText('The label of this lab is a number.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(label, { target: { value: ' 3 ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onsave).toHaveBeenCalledWith({ split: 'train', label: 3, captions: ['one'] }));
  });

  it('adds a caption once, drops emptied ones, and cancels without saving', async () => {
    const onsave = vi.fn().mockResolvedValue(undefined);
    const oncancel = vi.fn();
    render(ItemEditForm, {
      props: {
        item: item({ value: null, label: 'x', captions: ['one', 'two'] }),
        labels: ['x'],
        numeric: false,
        onsave,
        oncancel,
      },
    });
    const add = screen.getByRole('textbox', { name: 'New caption' });
    for (const text of ['three', 'three', 'one']) {
      await fireEvent.input(add, { target: { value: text } });
      await fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    }
    expect(screen.getAllByRole('textbox', { name: /^Caption \d$/ }).map((i) => (i as HTMLInputElement).value)).toEqual([
      'one',
      'two',
      'three',
    ]);
    await fireEvent.input(screen.getByRole('textbox', { name: 'Caption 2' }), { target: { value: '   ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(onsave).toHaveBeenCalledWith({ split: 'train', label: 'x', captions: ['one', 'three'] }),
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(oncancel).toHaveBeenCalledTimes(1);
    expect(onsave).toHaveBeenCalledTimes(1);
  });
});
