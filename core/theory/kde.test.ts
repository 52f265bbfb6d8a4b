import { describe, expect, it } from 'vitest';
import { sampleDataset, type LabeledPoints2D } from './datasets.ts';
import type { Vec2 } from './linalg2.ts';
import { distance, type Metric } from '../knn/metrics.ts';
import { planeMahalanobis } from './metrics.ts';
import { ballGrowth, knnDensityAt } from './kde.ts';
import { knnPosterior } from './playground.ts';

const data: LabeledPoints2D = {
  // class 0: (0,0), (1,0), (0,3); class 1: (2,0), (0,-2)
  points: Float64Array.from([0, 0, 1, 0, 0, 3, 2, 0, 0, -2]),
  labels: Int32Array.from([0, 0, 0, 1, 1]),
  numClasses: 2,
};

describe('knnDensityAt', () => {
  it('worked example: r_K, V_K, n_c(x), p(x|c), p(c), p(c|x)', () => {
    // From x = (0.5, 0): distances 0.5, 0.5, 1.5, √(0.25+4), √(0.25+9); K = 3 → ball of radius 1.5.
    const e = knnDensityAt(data, [0.5, 0], 3);
    expect(e.radius).toBe(1.5);
    expect(e.volume).toBeCloseTo(Math.PI * 2.25, 14);
    expect(Array.from(e.countsInBall)).toEqual([2, 1]);
    expect(Array.from(e.classTotals)).toEqual([3, 2]);
    expect(e.likelihood[0]).toBeCloseTo(2 / (3 * Math.PI * 2.25), 14);
    expect(e.likelihood[1]).toBeCloseTo(1 / (2 * Math.PI * 2.25), 14);
    expect(Array.from(e.prior)).toEqual([3 / 5, 2 / 5]);
    expect(e.density).toBeCloseTo(3 / (5 * Math.PI * 2.25), 14);
    expect(e.posterior[0]).toBeCloseTo(2 / 3, 15);
    expect(e.posterior[1]).toBeCloseTo(1 / 3, 15);
  });

  it('Bayes p(c|x) equals the KNN share n_c(x)/K, and p(x) = Σ p(x|c)p(c), for every metric', () => {
    const blobs = sampleDataset({ kind: 'blobs', numClasses: 4, spread: 1 }, { n: 150, seed: 31 });
    const metrics: Metric[] = ['euclidean', 'l1', planeMahalanobis([1, 0.3, 0.3, 2])];
    for (const metric of metrics) {
      for (const K of [1, 2, 7, 30, 150]) {
        for (const x of [
          [0, 0],
          [1.5, -0.5],
          [-3, 2],
        ] as Vec2[]) {
          const e = knnDensityAt(blobs, x, K, metric);
          const knn = knnPosterior(blobs, x, K, metric);
          for (let c = 0; c < 4; c++) {
            expect(Math.abs(e.posterior[c] - e.knnShare[c])).toBeLessThan(1e-14);
            expect(e.knnShare[c]).toBe(knn.probabilities[c]);
          }
          const mix = Array.from(e.likelihood).reduce((s, l, c) => s + l * e.prior[c], 0);
          expect(mix).toBeCloseTo(e.density, 12);
          expect(e.radius).toBe(Math.max(...e.distances));
        }
      }
    }
  });

  it('is a consistent density estimate: p̂(0) → 1/(2π) for a standard normal', () => {
    const normal = sampleDataset(
      { kind: 'mixture', components: [{ mean: [0, 0], cov: [1, 0, 0, 1] }] },
      { n: 20_000, seed: 32 },
    );
    const e = knnDensityAt(normal, [0, 0], 400);
    expect(Math.abs(e.density - 1 / (2 * Math.PI)) / (1 / (2 * Math.PI))).toBeLessThan(0.1);
  });

  it('handles a zero-radius ball (x on a training point, K = 1) by the V → 0 limit', () => {
    const e = knnDensityAt(data, [1, 0], 1);
    expect(e.radius).toBe(0);
    expect(e.density).toBe(Infinity);
    expect(Array.from(e.posterior)).toEqual([1, 0]);
  });
});

describe('ballGrowth', () => {
  it('steps through the sorted neighbour distances with cumulative class counts', () => {
    const blobs = sampleDataset({ kind: 'blobs', numClasses: 3 }, { n: 50, seed: 33 });
    const x: Vec2 = [0.3, -0.2];
    const g = ballGrowth(blobs, x, 20);
    expect(g.steps).toBe(20);
    const d = (ax: number, ay: number, bx: number, by: number): number => distance([ax, ay], [bx, by], 'euclidean');
    const sorted = Array.from(blobs.labels, (_, i) => d(x[0], x[1], blobs.points[2 * i], blobs.points[2 * i + 1])).sort(
      (a, b) => a - b,
    );
    expect(Array.from(g.radii)).toEqual(sorted.slice(0, 20));
    for (let s = 0; s < 20; s++) {
      const row = Array.from(g.counts.subarray(s * 3, s * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBe(s + 1);
      expect(g.volumes[s]).toBeCloseTo(Math.PI * g.radii[s] ** 2, 12);
      const direct = knnDensityAt(blobs, x, s + 1);
      expect(row).toEqual(Array.from(direct.countsInBall));
      expect(g.density[s]).toBeCloseTo(direct.density, 12);
      expect(g.posterior[s * 3]).toBeCloseTo(direct.posterior[0], 14);
    }
    expect(ballGrowth(blobs, x, 500).steps).toBe(50);
  });
});
