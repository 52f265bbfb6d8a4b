import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import ItemGrid from './ItemGrid.svelte';

afterEach(stopApps);

const cards = () => Array.from(document.querySelectorAll<HTMLButtonElement>('button.card'));

describe('ItemGrid', () => {
  it('lists the items matching the filters a page at a time, and selects a clicked one', async () => {
    const { core, items } = labCore(30);
    const onselect = vi.fn();
    render(ItemGrid, {
      context: fakeApp(core).context,
      props: { filters: { label: 'Flags' }, version: 1, onselect, selectedId: 5, pageSize: 4 },
    });
    await waitFor(() => expect(screen.getByTestId('match-count').textContent?.trim()).toBe('10 items'));
    expect(core.paramsOf('listItems')[0]).toEqual({ label: 'Flags', offset: 0, limit: 4 });
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    const first = cards()[0];
    expect(first.dataset.itemId).toBe('2');
    expect(first.querySelector('.caption')?.textContent).toBe('caption of item 2');
    expect(Array.from(first.querySelectorAll('.chip'), (c) => c.textContent)).toEqual(['Flags', 'train']);
    expect(
      cards()
        .filter((c) => c.classList.contains('selected'))
        .map((c) => c.dataset.itemId),
    ).toEqual(['5']);
    await fireEvent.click(first);
    expect(onselect).toHaveBeenCalledWith(items[1]);
  });

  it('reloads when the filters or the lab change', async () => {
    const { core } = labCore(12);
    const { rerender } = render(ItemGrid, { context: fakeApp(core).context, props: { filters: {}, version: 1 } });
    await waitFor(() => expect(screen.getByTestId('match-count').textContent?.trim()).toBe('12 items'));
    await rerender({ filters: { split: 'val' } });
    await waitFor(() => expect(screen.getByTestId('match-count').textContent?.trim()).toBe('3 items'));
    expect(core.lastParams('listItems')).toEqual({ split: 'val', offset: 0, limit: 120 });
    const calls = core.paramsOf('listItems').length;
    await rerender({ version: 2 });
    await waitFor(() => expect(core.paramsOf('listItems')).toHaveLength(calls + 1));
  });

  it('says when nothing matches, and retries a failed listing', async () => {
    const { core } = labCore(3);
    render(ItemGrid, { context: fakeApp(core).context, props: { filters: { text: 'zebra' }, version: 1 } });
    expect(await screen.findByText('No items match these filters')).toBeTruthy();
    expect(screen.getByTestId('match-count').textContent?.trim()).toBe('0 items');

    const list = core.handlers.listItems!;
    core.handlers.listItems = () => {
      throw new Error('database is locked');
    };
    stopApps();
    document.body.innerHTML = '';
    render(ItemGrid, { context: fakeApp(core).context, props: { filters: {}, version: 1 } });
    expect((await screen.findByRole('alert')).textContent).toContain('Could not list the items: database is locked');
    core.handlers.listItems = list;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByTestId('match-count').textContent?.trim()).toBe('3 items'));
  });
});
