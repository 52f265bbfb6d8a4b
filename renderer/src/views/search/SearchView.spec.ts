import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params, Results } from '$api/contract.ts';
import { fakeApp, labCore, makeCalibration, makeModel } from '../../testing/fake-core.ts';
import SearchView from './SearchView.svelte';

let stop = () => {};
afterEach(() => {
  stop();
  window.location.hash = '';
});

function searchCore() {
  return labCore(10, {
    models: () => ({ models: [makeModel(3)] }),
    search: (p: Params<'search'>): Results['search'] => ({
      modelId: 3,
      weakMatch: p.query && 'text' in p.query && (p.query.text === 'qwzx' || p.query.text === 'low'),
      weakBelow: 0.5,
      unknownWords: p.query && 'text' in p.query && p.query.text === 'qwzx' ? ['qwzx'] : [],
      weakReason:
        p.query && 'text' in p.query
          ? p.query.text === 'qwzx'
            ? 'unknown-words'
            : p.query.text === 'low'
              ? 'low-score'
              : null
          : null,
      results: [4, 7].map((id, i) => ({
        itemId: id,
        path: `images/item-${id}.png`,
        score: 0.9 - i * 0.2,
        label: 'Flags',
        ...(p.target === 'caption' ? { caption: `caption of item ${id}` } : {}),
        // In hybrid mode, item 7's caption holds the query's words.
        ...(p.mode === 'hybrid' && id === 7
          ? { caption: 'a red apple, sliced', keywordRank: 1, matched: ['red', 'apple'] }
          : {}),
        ...(p.mode === 'embedding' ? { keywordRank: null, matched: [] } : {}),
      })),
    }),
  }).core;
}

function show(core: ReturnType<typeof searchCore>) {
  const app = fakeApp(core);
  stop = app.stop;
  return render(SearchView, { context: app.context, props: { debounceMs: 20 } });
}

describe('SearchView', () => {
  it('keeps the mode, the query, the filters and the number of results when the user comes back', async () => {
    const core = searchCore();
    const app = fakeApp(core);
    stop = app.stop;
    const first = render(SearchView, { context: app.context, props: { debounceMs: 20 } });
    await fireEvent.input(await screen.findByRole('searchbox', { name: 'Search text' }), {
      target: { value: 'red apple' },
    });
    await fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Flags' } });
    await fireEvent.change(screen.getByLabelText('Results'), { target: { value: '48' } });
    await waitFor(() => expect(core.lastParams('search')).toMatchObject({ query: { text: 'red apple' }, k: 48 }));
    first.unmount();

    render(SearchView, { context: app.context, props: { debounceMs: 20 } });
    const box = (await screen.findByRole('searchbox', { name: 'Search text' })) as HTMLInputElement;
    expect(box.value).toBe('red apple');
    expect((screen.getByLabelText('Label') as HTMLSelectElement).value).toBe('Flags');
    expect((screen.getByLabelText('Results') as HTMLSelectElement).value).toBe('48');
    expect(await screen.findByRole('list', { name: 'Image results' })).toBeTruthy();

    await fireEvent.click(screen.getByRole('radio', { name: 'Query arithmetic' }));
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Query expression' }), {
      target: { value: '"cat" - "dog"' },
    });
    cleanup();
    render(SearchView, { context: app.context, props: { debounceMs: 20 } });
    expect((screen.getByRole('radio', { name: 'Query arithmetic' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('searchbox', { name: 'Query expression' }) as HTMLInputElement).value).toBe(
      '"cat" - "dog"',
    );
  });

  it('searches as you type, once the typing settles, and shows each similarity', async () => {
    const core = searchCore();
    show(core);
    const box = await screen.findByRole('searchbox', { name: 'Search text' });
    await fireEvent.input(box, { target: { value: 'red' } });
    await fireEvent.input(box, { target: { value: 'red apple' } });
    await waitFor(() => expect(core.paramsOf('search')).toHaveLength(1));
    expect(core.lastParams('search')).toEqual({
      query: { text: 'red apple' },
      k: 24,
      target: 'image',
      filters: {},
      mode: 'hybrid',
    });
    const results = await screen.findByRole('list', { name: 'Image results' });
    expect(within(results).getAllByRole('listitem')).toHaveLength(2);
    expect(within(results).getByLabelText('similarity 0.900')).toBeTruthy();
    await waitFor(() => expect(within(results).getByText('caption of item 4')).toBeTruthy());
  });

  it('says when even the best result is a weak match for the query', async () => {
    const core = searchCore();
    show(core);
    const box = await screen.findByRole('searchbox', { name: 'Search text' });
    await fireEvent.input(box, { target: { value: 'red apple' } });
    await screen.findByRole('list', { name: 'Image results' });
    expect(screen.queryByRole('note')).toBeNull();
    await fireEvent.input(box, { target: { value: 'low' } });
    expect((await screen.findByRole('note')).textContent).toMatch(
      /Weak match: even the best result fits this query less well than most of your captions fit their images/,
    );
    await fireEvent.input(box, { target: { value: 'qwzx' } });
    await waitFor(() =>
      expect(screen.getByRole('note').textContent).toMatch(
        /Weak match: this model never saw the word “qwzx” in the captions it was trained on/,
      ),
    );
  });

  it('sends the filters and the number of results', async () => {
    const core = searchCore();
    show(core);
    await fireEvent.input(await screen.findByRole('searchbox', { name: 'Search text' }), { target: { value: 'flag' } });
    await fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Flags' } });
    await fireEvent.change(screen.getByLabelText('Split'), { target: { value: 'test' } });
    await fireEvent.change(screen.getByLabelText('Results'), { target: { value: '48' } });
    await waitFor(() =>
      expect(core.lastParams('search')).toEqual({
        query: { text: 'flag' },
        k: 48,
        target: 'image',
        filters: { label: 'Flags', split: 'test' },
        mode: 'hybrid',
      }),
    );
  });

  it('fuses keyword matches into text search unless switched off, marking the matched words; remembers the switch', async () => {
    const core = searchCore();
    const app = fakeApp(core);
    stop = app.stop;
    const first = render(SearchView, { context: app.context, props: { debounceMs: 20 } });
    await fireEvent.input(await screen.findByRole('searchbox', { name: 'Search text' }), {
      target: { value: 'red apple' },
    });
    const toggle = screen.getByRole('checkbox', { name: 'Keyword matches' }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    const results = await screen.findByRole('list', { name: 'Image results' });
    const card = within(results).getByTitle('Search with images/item-7.png');
    expect(card.querySelector('.caption')?.textContent).toBe('a red apple, sliced');
    expect([...card.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['red', 'apple']);
    expect(within(card).getByText('keyword')).toBeTruthy();
    expect(within(results).getByTitle('Search with images/item-4.png').querySelector('.keyword')).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/2 nearest images · model #3\s+· 1 keyword match/);

    await fireEvent.click(toggle);
    await waitFor(() =>
      expect(core.lastParams('search')).toMatchObject({ query: { text: 'red apple' }, mode: 'embedding' }),
    );
    await waitFor(() => expect(screen.queryByText('keyword')).toBeNull());
    expect(document.querySelector('mark')).toBeNull();
    first.unmount();

    render(SearchView, { context: app.context, props: { debounceMs: 20 } });
    expect((screen.getByRole('checkbox', { name: 'Keyword matches' }) as HTMLInputElement).checked).toBe(false);
    await fireEvent.click(screen.getByRole('radio', { name: 'Query arithmetic' }));
    expect(screen.queryByRole('checkbox', { name: 'Keyword matches' })).toBeNull();
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Query expression' }), { target: { value: '"cat"' } });
    await waitFor(() => expect(core.lastParams('search')).toMatchObject({ query: { expression: '"cat"' } }));
    expect(core.lastParams('search')).not.toHaveProperty('mode');
  });

  it('searches with a clicked result (image → image) and shows captions for image → text', async () => {
    const core = searchCore();
    show(core);
    await fireEvent.input(await screen.findByRole('searchbox', { name: 'Search text' }), { target: { value: 'x' } });
    const results = await screen.findByRole('list', { name: 'Image results' });
    await fireEvent.click(within(results).getAllByRole('button')[1]);
    await waitFor(() =>
      expect(core.lastParams('search')).toMatchObject({ query: { image: { itemId: 7 } }, target: 'image' }),
    );
    expect((screen.getByRole('radio', { name: 'Image → image' }) as HTMLInputElement).checked).toBe(true);

    await fireEvent.click(screen.getByRole('radio', { name: 'Image → text' }));
    await waitFor(() =>
      expect(core.lastParams('search')).toMatchObject({ query: { image: { itemId: 7 } }, target: 'caption' }),
    );
    const captions = await screen.findByRole('list', { name: 'Caption results' });
    expect(within(captions).getByText('caption of item 4')).toBeTruthy();
  });

  it('sends query arithmetic as an expression', async () => {
    const core = searchCore();
    show(core);
    await fireEvent.click(await screen.findByRole('radio', { name: 'Query arithmetic' }));
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Query expression' }), {
      target: { value: '2:"red apple" - "green"' },
    });
    await waitFor(() =>
      expect(core.lastParams('search')).toMatchObject({ query: { expression: '2:"red apple" - "green"' } }),
    );
  });

  it('starts from the item in the route', async () => {
    window.location.hash = '#/search?item=5';
    const core = searchCore();
    show(core);
    await waitFor(() => expect(core.lastParams('search')).toMatchObject({ query: { image: { itemId: 5 } } }));
  });

  it('shows search errors, and asks for a model when there is none', async () => {
    const core = searchCore();
    core.handlers.search = () => {
      throw new Error('the query is empty');
    };
    show(core);
    await fireEvent.input(await screen.findByRole('searchbox', { name: 'Search text' }), { target: { value: 'q' } });
    expect((await screen.findByRole('alert')).textContent).toContain('Search failed: the query is empty');
    stop();

    const empty = labCore(3).core;
    document.body.innerHTML = '';
    show(empty);
    expect(await screen.findByText('No trained model yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Train a model' })).toBeTruthy();
  });

  it('the precision switch hides results below the threshold calibrated on the val split, and says why', async () => {
    const core = searchCore();
    // Results score 0.9 (item 4) and 0.7 (item 7).
    const thresholds: Record<number, number | null> = { 0.8: 0.5, 0.9: 0.8, 0.95: null };
    core.handlers.calibrate = (p) =>
      makeCalibration(p, { threshold: thresholds[p.precision ?? 0.9], relevance: 'label', label: 'Flags' });
    show(core);
    await fireEvent.input(await screen.findByRole('searchbox', { name: 'Search text' }), { target: { value: 'flag' } });
    const shown = async () =>
      within(await screen.findByRole('list', { name: 'Image results' }))
        .getAllByRole('button')
        .map((b) => Number(b.getAttribute('data-item-id')));
    await waitFor(async () => expect(await shown()).toEqual([4, 7]));
    expect(core.paramsOf('calibrate')).toHaveLength(0);

    await fireEvent.click(
      screen.getByRole('checkbox', { name: 'Only results with ≥ 90 % precision on your val split' }),
    );
    await waitFor(async () => expect(await shown()).toEqual([4]));
    expect(core.lastParams('calibrate')).toEqual({ query: { text: 'flag' }, precision: 0.9, split: 'val' });
    expect(screen.getByTestId('precision-note').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Score ≥ 0.800: 91.0 % precision, 10.0 % recall on the val split, relevant = the 12 items labeled “Flags”.',
    );
    expect(screen.getByText(/1 below the calibrated threshold hidden/)).toBeTruthy();

    await fireEvent.change(screen.getByLabelText('Precision'), { target: { value: '0.8' } });
    await waitFor(async () => expect(await shown()).toEqual([4, 7]));
    expect(core.lastParams('calibrate')?.precision).toBe(0.8);

    await fireEvent.change(screen.getByLabelText('Precision'), { target: { value: '0.95' } });
    await waitFor(() =>
      expect(screen.getByTestId('precision-note').textContent).toMatch(
        /No threshold reaches 95 % precision on the val split \(12 relevant items, by the label “Flags”\), so nothing is hidden/,
      ),
    );
    expect(await shown()).toEqual([4, 7]);

    await fireEvent.click(screen.getByRole('checkbox', { name: /Only results with/ }));
    expect(screen.queryByTestId('precision-note')).toBeNull();
  });

  it('says why no threshold could be calibrated when core cannot (no labels, no val split)', async () => {
    const core = searchCore();
    core.handlers.calibrate = () => {
      throw new Error('the val split has no labeled items');
    };
    show(core);
    await fireEvent.click(await screen.findByRole('checkbox', { name: /Only results with/ }));
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Search text' }), { target: { value: 'flag' } });
    await waitFor(() =>
      expect(screen.getByTestId('precision-note').textContent?.trim()).toBe(
        'No threshold: the val split has no labeled items',
      ),
    );
    expect(within(await screen.findByRole('list', { name: 'Image results' })).getAllByRole('button')).toHaveLength(2);
  });
});
