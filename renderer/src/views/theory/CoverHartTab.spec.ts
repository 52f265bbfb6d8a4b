import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params } from '$api/contract.ts';
import { fakeApp } from '../../testing/fake-core.ts';
import { theoryCore } from '../../testing/fake-theory.ts';
import CoverHartTab from './CoverHartTab.svelte';

let stop = () => {};
afterEach(() => stop());

/** Small simulations keep the spec fast; the view's own sizes are checked on the way. */
function core() {
  const c = theoryCore();
  const real = c.handlers.theoryCoverHart!;
  c.handlers.theoryCoverHart = (p: Params<'theoryCoverHart'>) =>
    real({ ...p, ns: p.ns?.slice(0, 4), repeats: 1, testSize: 200, mcSamples: 5000 });
  return c;
}

function show(c = core()) {
  const app = fakeApp(c);
  stop = app.stop;
  render(CoverHartTab, { context: app.context });
  return c;
}

const status = () => (screen.getByTestId('coverhart-status').textContent ?? '').replace(/\s+/g, ' ');

describe('CoverHartTab', () => {
  it('simulates two Gaussians Δ apart and shows R* in closed form with the Cover–Hart bound', async () => {
    const c = show();
    await waitFor(() => expect(status()).toMatch(/R\* = 0\.1587 \(closed form/));
    expect(status()).toMatch(/R\*\(2 − M R\*\/\(M − 1\)\) = 0\.2670/);
    const p = c.lastParams('theoryCoverHart')!;
    expect(p.classes).toEqual([
      { mean: [-1, expect.closeTo(0, 12)], cov: [1, 0, 0, 1] },
      { mean: [1, expect.closeTo(0, 12)], cov: [1, 0, 0, 1] },
    ]);
    expect(p.ns).toEqual([5, 10, 20, 50, 100, 200, 500, 1000, 2000]);
    expect(screen.getByTestId('coverhart-preview').getAttribute('data-points')).toBe('400');
  });

  it('reruns with more classes (Monte-Carlo R*) and a new separation', async () => {
    const c = show();
    await waitFor(() => expect(status()).toMatch(/closed form/));
    await fireEvent.change(screen.getByLabelText('Classes M'), { target: { value: '3' } });
    await waitFor(() => expect(status()).toMatch(/\(Monte Carlo\)/));
    expect(c.lastParams('theoryCoverHart')!.classes).toHaveLength(3);
    const slider = screen.getByRole('slider', { name: 'Distance between means' });
    await fireEvent.change(slider, { target: { value: '4' } });
    await waitFor(() => {
      const [a, b] = c.lastParams('theoryCoverHart')!.classes;
      expect(Math.hypot(a.mean[0] - b.mean[0], a.mean[1] - b.mean[1])).toBeCloseTo(4, 9);
    });
  });
});
