import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../testing/fake-core.ts';
import ItemPicker from './ItemPicker.svelte';

afterEach(stopApps);

const choices = () =>
  within(screen.getByRole('list', { name: 'Items to pick' }))
    .getAllByRole('button')
    .map((b) => b.getAttribute('aria-label'));

describe('ItemPicker', () => {
  it('offers the first items, narrows them by the typed text once typing settles, and picks one', async () => {
    const { core, items } = labCore(12);
    const onpick = vi.fn();
    render(ItemPicker, { context: fakeApp(core).context, props: { onpick, limit: 5 } });
    await waitFor(() => expect(choices()).toHaveLength(5));
    expect(core.paramsOf('listItems')).toEqual([{ limit: 5 }]);
    expect(screen.getByText('12 match; type to narrow down.')).toBeTruthy();

    await fireEvent.input(screen.getByRole('searchbox', { name: 'Find an item by caption or file name' }), {
      target: { value: ' item 11 ' },
    });
    await waitFor(() => expect(choices()).toEqual(['Pick caption of item 11']));
    expect(core.lastParams('listItems')).toEqual({ limit: 5, text: 'item 11' });
    expect(screen.queryByText(/type to narrow down/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Pick caption of item 11' }));
    expect(onpick).toHaveBeenCalledWith(items[10]);
  });

  it('says when nothing matches, and why items could not be listed', async () => {
    const { core } = labCore(3);
    render(ItemPicker, { context: fakeApp(core).context, props: { onpick: () => {} } });
    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'zebra' } });
    expect(await screen.findByText('No item matches “zebra”.')).toBeTruthy();

    core.handlers.listItems = () => {
      throw new Error('database is locked');
    };
    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'zebras' } });
    expect((await screen.findByRole('alert')).textContent).toContain('Could not list items: database is locked');
  });
});
