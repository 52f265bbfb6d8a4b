import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params, Results } from '$api/contract.ts';
import { fakeApp, labCore, makeModel } from '../../testing/fake-core.ts';
import MapView from './MapView.svelte';

let stop = () => {};
afterEach(() => stop());

function mapCore() {
  return labCore(6, {
    models: () => ({ models: [makeModel(2)] }),
    projection: (p: Params<'projection'>): Results['projection'] => {
      const points: Results['projection']['points'] = [];
      for (let i = 1; i <= 6; i++) {
        points.push({ x: i, y: i % 3, kind: 'image', itemId: i, label: i <= 4 ? 'Flags' : null });
        if (p.modality === 'both')
          points.push({ x: i + 0.5, y: i % 3, kind: 'caption', itemId: i, label: 'Flags', text: `c${i}` });
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

  it('shows the neighbours of a point chosen from the keyboard', async () => {
    const core = mapCore();
    core.handlers.search = () => ({
      modelId: 2,
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
