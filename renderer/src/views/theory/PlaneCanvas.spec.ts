import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { RegionsResult } from '$api/theory-contract.ts';
import PlaneCanvas from './PlaneCanvas.svelte';

const box = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };

function regions(argmax: string): RegionsResult {
  return {
    width: 2,
    height: 2,
    box,
    K: 1,
    numClasses: 2,
    argmax,
    confidence: btoa('\xff\xff\xff\xff'),
    tied: btoa('\0\0\0\0'),
    nearest: null,
    voronoi: null,
    prior: [0.5, 0.5],
    voronoiNote: null,
  };
}

const base = {
  label: 'Decision regions',
  box,
  width: 200,
  height: 200,
  colors: ['#4e79a7', '#f28e2b'],
  points: [0.5, 0.5, -0.5, -0.5, 0, 0],
  labels: [0, 1, 1],
};

describe('PlaneCanvas', () => {
  it('names the figure and states how many points, edges and which raster it shows', async () => {
    const { rerender } = render(PlaneCanvas, { props: { ...base, testid: 'pg-plane' } });
    const canvas = screen.getByLabelText('Decision regions');
    expect(canvas).toBe(screen.getByTestId('pg-plane'));
    expect(canvas.dataset.points).toBe('3');
    expect(canvas.dataset.edges).toBe('0');
    expect(canvas.dataset.raster).toBe('');

    await rerender({ regions: regions(btoa('\0\x01\x01\0')) });
    const first = canvas.dataset.raster;
    expect(first).toMatch(/^[0-9a-f]{8}$/);
    await rerender({ regions: regions(btoa('\x01\x01\x01\0')) });
    expect(canvas.dataset.raster).not.toBe(first);
    const second = canvas.dataset.raster;
    await rerender({ cells: true });
    expect(canvas.dataset.raster).not.toBe(second);

    const edge = { x1: 0, y1: -1, x2: 0, y2: 1, siteA: 0, siteB: 1, betweenClasses: true };
    await rerender({ edges: [edge, { ...edge, x1: 1, betweenClasses: false }] });
    expect(canvas.dataset.edges).toBe('2');
  });

  it('reports clicks and pointer moves in world coordinates, y pointing up', async () => {
    const onpick = vi.fn();
    const onmove = vi.fn();
    const onleave = vi.fn();
    render(PlaneCanvas, { props: { ...base, onpick, onmove, onleave } });
    const canvas = screen.getByTestId('plane');
    // jsdom lays nothing out: the canvas sits at (0, 0) with its own size, one CSS pixel per canvas pixel.
    await fireEvent.click(canvas, { clientX: 50, clientY: 150 });
    expect(onpick).toHaveBeenCalledTimes(1);
    expect(onpick.mock.calls[0].slice(0, 2)).toEqual([-0.5, -0.5]);
    await fireEvent.mouseMove(canvas, { clientX: 200, clientY: 0 });
    expect(onmove).toHaveBeenLastCalledWith(1, 1);
    await fireEvent.mouseLeave(canvas);
    expect(onleave).toHaveBeenCalledTimes(1);
  });
});
