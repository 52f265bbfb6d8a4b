import { describe, expect, it } from 'vitest';
import type { RegionsResult } from '$api/theory-contract.ts';
import { decodeBytes, decodeU16, fingerprint } from './codec.ts';
import { mahalanobisEllipse, parseColor, regionPixels } from './paint.ts';
import { boxAround, fitBox, pointNear, toCanvas, toWorld } from './plane.ts';

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));

describe('codec', () => {
  it('decodes bytes and little-endian uint16', () => {
    expect(Array.from(decodeBytes(b64([0, 7, 255])))).toEqual([0, 7, 255]);
    expect(Array.from(decodeU16(b64([1, 0, 0, 1, 255, 255])))).toEqual([1, 256, 65535]);
    expect(fingerprint('abc')).not.toBe(fingerprint('abd'));
    expect(fingerprint('abc')).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('plane', () => {
  it('fits a box to the canvas aspect and maps both ways', () => {
    const box = fitBox({ xmin: 0, xmax: 4, ymin: 0, ymax: 1 }, 400, 300);
    expect((box.xmax - box.xmin) / (box.ymax - box.ymin)).toBeCloseTo(400 / 300, 12);
    expect(box.xmax - box.xmin).toBeCloseTo(4, 12);
    const p = { box, width: 400, height: 300 };
    expect(toCanvas(p, box.xmin, box.ymax)).toEqual([0, 0]);
    const [x, y] = toWorld(p, ...toCanvas(p, 1.25, 0.4));
    expect(x).toBeCloseTo(1.25, 12);
    expect(y).toBeCloseTo(0.4, 12);
    expect(pointNear(p, [1, 0.5, 3, 0.5], ...toCanvas(p, 2.95, 0.5))).toBe(1);
    expect(pointNear(p, [1, 0.5], 0, 0)).toBe(-1);
    expect(boxAround([], box)).toBe(box);
  });
});

describe('paint', () => {
  it('colours cells by class, stronger where the vote is unanimous, darker on cell borders', () => {
    const r: RegionsResult = {
      width: 2,
      height: 1,
      box: { xmin: 0, xmax: 1, ymin: 0, ymax: 1 },
      K: 1,
      numClasses: 2,
      argmax: b64([0, 1]),
      confidence: b64([255, 128]),
      tied: b64([0, 0]),
      nearest: b64([0, 0, 1, 0]),
      voronoi: null,
      prior: [0.5, 0.5],
      voronoiNote: null,
    };
    const px = regionPixels(r, ['#ff0000', '#0000ff'], '#ffffff', false);
    // A unanimous cell: 65 % class colour over the background.
    expect(Array.from(px.slice(0, 4))).toEqual([255, 89, 89, 255]);
    // A 50/50 vote of 2 classes is barely tinted: its other channels stay near the background.
    expect(px[4]).toBe(204);
    expect(px[6]).toBe(255);
    const cells = regionPixels(r, ['#ff0000', '#0000ff'], '#ffffff', true);
    expect(cells[1]).toBeLessThan(px[1]);
    expect(parseColor('#abc')).toEqual([170, 187, 204]);
    expect(parseColor('hsl(1 2% 3%)')).toEqual([128, 128, 128]);
  });

  it('gives the Mahalanobis ball its ellipse axes', () => {
    const e = mahalanobisEllipse([4, 0, 0, 1], 2)!;
    expect(e.a).toBeCloseTo(1, 12);
    expect(e.b).toBeCloseTo(2, 12);
    expect(e.angle).toBeCloseTo(0, 12);
    const t = mahalanobisEllipse([2, 1, 1, 2], 1)!;
    expect(t.angle).toBeCloseTo(Math.PI / 4, 12);
    expect(t.a).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(mahalanobisEllipse([1, 2, 2, 1], 1)).toBeNull();
  });
});
