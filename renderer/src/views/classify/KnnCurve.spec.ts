import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Results } from '$api/contract.ts';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import KnnCurve from './KnnCurve.svelte';

afterEach(stopApps);

const curve = (): Results['knnCurve'] => ({
  modelId: 3,
  points: [1, 2, 3, 4].map((k) => ({ k, accuracy: k === 3 ? 0.82 : 0.6 })),
  bestK: 3,
  queries: 40,
  labeled: 40,
});

describe('KnnCurve', () => {
  it('plots accuracy by K for the metric and model asked, names the best K and offers to use it', async () => {
    const { core } = labCore(4, { knnCurve: curve });
    const onusek = vi.fn();
    render(KnnCurve, { context: fakeApp(core).context, props: { modelId: 3, metric: 'l1', maxK: 20, onusek } });
    expect((await screen.findByTestId('best-k')).textContent).toBe('3');
    expect(core.lastParams('knnCurve')).toEqual({ metric: 'l1', maxK: 20, modelId: 3 });
    expect(screen.getByRole('status').textContent).toMatch(/Best K = 3\s*\(accuracy 82\.0 %\)/);
    expect(screen.getByRole('heading').textContent).toBe('Accuracy vs K (l1)');
    expect(screen.getByTestId('plot-last').textContent).toBe('last K 4: accuracy 0.600');
    await fireEvent.click(screen.getByRole('button', { name: 'Use K = 3' }));
    expect(onusek).toHaveBeenCalledWith(3);
    expect(screen.queryByTestId('curve-sampled')).toBeNull(); // every labeled item was scored
  });

  it('says when the curve was estimated on a sample of a large lab', async () => {
    const { core } = labCore(4, { knnCurve: () => ({ ...curve(), queries: 2000, labeled: 35012 }) });
    render(KnnCurve, { context: fakeApp(core).context, props: { metric: 'cosine' } });
    expect((await screen.findByTestId('curve-sampled')).textContent).toContain(
      'random sample of 2,000 of the 35,012 labeled train items',
    );
  });

  it('recomputes for a new metric, and has no "Use K" button when nobody takes it', async () => {
    const { core } = labCore(4, { knnCurve: curve });
    const { rerender } = render(KnnCurve, { context: fakeApp(core).context, props: { metric: 'cosine' } });
    await screen.findByTestId('best-k');
    expect(screen.queryByRole('button', { name: /Use K/ })).toBeNull();
    await rerender({ metric: 'euclidean' });
    await waitFor(() => expect(core.lastParams('knnCurve')).toEqual({ metric: 'euclidean', maxK: 50 }));
  });

  it('shows a failed curve and tries again on request', async () => {
    const { core } = labCore(4, {
      knnCurve: () => {
        throw new Error('fewer than 2 labeled items');
      },
    });
    render(KnnCurve, { context: fakeApp(core).context, props: { metric: 'cosine' } });
    expect((await screen.findByRole('alert')).textContent).toContain('fewer than 2 labeled items');
    core.handlers.knnCurve = curve;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect((await screen.findByTestId('best-k')).textContent).toBe('3');
  });
});
