import { describe, expect, it } from 'vitest';
import { classCounts, splitTrainTest } from './datasets.ts';
import { decisionRaster, errorVsK } from './playground.ts';
import { pca2, projectLabeled, projectRows } from './projection.ts';
import { createRng } from '../util/random.ts';

function unit(D: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const v = Float64Array.from({ length: D }, () => rng.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, offA = 0): number {
  let s = 0;
  for (let j = 0; j < b.length; j++) s += a[offA + j] * b[j];
  return s;
}

/** Rows t·3·u + s·u2 + small noise: known axes u (variance ≈ 9) and u2 (≈ 1). */
function lineData(n: number, D: number, seed: number): { X: Float32Array; u: Float64Array; u2: Float64Array } {
  const u = unit(D, seed);
  let u2 = unit(D, seed + 1);
  const p = dot(u2, u);
  u2 = u2.map((x, j) => x - p * u[j]);
  const norm = Math.hypot(...u2);
  u2 = u2.map((x) => x / norm);
  const rng = createRng(seed + 2);
  const X = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const t = 3 * rng.normal();
    const s = rng.normal();
    for (let j = 0; j < D; j++) X[i * D + j] = 5 + t * u[j] + s * u2[j] + 0.05 * rng.normal();
  }
  return { X, u, u2 };
}

describe('pca2', () => {
  it('exact on a symmetric design: rows ±3u1, ±u2 give eigenvalues 6 and 2/3', () => {
    const D = 4;
    const u1 = [0.5, 0.5, 0.5, 0.5];
    const u2 = [0.5, -0.5, 0.5, -0.5];
    const rows = [u1.map((x) => 3 * x), u1.map((x) => -3 * x), u2, u2.map((x) => -x)];
    const X = Float64Array.from(rows.flat().map((x, k) => x + [1, 2, 3, 4][k % 4]));
    for (const method of ['dense', 'subspace'] as const) {
      const pca = pca2(X, 4, D, { method });
      expect(pca.eigenvalues[0]).toBeCloseTo(6, 10);
      expect(pca.eigenvalues[1]).toBeCloseTo(2 / 3, 10);
      expect(pca.totalVariance).toBeCloseTo(6 + 2 / 3, 12);
      expect(pca.explainedVarianceRatio[0] + pca.explainedVarianceRatio[1]).toBeCloseTo(1, 12);
      expect(Array.from(pca.mean)).toEqual([1, 2, 3, 4]);
      expect(Math.abs(dot(pca.components, u1))).toBeCloseTo(1, 10);
      expect(Math.abs(dot(pca.components, u2, D))).toBeCloseTo(1, 10);
      expect(pca.converged).toBe(true);
    }
  });

  it.each([
    ['dense', 12],
    ['subspace', 300],
  ] as const)('recovers a known principal axis (%s, D = %i)', (method, D) => {
    const { X, u, u2 } = lineData(800, D, 62);
    const pca = pca2(X, 800, D, { method });
    expect(pca.method).toBe(method);
    expect(pca.converged).toBe(true);
    expect(Math.abs(dot(pca.components, u))).toBeGreaterThan(0.999);
    expect(Math.abs(dot(pca.components, u2, D))).toBeGreaterThan(0.99);
    expect(pca.eigenvalues[0]).toBeGreaterThan(7.5);
    expect(pca.eigenvalues[0]).toBeLessThan(10.5);
    expect(pca.eigenvalues[1]).toBeGreaterThan(0.8);
    expect(pca.eigenvalues[1]).toBeLessThan(1.2);
    // unit, orthogonal, sign convention (largest entry positive)
    const c1 = pca.components.subarray(0, D);
    const c2 = pca.components.subarray(D);
    expect(dot(c1, c1)).toBeCloseTo(1, 10);
    expect(dot(c1, c2)).toBeCloseTo(0, 8);
    const big = c1.reduce((b, v, j) => (Math.abs(v) > Math.abs(c1[b]) ? j : b), 0);
    expect(c1[big]).toBeGreaterThan(0);
  });

  it('dense and subspace agree on data with a decaying spectrum', () => {
    const rng = createRng(63);
    const n = 300;
    const D = 40;
    const X = new Float64Array(n * D);
    for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) X[i * D + j] = rng.normal() * Math.pow(0.8, j);
    const a = pca2(X, n, D, { method: 'dense' });
    const b = pca2(X, n, D, { method: 'subspace' });
    expect(b.eigenvalues[0]).toBeCloseTo(a.eigenvalues[0], 8);
    expect(b.eigenvalues[1]).toBeCloseTo(a.eigenvalues[1], 8);
    expect(Math.abs(dot(a.components, b.components.subarray(0, D)))).toBeCloseTo(1, 6);
    const capped = pca2(X, n, D, { method: 'subspace', maxIterations: 1 });
    expect([capped.iterations, capped.converged]).toEqual([1, false]);
    const pa = projectRows(a, X, n);
    const pb = projectRows(b, X, n);
    for (let k = 0; k < 2 * n; k += 37) expect(pb[k]).toBeCloseTo(pa[k], 5);
  });

  it('projected coordinates have mean 0 and variance λ', () => {
    const { X } = lineData(500, 20, 64);
    const pca = pca2(X, 500, 20);
    const p = projectRows(pca, X, 500);
    let m = 0;
    let v = 0;
    for (let i = 0; i < 500; i++) m += p[2 * i];
    for (let i = 0; i < 500; i++) v += (p[2 * i] - m / 500) ** 2;
    expect(m / 500).toBeCloseTo(0, 4);
    expect(v / 499).toBeCloseTo(pca.eigenvalues[0], 3);
  });

  it('rejects bad shapes and non-finite values', () => {
    expect(() => pca2(new Float32Array(5), 2, 3)).toThrow(/n·D = 6/);
    expect(() => pca2(new Float32Array(3), 3, 1)).toThrow(/at least 2 columns/);
    expect(() => pca2(Float32Array.from([1, 2, NaN, 4]), 2, 2)).toThrow(/Row 1, column 0/);
  });
});

describe('projectLabeled', () => {
  it('feeds real-data projections to the K curve and decision regions', () => {
    // Two classes separated along a known axis in D = 100.
    const D = 100;
    const n = 200;
    const axis = unit(D, 65);
    const rng = createRng(66);
    const X = new Float32Array(n * D);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      const shift = labels[i] === 0 ? -3 : 3;
      for (let j = 0; j < D; j++) X[i * D + j] = shift * axis[j] + 0.5 * rng.normal();
    }
    const { pca, data } = projectLabeled(X, labels, D);
    expect(pca.method).toBe('subspace');
    expect(data.numClasses).toBe(2);
    expect(Array.from(classCounts(data))).toEqual([100, 100]);
    expect(Math.abs(dot(pca.components, axis))).toBeGreaterThan(0.99);
    const { train, test } = splitTrainTest(data, 0.25, 67);
    const curve = errorVsK(train, test, { kMax: 10 });
    expect(curve.nTest).toBe(50);
    expect(curve.testError[4]).toBe(0);
    const raster = decisionRaster(data, {
      grid: { box: { xmin: -5, xmax: 5, ymin: -3, ymax: 3 }, width: 20, height: 10 },
      K: 5,
    });
    expect(new Set(raster.argmax)).toEqual(new Set([0, 1]));
    expect(() => projectLabeled(X, labels.subarray(1), D)).toThrow(/199 labels/);
    expect(() => projectLabeled(X, labels, D, { numClasses: 1 })).toThrow(/raise numClasses/);
  });
});
