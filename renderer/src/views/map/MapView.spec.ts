import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params, Results } from '$api/contract.ts';
import { fakeApp, labCore, makeInfo, makeItems, makeModel } from '../../testing/fake-core.ts';
import MapView from './MapView.svelte';

let stop = () => {};
/** A colour as the DOM writes it back (jsdom turns hex into rgb()). */
const cssColor = (c: string) => {
  const el = document.createElement('i');
  el.style.backgroundColor = c;
  return el.style.backgroundColor;
};
afterEach(() => stop());

/** The split makeItems gives item `id`. */
const splitOf = (id: number) => (['train', 'train', 'val', 'test'] as const)[(id - 1) % 4];

function mapCore() {
  return labCore(6, {
    models: () => ({ models: [makeModel(2)] }),
    projection: (p: Params<'projection'>): Results['projection'] => {
      const points: Results['projection']['points'] = [];
      for (let i = 1; i <= 6; i++) {
        const split = splitOf(i);
        points.push({ x: i, y: i % 3, kind: 'image', itemId: i, label: i <= 4 ? 'Flags' : null, split });
        if (p.modality === 'both')
          points.push({ x: i + 0.5, y: i % 3, kind: 'caption', itemId: i, label: 'Flags', split, text: `c${i}` });
      }
      return { modelId: 2, method: p.method ?? 'pca', points };
    },
  }).core;
}

describe('MapView', () => {
  it('keeps the projection, points, colouring and size when the user comes back', async () => {
    const core = mapCore();
    const app = fakeApp(core);
    stop = app.stop;
    const first = render(MapView, { context: app.context });
    await screen.findByRole('list', { name: 'Legend: Labels' });
    await fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'umap' } });
    await fireEvent.change(screen.getByLabelText('Points'), { target: { value: 'both' } });
    await fireEvent.change(screen.getByLabelText('Colour by'), { target: { value: 'modality' } });
    await fireEvent.change(screen.getByLabelText('At most'), { target: { value: '1000' } });
    await waitFor(() =>
      expect(core.lastParams('projection')).toEqual({ method: 'umap', modality: 'both', limit: 1000 }),
    );
    first.unmount();

    render(MapView, { context: app.context });
    expect(await screen.findByRole('list', { name: 'Legend: Modality' })).toBeTruthy();
    expect((screen.getByLabelText('Projection') as HTMLSelectElement).value).toBe('umap');
    expect((screen.getByLabelText('Points') as HTMLSelectElement).value).toBe('both');
    expect((screen.getByLabelText('At most') as HTMLSelectElement).value).toBe('1000');
    expect(core.lastParams('projection')).toEqual({ method: 'umap', modality: 'both', limit: 1000 });
  });

  it('asks for the projection chosen and shows a legend by label or by modality', async () => {
    const core = mapCore();
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    await waitFor(() =>
      expect(core.lastParams('projection')).toEqual({ method: 'pca', modality: 'image', limit: 3000 }),
    );
    const legend = await screen.findByRole('list', { name: 'Legend: Labels' });
    expect(
      within(legend)
        .getAllByRole('listitem')
        .map((li) => li.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['Flags 4', '(no label) 2']);
    expect(screen.getByLabelText(/Embedding map: 6 points \(PCA\)/)).toBeTruthy();

    await fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'umap' } });
    await fireEvent.change(screen.getByLabelText('Points'), { target: { value: 'both' } });
    await waitFor(() =>
      expect(core.lastParams('projection')).toEqual({ method: 'umap', modality: 'both', limit: 3000 }),
    );
    await fireEvent.change(screen.getByLabelText('Colour by'), { target: { value: 'modality' } });
    const byModality = await screen.findByRole('list', { name: 'Legend: Modality' });
    expect(byModality.textContent?.replace(/\s+/g, ' ')).toContain('image 6');
    expect(byModality.textContent?.replace(/\s+/g, ' ')).toContain('caption 6');
  });

  it('colours the points by split, with a legend of the splits and their counts', async () => {
    const core = mapCore();
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    await screen.findByRole('list', { name: 'Legend: Labels' });
    await fireEvent.change(screen.getByLabelText('Colour by'), { target: { value: 'split' } });
    const legend = await screen.findByRole('list', { name: 'Legend: Split' });
    const entries = within(legend).getAllByRole('listitem');
    expect(entries.map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['train 4', 'val 1', 'test 1']);
    const swatches = entries.map((li) => (li.querySelector('.swatch') as HTMLElement).style.backgroundColor);
    expect(new Set(swatches).size).toBe(3);
    // The hover card names the point's split too.
    await fireEvent.keyDown(screen.getByLabelText(/Embedding map/), { key: 'ArrowRight' });
    expect((await screen.findByRole('tooltip')).textContent).toContain('image · Flags · train');
    // Back to labels: each label keeps the colour every view gives it.
    await fireEvent.change(screen.getByLabelText('Colour by'), { target: { value: 'label' } });
    const byLabel = await screen.findByRole('list', { name: 'Legend: Labels' });
    const flags = within(byLabel).getByText('Flags').parentElement?.querySelector('.swatch') as HTMLElement;
    expect(flags.style.backgroundColor).toBe(cssColor(app.app.lab.labelColor('Flags')));
  });

  it('shows the neighbours of a point chosen from the keyboard', async () => {
    const core = mapCore();
    core.handlers.search = () => ({
      modelId: 2,
      weakMatch: false,
      weakBelow: null,
      unknownWords: null,
      weakReason: null,
      results: [{ itemId: 3, path: 'images/item-3.png', score: 0.91, label: 'Flags' }],
    });
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    const canvas = await screen.findByLabelText(/Embedding map/);
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    await fireEvent.keyDown(canvas, { key: 'Enter' });
    await waitFor(() => expect(core.lastParams('search')).toEqual({ query: { image: { itemId: 1 } }, k: 12 }));
    const hits = await screen.findByRole('list', { name: 'Map neighbours' });
    expect(within(hits).getByText('0.910')).toBeTruthy();
  });

  it('puts the hover card away when the points change', async () => {
    const core = mapCore();
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    const canvas = await screen.findByLabelText(/Embedding map/);
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    expect((await screen.findByRole('tooltip')).textContent).toContain('image · Flags');
    await fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'umap' } });
    await waitFor(() => expect(core.lastParams('projection')).toMatchObject({ method: 'umap' }));
    await screen.findByLabelText(/Embedding map: 6 points \(UMAP\)/);
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('says what it computes, and for how many points, while a projection runs', async () => {
    const core = mapCore();
    const answer = core.handlers.projection!;
    const waiting: (() => void)[] = [];
    const answerAll = () => waiting.splice(0).forEach((answer) => answer());
    core.handlers.projection = (p) =>
      new Promise((resolve) => waiting.push(() => resolve(answer(p) as Results['projection'])));
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    expect((await screen.findByText(/Computing PCA/)).textContent).toBe('Computing PCA of 6 points…');
    answerAll();
    await screen.findByLabelText(/Embedding map: 6 points/);
    await fireEvent.change(screen.getByLabelText('Points'), { target: { value: 'both' } });
    await fireEvent.change(screen.getByLabelText('Projection'), { target: { value: 'umap' } });
    expect((await screen.findByText(/Computing UMAP/)).textContent).toBe('Computing UMAP of 12 points…');
    // The UMAP request waits for the one before it: answer both.
    await waitFor(() => {
      answerAll();
      expect(screen.getByLabelText(/Embedding map: 12 points \(UMAP\)/)).toBeTruthy();
    });
    await waitFor(() => expect(screen.queryByText(/Computing UMAP/)).toBeNull());
  });

  it('finds points by the words of their captions or their label', async () => {
    const core = mapCore();
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    await screen.findByLabelText(/Embedding map/);
    await fireEvent.change(screen.getByLabelText('Points'), { target: { value: 'both' } });
    await screen.findByLabelText(/Embedding map: 12 points/);
    const find = screen.getByRole('searchbox', { name: 'Find points' });
    await fireEvent.input(find, { target: { value: 'C3' } });
    // The caption "c3" and the image it describes.
    expect((await screen.findByTestId('map-matches')).textContent).toBe('2 of 12 points match “C3”.');
    await fireEvent.input(find, { target: { value: 'flags' } });
    await waitFor(() => expect(screen.getByTestId('map-matches').textContent).toBe('10 of 12 points match “flags”.'));
    await fireEvent.input(find, { target: { value: 'zebra' } });
    await waitFor(() => expect(screen.getByTestId('map-matches').textContent).toBe('No point matches “zebra”.'));
    await fireEvent.input(find, { target: { value: '' } });
    await waitFor(() => expect(screen.queryByTestId('map-matches')).toBeNull());
  });

  it('says when the map shows only a sample of the lab', async () => {
    const core = mapCore();
    core.handlers.info = () => ({ ...makeInfo(makeItems(6)), items: 20_000, captions: 40_000 });
    core.handlers.projection = (p) => {
      const limit = p.limit ?? 3000;
      const images = p.modality === 'both' ? Math.ceil(limit / 2) : limit;
      const point = (i: number, kind: 'image' | 'caption') => ({
        x: i,
        y: i % 7,
        kind,
        itemId: i + 1,
        label: null,
        split: splitOf(i + 1),
      });
      const points = Array.from({ length: images }, (_, i) => point(i, 'image'));
      if (p.modality === 'both') points.push(...Array.from({ length: limit - images }, (_, i) => point(i, 'caption')));
      return { modelId: 2, method: 'pca', points };
    };
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    await screen.findByLabelText(/Embedding map: 3000 points/);
    await fireEvent.change(screen.getByLabelText('At most'), { target: { value: '500' } });
    await waitFor(() =>
      expect(screen.getByTestId('map-sample').textContent).toBe(
        'Showing 500 of 20,000 images (a random sample: raise “At most” to see more).',
      ),
    );
    await fireEvent.change(screen.getByLabelText('Points'), { target: { value: 'both' } });
    await waitFor(() =>
      expect(screen.getByTestId('map-sample').textContent).toBe(
        'Showing 250 of 20,000 images and 250 of 40,000 captions (a random sample: raise “At most” to see more).',
      ),
    );
  });

  it('says when the model has no embedding of some images', async () => {
    const core = mapCore();
    core.handlers.info = () => ({ ...makeInfo(makeItems(6)), items: 20 });
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    expect((await screen.findByTestId('map-sample')).textContent).toBe(
      'Showing 6 of 20 images (the model has no embedding of the others).',
    );
  });

  it('says nothing of a sample when every image is on the map', async () => {
    const core = mapCore();
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    await screen.findByLabelText(/Embedding map: 6 points/);
    expect(screen.queryByTestId('map-sample')).toBeNull();
  });

  it('colours each label as every view does, whatever the sample shows of it', async () => {
    const core = mapCore();
    core.handlers.projection = (p) => {
      // The smaller sample holds more Food than Flags; the larger one the other way round.
      const labels = p.limit === 500 ? ['Food', 'Food', 'Food', 'Flags'] : ['Flags', 'Flags', 'Flags', 'Food', null];
      const points = labels.map((label, i) => ({
        x: i,
        y: i,
        kind: 'image' as const,
        itemId: i + 1,
        label,
        split: splitOf(i + 1),
      }));
      return { modelId: 2, method: 'pca', points };
    };
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    const swatch = (name: string) =>
      (
        within(screen.getByRole('list', { name: 'Legend: Labels' }))
          .getByText(name)
          .parentElement?.querySelector('.swatch') as HTMLElement
      ).style.backgroundColor;
    await waitFor(() => expect(swatch('Food')).toBeTruthy());
    const flags = swatch('Flags');
    expect(flags).toBe(cssColor(app.app.lab.labelColor('Flags')));
    expect(swatch('Food')).toBe(cssColor(app.app.lab.labelColor('Food')));
    expect(flags).not.toBe(swatch('Food'));
    await fireEvent.change(screen.getByLabelText('At most'), { target: { value: '500' } });
    await waitFor(() =>
      expect(within(screen.getByRole('list', { name: 'Legend: Labels' })).getAllByRole('listitem')).toHaveLength(2),
    );
    expect(swatch('Flags')).toBe(flags);
  });

  it('shows projection errors with a retry', async () => {
    const core = mapCore();
    core.handlers.projection = () => {
      throw new Error('the model has no embeddings');
    };
    const app = fakeApp(core);
    stop = app.stop;
    render(MapView, { context: app.context });
    expect((await screen.findByRole('alert')).textContent).toContain('the model has no embeddings');
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(core.paramsOf('projection')).toHaveLength(2);
  });
});
