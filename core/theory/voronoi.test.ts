import { describe, expect, it } from 'vitest';
import { sampleDataset, type Box, type LabeledPoints2D } from './datasets.ts';
import type { Mat2 } from './linalg2.ts';
import { distance, type Metric } from '../knn/metrics.ts';
import { planeMahalanobis } from './metrics.ts';
import { cellCenter, oneNnRaster } from './playground.ts';
import { voronoiDiagram } from './voronoi.ts';

const box: Box = { xmin: -5, xmax: 5, ymin: -4, ymax: 4 };

function onBoxBoundary(x: number, y: number, b: Box): boolean {
  const eps = 1e-9;
  const onX = Math.abs(x - b.xmin) < eps || Math.abs(x - b.xmax) < eps;
  const onY = Math.abs(y - b.ymin) < eps || Math.abs(y - b.ymax) < eps;
  return (onX && y >= b.ymin - eps && y <= b.ymax + eps) || (onY && x >= b.xmin - eps && x <= b.xmax + eps);
}

function pointInConvex(poly: Float64Array, x: number, y: number): boolean {
  const m = poly.length / 2;
  for (let k = 0; k < m; k++) {
    const k2 = (k + 1) % m;
    const cross =
      (poly[2 * k2] - poly[2 * k]) * (y - poly[2 * k + 1]) - (poly[2 * k2 + 1] - poly[2 * k + 1]) * (x - poly[2 * k]);
    if (cross < -1e-9) return false;
  }
  return m >= 3;
}

function polygonArea(poly: Float64Array): number {
  let a = 0;
  const m = poly.length / 2;
  for (let k = 0; k < m; k++) {
    const k2 = (k + 1) % m;
    a += poly[2 * k] * poly[2 * k2 + 1] - poly[2 * k2] * poly[2 * k + 1];
  }
  return a / 2;
}

describe('voronoiDiagram', () => {
  it('the boundary between two points is their perpendicular bisector, clipped to the box', () => {
    const a = [-1, 0.5];
    const b = [2, 2.5];
    const data: LabeledPoints2D = {
      points: Float64Array.from([...a, ...b]),
      labels: Int32Array.from([0, 1]),
      numClasses: 2,
    };
    const { edges, cells } = voronoiDiagram(data, box);
    expect(edges).toHaveLength(1);
    const e = edges[0];
    expect([e.siteA, e.siteB, e.betweenClasses]).toEqual([0, 1, true]);
    for (const [x, y] of [
      [e.x1, e.y1],
      [e.x2, e.y2],
    ]) {
      // equidistant from both sites …
      expect(Math.hypot(x - a[0], y - a[1])).toBeCloseTo(Math.hypot(x - b[0], y - b[1]), 12);
      // … and ending on the box
      expect(onBoxBoundary(x, y, box)).toBe(true);
    }
    // perpendicular to a→b and through the midpoint
    const dot = (e.x2 - e.x1) * (b[0] - a[0]) + (e.y2 - e.y1) * (b[1] - a[1]);
    expect(dot).toBeCloseTo(0, 12);
    const mx = (a[0] + b[0]) / 2;
    const my = (a[1] + b[1]) / 2;
    const cross = (e.x2 - e.x1) * (my - e.y1) - (e.y2 - e.y1) * (mx - e.x1);
    expect(cross).toBeCloseTo(0, 12);
    // the two cells tile the box
    expect(polygonArea(cells[0]) + polygonArea(cells[1])).toBeCloseTo(80, 10);
  });

  it('with a Mahalanobis M the two-point boundary is the M-bisector: xᵀM(b − a) = (bᵀMb − aᵀMa)/2', () => {
    const M: Mat2 = [2, 0.5, 0.5, 1];
    const data: LabeledPoints2D = {
      points: Float64Array.from([0, 0, 1, 1]),
      labels: Int32Array.from([0, 1]),
      numClasses: 2,
    };
    const metric = planeMahalanobis(M);
    const { edges } = voronoiDiagram(data, box, metric);
    expect(edges).toHaveLength(1);
    const d = (ax: number, ay: number, bx: number, by: number): number => distance([ax, ay], [bx, by], metric);
    for (const [x, y] of [
      [edges[0].x1, edges[0].y1],
      [edges[0].x2, edges[0].y2],
    ]) {
      expect(d(x, y, 0, 0)).toBeCloseTo(d(x, y, 1, 1), 12);
    }
  });

  const data = sampleDataset({ kind: 'blobs', numClasses: 3, spread: 1.2 }, { n: 60, seed: 21 });
  const metrics: Metric[] = ['euclidean', planeMahalanobis([1.5, -0.4, -0.4, 0.8])];

  it.each(metrics)('cells tile the box and every edge separates exactly its two nearest sites (%o)', (metric) => {
    const { cells, edges } = voronoiDiagram(data, box, metric);
    expect(cells.reduce((s, c) => s + polygonArea(c), 0)).toBeCloseTo(80, 8);
    const d = (ax: number, ay: number, bx: number, by: number): number => distance([ax, ay], [bx, by], metric);
    expect(edges.length).toBeGreaterThan(60);
    for (const e of edges) {
      for (const t of [0.25, 0.5, 0.75]) {
        const x = e.x1 + t * (e.x2 - e.x1);
        const y = e.y1 + t * (e.y2 - e.y1);
        const da = d(x, y, data.points[2 * e.siteA], data.points[2 * e.siteA + 1]);
        const db = d(x, y, data.points[2 * e.siteB], data.points[2 * e.siteB + 1]);
        expect(da).toBeCloseTo(db, 9);
        let nearest = Infinity;
        for (let i = 0; i < 60; i++) nearest = Math.min(nearest, d(x, y, data.points[2 * i], data.points[2 * i + 1]));
        expect(nearest).toBeGreaterThan(da - 1e-9);
      }
      expect(e.betweenClasses).toBe(data.labels[e.siteA] !== data.labels[e.siteB]);
    }
    // two convex cells share at most one edge, and it is listed once
    expect(new Set(edges.map((e) => `${e.siteA}-${e.siteB}`)).size).toBe(edges.length);
  });

  it('agrees with the 1-NN raster: each cell centre lies in the polygon of its nearest site', () => {
    const grid = { box, width: 40, height: 32 };
    const raster = oneNnRaster(data, grid);
    const { cells } = voronoiDiagram(data, box);
    for (let row = 0; row < 32; row++) {
      for (let col = 0; col < 40; col++) {
        const [x, y] = cellCenter(grid, col, row);
        expect(pointInConvex(cells[raster.nearest[row * 40 + col]], x, y)).toBe(true);
      }
    }
  });

  it('a duplicated site leaves the later copy with an empty cell', () => {
    const dup: LabeledPoints2D = {
      points: Float64Array.from([0, 0, 1, 0, 0, 0]),
      labels: Int32Array.from([0, 1, 1]),
      numClasses: 2,
    };
    const { cells, edges } = voronoiDiagram(dup, box);
    expect(cells[2].length).toBe(0);
    expect(edges).toHaveLength(1);
    expect(edges[0].x1).toBeCloseTo(0.5, 12);
  });

  it('refuses L1 with a pointer to the raster', () => {
    expect(() => voronoiDiagram(data, box, 'l1')).toThrow(/oneNnRaster/);
  });
});
