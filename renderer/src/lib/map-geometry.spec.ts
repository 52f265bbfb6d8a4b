import { describe, expect, it } from 'vitest';
import { applyView, fitPoints, HOME, nearestPoint, toScreen, zoomAt } from './map-geometry.ts';

describe('map geometry', () => {
  const points = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 5 },
  ];

  it('fits the points inside the padding with one scale, y upwards', () => {
    const fit = fitPoints(points, 220, 220, 10);
    const s = toScreen(points, fit);
    expect(fit.scale).toBeCloseTo(20);
    // x spans the width; y is centred and flipped.
    expect([s[0], s[2]]).toEqual([10, 210]);
    expect(s[1]).toBeCloseTo(160);
    expect(s[5]).toBeCloseTo(60);
  });

  it('finds the nearest point within the radius only', () => {
    const s = toScreen(points, fitPoints(points, 220, 220, 10));
    expect(nearestPoint(s, 208, 158, 8)).toBe(1);
    expect(nearestPoint(s, 205, 65, 8)).toBe(2);
    expect(nearestPoint(s, 110, 110, 8)).toBe(-1);
  });

  it('survives no points and a single point', () => {
    expect(toScreen([], fitPoints([], 100, 100))).toHaveLength(0);
    const one = toScreen([{ x: 3, y: 3 }], fitPoints([{ x: 3, y: 3 }], 100, 100));
    expect([one[0], one[1]]).toEqual([50, 50]);
  });
});

describe('map zoom', () => {
  it('zooms about the pointer, which stays put, and never below the whole map', () => {
    const v = zoomAt(HOME, 100, 50, 2);
    expect(v).toEqual({ zoom: 2, tx: -100, ty: -50 });
    const s = applyView(new Float32Array([100, 50, 0, 0]), v);
    expect([...s]).toEqual([100, 50, -100, -50]);
    expect(zoomAt(v, 0, 0, 0.1).zoom).toBe(1);
    expect(applyView(new Float32Array([1, 2]), HOME)).toEqual(new Float32Array([1, 2]));
  });
});
