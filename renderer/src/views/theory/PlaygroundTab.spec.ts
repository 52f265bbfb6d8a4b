import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApp } from '../../testing/fake-core.ts';
import { theoryCore } from '../../testing/fake-theory.ts';
import PlaygroundTab from './PlaygroundTab.svelte';

let stop = () => {};
afterEach(() => stop());

function show(core = theoryCore()) {
  const app = fakeApp(core);
  stop = app.stop;
  render(PlaygroundTab, { context: app.context });
  return core;
}

const plane = () => screen.getByTestId('playground-plane');
const raster = () => plane().getAttribute('data-raster');
const text = (id: string) => (screen.getByTestId(id).textContent ?? '').replace(/\s+/g, ' ');

async function setK(k: number): Promise<void> {
  const input = screen.getByLabelText('K (neighbours) value');
  await fireEvent.change(input, { target: { value: String(k) } });
}

describe('PlaygroundTab', () => {
  it('samples data, draws regions and the error curve, and redraws when K moves', async () => {
    const core = show();
    await waitFor(() => expect(raster()).toMatch(/^[0-9a-f]{8}$/));
    expect(core.lastParams('theoryDataset')).toMatchObject({ n: 200, testN: 500 });
    expect(plane().getAttribute('data-points')).toBe('200');
    await waitFor(() => expect(text('error-status')).toMatch(/K = 5: training error/));
    const before = raster();
    const curveCalls = core.paramsOf('theoryErrorCurve').length;

    await setK(40);
    await waitFor(() => expect(core.lastParams('theoryRegions')?.K).toBe(40));
    await waitFor(() => expect(raster()).not.toBe(before));
    expect(text('error-status')).toMatch(/K = 40: training error/);
    // The curve does not depend on K: moving the slider does not recompute it.
    expect(core.paramsOf('theoryErrorCurve')).toHaveLength(curveCalls);
  });

  it('K = 1 draws exact Voronoi edges; K ≥ n predicts the prior everywhere', async () => {
    const core = show();
    await waitFor(() => expect(raster()).toBeTruthy());
    await setK(1);
    await waitFor(() => expect(Number(plane().getAttribute('data-edges'))).toBeGreaterThan(100));
    expect(text('k-status')).toMatch(/Voronoi cell.*perpendicular bisectors/);
    await setK(200);
    await waitFor(() => expect(text('k-status')).toMatch(/class prior \((0\.3\d \/ ){2}0\.3\d\)/));
    expect(plane().getAttribute('data-edges')).toBe('0');
    expect(core.lastParams('theoryRegions')?.K).toBe(200);
  });

  it('clicking adds a point of the chosen class, Shift+click removes it, and the regions change', async () => {
    const core = show();
    await waitFor(() => expect(raster()).toBeTruthy());
    await fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(plane().getAttribute('data-points')).toBe('0'));
    // jsdom lays nothing out: canvas pixels are client coordinates on a 520 × 400 canvas.
    await fireEvent.click(plane(), { clientX: 100, clientY: 200 });
    await fireEvent.click(screen.getByRole('radio', { name: 'class 2' }));
    await fireEvent.click(plane(), { clientX: 420, clientY: 200 });
    await waitFor(() => expect(core.lastParams('theoryRegions')?.data.labels).toEqual([0, 1]));
    await waitFor(() => expect(raster()).toBeTruthy());
    const two = raster();
    const [x0, , x1] = core.lastParams('theoryRegions')!.data.points;
    expect(x0).toBeLessThan(x1);

    await fireEvent.click(screen.getByRole('radio', { name: 'class 3' }));
    await fireEvent.click(plane(), { clientX: 260, clientY: 40 });
    await waitFor(() => expect(core.lastParams('theoryRegions')?.data.labels).toEqual([0, 1, 2]));
    await waitFor(() => expect(raster()).not.toBe(two));

    await fireEvent.click(plane(), { clientX: 261, clientY: 41, shiftKey: true });
    await waitFor(() => expect(core.lastParams('theoryRegions')?.data.labels).toEqual([0, 1]));
    // Too few points for a held-out split: no curve yet, and the view says why.
    expect(screen.getByText('Add at least 4 points to see the error curve.')).toBeTruthy();
  });

  it('reads p(y = c | x) under the cursor and sends the Mahalanobis matrix', async () => {
    const core = show();
    await waitFor(() => expect(raster()).toBeTruthy());
    await fireEvent.mouseMove(plane(), { clientX: 260, clientY: 200 });
    await waitFor(() => expect(text('cursor-posterior')).toMatch(/5 nearest points vote/));
    const probs = screen.getAllByTestId('prob').map((e) => Number(e.textContent));
    expect(probs.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(probs.every((p) => Math.abs(p * 5 - Math.round(p * 5)) < 1e-9)).toBe(true);

    await fireEvent.click(screen.getByRole('radio', { name: 'Mahalanobis' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Tilted' }));
    await waitFor(() =>
      expect(core.lastParams('theoryRegions')?.metric).toEqual({ kind: 'mahalanobis', M: [2, 1.5, 1.5, 2] }),
    );
    await fireEvent.change(screen.getByLabelText('M row 1 column 2'), { target: { value: '3' } });
    await waitFor(() => expect(screen.getAllByRole('alert')[0].textContent).toMatch(/not positive semi-definite/));
    expect(core.lastParams('theoryRegions')?.metric).toEqual({ kind: 'mahalanobis', M: [2, 3, 3, 2] });
  });

  it('checks the number of points beside the field and sends core only what it accepts', async () => {
    const core = show();
    await waitFor(() => expect(raster()).toBeTruthy());
    const points = screen.getByLabelText('Points') as HTMLInputElement;
    const asked = core.paramsOf('theoryDataset').length;

    await fireEvent.input(points, { target: { value: '5000' } });
    await fireEvent.change(points);
    expect(screen.getByText('Points can be at most 2,000.')).toBeTruthy();
    expect(points.getAttribute('aria-invalid')).toBe('true');
    await fireEvent.input(points, { target: { value: '1' } });
    await fireEvent.change(points);
    expect(screen.getByText('Points must be at least 2.')).toBeTruthy();
    await fireEvent.input(points, { target: { value: '' } });
    await fireEvent.change(points);
    expect(screen.getByText('Points must be a whole number from 2 to 2,000.')).toBeTruthy();
    expect(core.paramsOf('theoryDataset')).toHaveLength(asked);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.body.textContent).not.toMatch(/✖|Too big|expected number/);

    await fireEvent.input(points, { target: { value: '300' } });
    await fireEvent.change(points);
    await waitFor(() => expect(core.lastParams('theoryDataset')).toMatchObject({ n: 300 }));
    expect(screen.queryByText(/Points (can|must)/)).toBeNull();
    expect(points.getAttribute('aria-invalid')).toBeNull();
  });

  it('after Clear, states K as its box shows it and that there are no points yet', async () => {
    show();
    await waitFor(() => expect(raster()).toBeTruthy());
    await fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(plane().getAttribute('data-points')).toBe('0'));
    const box = screen.getByLabelText('K (neighbours) value') as HTMLInputElement;
    expect(box.value).toBe('5');
    expect(text('k-status').trim()).toBe('K = 5; no points yet: click the plane to add some.');
    await fireEvent.click(plane(), { clientX: 100, clientY: 200 });
    await fireEvent.click(plane(), { clientX: 300, clientY: 200 });
    await waitFor(() => expect(text('k-status')).toMatch(/^K = 5, more than the n = 2 points: all 2 vote/));
  });
});
