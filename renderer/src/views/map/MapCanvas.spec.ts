import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import MapCanvas, { type MapPoint } from './MapCanvas.svelte';

const points: MapPoint[] = [
  { x: 0, y: 0, kind: 'image' },
  { x: 1, y: 1, kind: 'caption' },
  { x: 2, y: 0, kind: 'image' },
];

function map() {
  const onhover = vi.fn();
  const onpick = vi.fn();
  render(MapCanvas, { props: { points, colors: ['red', 'green', 'blue'], label: 'Embedding map', onhover, onpick } });
  return { canvas: screen.getByLabelText('Embedding map'), onhover, onpick };
}

describe('MapCanvas', () => {
  it('steps through the points with the arrow keys and shows the neighbours of one on Enter', async () => {
    const { canvas, onhover, onpick } = map();
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    expect(onhover.mock.calls.map((c) => c[0])).toEqual([0, 1]);
    await fireEvent.keyDown(canvas, { key: 'Enter' });
    expect(onpick).toHaveBeenLastCalledWith(1);
    await fireEvent.keyDown(canvas, { key: 'ArrowLeft' });
    await fireEvent.keyDown(canvas, { key: 'ArrowLeft' });
    await fireEvent.keyDown(canvas, { key: 'ArrowLeft' });
    // Wraps around: 1 → 0 → 2 (the last) → 1.
    expect(onhover.mock.calls.slice(2).map((c) => c[0])).toEqual([0, 2, 1]);
  });

  it('picks the point under a click, at the screen position it reported', async () => {
    const { canvas, onhover, onpick } = map();
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    const [index, x, y] = onhover.mock.lastCall as [number, number, number];
    expect(index).toBe(2);
    // jsdom lays nothing out: the canvas sits at (0, 0), so client coordinates are canvas coordinates.
    await fireEvent.click(canvas, { clientX: x + 3, clientY: y - 3 });
    expect(onpick).toHaveBeenCalledWith(2);
    onpick.mockClear();
    await fireEvent.click(canvas, { clientX: x + 40, clientY: y + 40 });
    expect(onpick).not.toHaveBeenCalled();
  });

  it('zooms with + and -, and offers to reset the view until it is back home', async () => {
    const { canvas, onhover } = map();
    expect(screen.queryByRole('button', { name: 'Reset view' })).toBeNull();
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    const before = onhover.mock.lastCall as [number, number, number];
    await fireEvent.keyDown(canvas, { key: '+' });
    await fireEvent.click(await screen.findByRole('button', { name: 'Reset view' }));
    expect(screen.queryByRole('button', { name: 'Reset view' })).toBeNull();

    await fireEvent.keyDown(canvas, { key: '+' });
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    await fireEvent.keyDown(canvas, { key: 'ArrowLeft' });
    const zoomed = onhover.mock.lastCall as [number, number, number];
    expect(zoomed[0]).toBe(0);
    // Zoomed 1.5× about the centre: point 0 moved away from it.
    expect(zoomed[1]).not.toBeCloseTo(before[1]);
    await fireEvent.keyDown(canvas, { key: '0' });
    expect(screen.queryByRole('button', { name: 'Reset view' })).toBeNull();
  });
});
