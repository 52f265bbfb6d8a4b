import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApp } from '../../testing/fake-core.ts';
import { theoryCore } from '../../testing/fake-theory.ts';
import KdeTab from './KdeTab.svelte';

let stop = () => {};
afterEach(() => {
  stop();
  vi.useRealTimers();
});

function show(core = theoryCore()) {
  const app = fakeApp(core);
  stop = app.stop;
  render(KdeTab, { context: app.context });
  return core;
}

const cells = (id: string) => screen.getAllByTestId(id).map((e) => Number(e.textContent));

describe('KdeTab', () => {
  it("shows V_K, p(x|c), p(c) and Bayes' rule equal to the KNN vote, and follows a picked point", async () => {
    const core = show();
    await waitFor(() => expect(screen.getByTestId('kde-ball').textContent).toMatch(/K = 12 of n = 150/));
    const bayes = cells('bayes');
    expect(bayes).toHaveLength(3);
    expect(bayes).toEqual(cells('vote'));
    expect(bayes.reduce((a, b) => a + b)).toBeCloseTo(1, 3);
    const first = core.lastParams('theoryKde')!;
    expect(first.K).toBe(12);

    await fireEvent.click(screen.getByTestId('kde-plane'), { clientX: 30, clientY: 30 });
    await waitFor(() => expect(core.lastParams('theoryKde')?.x).not.toEqual(first.x));
    expect(cells('bayes')).toEqual(cells('vote'));

    await fireEvent.change(screen.getByLabelText('K (neighbours) value'), { target: { value: '40' } });
    await waitFor(() => expect(screen.getByTestId('kde-ball').textContent).toMatch(/K = 40 of n = 150/));
  });

  it('grows the ball one point at a time up to K', async () => {
    const core = show();
    await waitFor(() => expect(screen.getByTestId('kde-ball').textContent).toMatch(/K = 12/));
    vi.useFakeTimers();
    await fireEvent.click(screen.getByRole('button', { name: 'Grow the ball to K = 12' }));
    await vi.advanceTimersByTimeAsync(5000);
    vi.useRealTimers();
    await waitFor(() => expect(screen.getByRole('button', { name: /Grow the ball/ })).toBeTruthy());
    const ks = core.paramsOf('theoryKde').map((p) => p.K);
    // Requests are coalesced while one is on its way, but the growth starts at 1 and ends at K.
    expect(ks).toContain(1);
    expect(ks.at(-1)).toBe(12);
  });

  it('checks the number of points beside the field', async () => {
    const core = show();
    await waitFor(() => expect(screen.getByTestId('kde-ball').textContent).toMatch(/K = 12/));
    const points = screen.getByLabelText('Points') as HTMLInputElement;
    const asked = core.paramsOf('theoryDataset').length;
    await fireEvent.input(points, { target: { value: '3' } });
    await fireEvent.change(points);
    expect(screen.getByText('Points must be at least 5.')).toBeTruthy();
    await fireEvent.input(points, { target: { value: '2500' } });
    await fireEvent.change(points);
    expect(screen.getByText('Points can be at most 2,000.')).toBeTruthy();
    expect(core.paramsOf('theoryDataset')).toHaveLength(asked);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('grows the ball within the lab limit when K is large', async () => {
    const core = show();
    await waitFor(() => expect(screen.getByTestId('kde-ball').textContent).toMatch(/K = 12/));
    const points = screen.getByLabelText('Points') as HTMLInputElement;
    await fireEvent.input(points, { target: { value: '1500' } });
    await fireEvent.change(points);
    await waitFor(() => expect(screen.getByTestId('kde-ball').textContent).toMatch(/n = 1,500 points/));
    await fireEvent.change(screen.getByLabelText('K (neighbours) value'), { target: { value: '900' } });
    await waitFor(() => expect(screen.getByTestId('kde-ball').textContent).toMatch(/K = 900 of n = 1,500/));
    expect(core.lastParams('theoryKde')?.growthMax).toBe(500);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
