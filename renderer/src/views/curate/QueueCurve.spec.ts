import { render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '$api/contract.ts';
import { fakeApp, labCore, stopApps } from '../../testing/fake-core.ts';
import QueueCurve from './QueueCurve.svelte';

afterEach(stopApps);

describe('QueueCurve', () => {
  it('measures at once after `every` labels, else after a pause, and shows the change since the first measurement', async () => {
    let accuracy = 0.5;
    const { core } = labCore(2, {
      knnCurve: (): Results['knnCurve'] => ({
        modelId: 3,
        points: [1, 2].map((k) => ({ k, accuracy: k === 2 ? accuracy : 0.1 })),
        bestK: 2,
      }),
    });
    const { rerender } = render(QueueCurve, {
      context: fakeApp(core).context,
      props: { modelId: 3, labeled: 0, every: 3, debounceMs: 60_000 },
    });
    await waitFor(() =>
      expect(screen.getByTestId('queue-accuracy').textContent).toMatch(/Best K = 2, accuracy 50\.0 %/),
    );
    accuracy = 0.6;
    await rerender({ labeled: 2 });
    await new Promise((r) => setTimeout(r, 30));
    expect(core.paramsOf('knnCurve')).toHaveLength(1);
    await rerender({ labeled: 3 });
    await waitFor(() =>
      expect(screen.getByTestId('queue-accuracy').textContent).toMatch(
        /accuracy 60\.0 %\s*\(\+10\.0 points after 3 labels\)/,
      ),
    );
    expect(core.paramsOf('knnCurve')).toEqual([
      { metric: 'cosine', maxK: 30, modelId: 3 },
      { metric: 'cosine', maxK: 30, modelId: 3 },
    ]);
  });

  it('shows a failed measurement', async () => {
    const { core } = labCore(2, {
      knnCurve: () => {
        throw new Error('fewer than 2 labeled items');
      },
    });
    render(QueueCurve, { context: fakeApp(core).context, props: { modelId: null, labeled: 0 } });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not measure k-NN accuracy: fewer than 2 labeled items',
    );
    expect(core.lastParams('knnCurve')).toEqual({ metric: 'cosine', maxK: 30 });
  });
});
