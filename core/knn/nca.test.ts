import { describe, expect, it } from 'vitest';
import type { Matrix } from './matrix.ts';
import { nca, ncaMetric, ncaObjective, ncaReport, ncaTransform } from './nca.ts';
import { distance } from './metrics.ts';
import { createRng } from '../util/random.ts';

/** One informative dimension (index 3) hidden among 7 noisy ones with 10× its spread. */
function hidden(n: number, seed: number): { X: Matrix; y: string[] } {
  const g = createRng(seed).normal;
  const d = 8;
  const data = new Float32Array(n * d);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y.push(`class${c}`);
    for (let t = 0; t < d; t++) data[i * d + t] = t === 3 ? (c - 1) * 2 + 0.3 * g() : 3 * g();
  }
  return { X: { data, rows: n, dim: d }, y };
}

describe('Neighbourhood Components Analysis', () => {
  it('has an analytic gradient matching finite differences', () => {
    const { X, y } = hidden(30, 2);
    const r = 3;
    const g = createRng(9).normal;
    const A = Float64Array.from({ length: r * X.dim }, () => g() * 0.3);
    const { gradient } = ncaObjective(X, y, A, r);
    const h = 1e-6;
    for (const e of [0, 5, 11, 19, 23]) {
      const plus = Float64Array.from(A);
      const minus = Float64Array.from(A);
      plus[e] += h;
      minus[e] -= h;
      const fd = (ncaObjective(X, y, plus, r).objective - ncaObjective(X, y, minus, r).objective) / (2 * h);
      expect(gradient[e]).toBeCloseTo(fd, 5);
    }
  });

  it('finds the informative dimension and raises leave-one-out KNN accuracy clearly', () => {
    const { X, y } = hidden(240, 5);
    const progress: number[] = [];
    const res = nca(X, y, {
      init: 'identity',
      seed: 1,
      batchSize: 120,
      onProgress: (p) => void progress.push(p.objective),
    });
    expect(progress.length).toBe(res.iterations);
    expect(res.history[res.history.length - 1]).toBeGreaterThan(res.history[0]);
    const report = ncaReport(X, y, res, 5);
    expect(report.before.knn).toBeLessThan(0.75);
    expect(report.after.knn).toBeGreaterThan(0.95);
    expect(report.after.oneNN).toBeGreaterThan(report.before.oneNN + 0.2);
    // the informative column dominates M
    const diag = Array.from({ length: 8 }, (_, i) => res.M[i * 8 + i]);
    expect(diag.indexOf(Math.max(...diag))).toBe(3);
  });

  it('is deterministic for a seed, honours dimsOut and stops when the callback says so', () => {
    const { X, y } = hidden(60, 3);
    const a = nca(X, y, { dimsOut: 2, init: 'pca', seed: 4, batchSize: 20, maxIterations: 15 });
    const b = nca(X, y, { dimsOut: 2, init: 'pca', seed: 4, batchSize: 20, maxIterations: 15 });
    expect(Array.from(a.A)).toEqual(Array.from(b.A));
    expect(a.A).toHaveLength(16);
    expect(ncaTransform(X, a).dim).toBe(2);
    const stopped = nca(X, y, { seed: 4, onProgress: (p) => p.iteration < 3 });
    expect(stopped.iterations).toBe(3);
    // M = AᵀA, usable as a Mahalanobis metric equal to the Euclidean distance after the map
    const Z = ncaTransform(X, a);
    const m = ncaMetric(a);
    expect(distance(X.data.subarray(0, 8), X.data.subarray(8, 16), m)).toBeCloseTo(
      distance(Z.data.subarray(0, 2), Z.data.subarray(2, 4), 'euclidean'),
      4,
    );
    expect(() => nca(X, y, { dimsOut: 9 })).toThrow(/dimsOut/);
  });
});
