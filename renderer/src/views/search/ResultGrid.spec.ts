import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import ResultGrid from './ResultGrid.svelte';

afterEach(stopApps);

const hits = [
  { itemId: 4, path: 'images/item-4.png', score: 1.2, label: 'Flags' },
  { itemId: 99, path: 'gone/missing.png', score: -0.1, label: null },
];

describe('ResultGrid', () => {
  it('shows each result with its caption (file name when core has none), rank and similarity bar', async () => {
    const { core } = labCore(5);
    render(ResultGrid, { context: fakeApp(core).context, props: { hits } });
    const cards = within(screen.getByRole('list', { name: 'Image results' })).getAllByRole('button');
    await waitFor(() => expect(cards[0].querySelector('.caption')?.textContent).toBe('caption of item 4'));
    expect(cards[1].querySelector('.caption')?.textContent).toBe('missing.png');
    expect(core.paramsOf('item').map((p) => p.id)).toEqual([4, 99]);
    expect(cards.map((c) => c.querySelector('.rank')?.textContent)).toEqual(['#1', '#2']);
    expect(within(cards[0]).getByText('Flags')).toBeTruthy();
    // The bar is clamped to 0–100 % whatever the score.
    const bar = (c: HTMLElement) => (c.querySelector('.bar span') as HTMLElement).style.width;
    expect([bar(cards[0]), bar(cards[1])]).toEqual(['100%', '0%']);
    expect(within(cards[1]).getByLabelText('similarity -0.100')).toBeTruthy();
  });

  it('shows a keyword match with the caption that matched, its words marked, and a badge', async () => {
    const { core } = labCore(5);
    const keywordHits = [
      {
        itemId: 4,
        path: 'images/item-4.png',
        score: 0.2,
        label: null,
        caption: '<b>Red</b> apple & red pear',
        keywordRank: 1,
        matched: ['Red', 'red'],
      },
      { itemId: 5, path: 'images/item-5.png', score: 0.8, label: null, keywordRank: null, matched: [] },
    ];
    render(ResultGrid, { context: fakeApp(core).context, props: { hits: keywordHits } });
    const [kw, plain] = within(screen.getByRole('list', { name: 'Image results' })).getAllByRole('button');
    const caption = kw.querySelector('.caption')!;
    expect(caption.textContent).toBe('<b>Red</b> apple & red pear');
    expect(caption.querySelector('b')).toBeNull();
    expect([...caption.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['Red', 'red']);
    expect(kw.querySelector('.keyword')?.getAttribute('title')).toBe(
      'Keyword match #1: its caption holds words of the query',
    );
    await waitFor(() => expect(plain.querySelector('.caption')?.textContent).toBe('caption of item 5'));
    expect(plain.querySelector('.keyword')).toBeNull();
    expect(plain.querySelector('mark')).toBeNull();
  });

  it('hands a clicked result back to search with it', async () => {
    const onpick = vi.fn();
    render(ResultGrid, { context: fakeApp(labCore(5).core).context, props: { hits, onpick } });
    await fireEvent.click(screen.getByTitle('Search with gone/missing.png'));
    expect(onpick).toHaveBeenCalledWith(hits[1]);
  });
});
