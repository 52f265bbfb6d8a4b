import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Params } from '$api/contract.ts';
import { fakeApp } from '../../testing/fake-core.ts';
import { theoryCore } from '../../testing/fake-theory.ts';
import CurseTab from './CurseTab.svelte';

let stop = () => {};
afterEach(() => stop());

function show() {
  const c = theoryCore();
  // Smaller simulations than the view asks for, to keep the spec fast.
  const conc = c.handlers.theoryConcentration!;
  c.handlers.theoryConcentration = (p: Params<'theoryConcentration'>) =>
    conc({ ...p, n: 100, queries: 4, dims: [1, 10, 100] });
  const noise = c.handlers.theoryNoiseDims!;
  c.handlers.theoryNoiseDims = (p: Params<'theoryNoiseDims'>) =>
    noise({ ...p, nTrain: 100, nTest: 60, repeats: 1, noiseDims: [0, 100] });
  const app = fakeApp(c);
  stop = app.stop;
  render(CurseTab, { context: app.context });
  return c;
}

const text = (id: string) => (screen.getByTestId(id).textContent ?? '').replace(/\s+/g, ' ');

describe('CurseTab', () => {
  it('plots the ratio, the shell, the edge and the noise accuracy, and reacts to each control', async () => {
    const c = show();
    await waitFor(() => expect(text('curse-ratio')).toMatch(/in d = 100/));
    await waitFor(() => expect(text('curse-shell')).toMatch(/1 − \(1 − ε\)d: 99\.4 % in d = 100/));
    expect(text('curse-edge')).toMatch(/1\.00 % of uniform points.*63\.1 % of each axis in d = 10/);
    await waitFor(() => expect(text('curse-noise')).toMatch(/with 100 noise coordinates added/));

    await fireEvent.change(screen.getByLabelText('Point distribution'), { target: { value: 'gaussian' } });
    await waitFor(() => expect(c.lastParams('theoryConcentration')?.distribution).toBe('gaussian'));

    await fireEvent.change(screen.getByRole('slider', { name: 'Shell thickness' }), { target: { value: '0.2' } });
    await waitFor(() => expect(text('curse-shell')).toMatch(/ε = 0\.20.*100\.0 % in d = 100/));

    await fireEvent.input(screen.getByLabelText('K (points held)'), { target: { value: '100' } });
    await waitFor(() => expect(text('curse-edge')).toMatch(/10\.00 % of uniform points.*79\.4 % of each axis/));

    await fireEvent.change(screen.getByLabelText('Informative 2-D problem'), { target: { value: 'rings' } });
    await waitFor(() => expect(c.lastParams('theoryNoiseDims')?.shape).toMatchObject({ kind: 'rings' }));
  });

  it('checks K and n of the neighbourhood beside their fields instead of changing them silently', async () => {
    const core = show();
    await waitFor(() => expect(text('curse-edge')).toMatch(/1\.00 % of uniform points/));
    const asked = core.paramsOf('theoryCurseCurves').length;
    await fireEvent.input(screen.getByLabelText('n (all points)'), { target: { value: '0' } });
    expect(screen.getByText('n must be at least 1.')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('n (all points)'), { target: { value: '5' } });
    expect(await screen.findByText('K can be at most 5 (n).')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('K (points held)'), { target: { value: '2.5' } });
    expect(screen.getByText('K must be a whole number from 1 to 5 (n).')).toBeTruthy();
    expect(core.paramsOf('theoryCurseCurves')).toHaveLength(asked);
    await fireEvent.input(screen.getByLabelText('K (points held)'), { target: { value: '5' } });
    await waitFor(() => expect(core.lastParams('theoryCurseCurves')).toMatchObject({ K: 5, n: 5 }));
    expect(screen.queryByText(/must be|can be at most/)).toBeNull();
  });
});
