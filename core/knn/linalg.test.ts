import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { columnMeans, covariance, gram, symmetricEigen } from './linalg.ts';

/** Checks A·v = λ·v (to `digits`), descending values and orthonormal rows. */
function expectEigenpairs(a: ArrayLike<number>, n: number, digits: number): void {
  const { values, vectors } = symmetricEigen(a, n);
  for (let k = 0; k < n; k++) {
    if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[k * n + j];
      expect(av).toBeCloseTo(values[k] * vectors[k * n + i], digits);
    }
    for (let l = 0; l < n; l++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[k * n + i] * vectors[l * n + i];
      expect(dot).toBeCloseTo(k === l ? 1 : 0, 12);
    }
  }
}

describe('symmetricEigen', () => {
  it('decomposes a random symmetric (indefinite) matrix: A·v = λ·v and orthonormal vectors', () => {
    const g = createRng(3).normal;
    const n = 12;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g();
    expectEigenpairs(a, n, 10);
  });

  it('satisfies A v = λ v with orthonormal vectors on a random 12×12 matrix BBᵀ', () => {
    const m = 12;
    const rng = createRng(4);
    const B = Array.from({ length: m * m }, () => rng.normal());
    expectEigenpairs(matMul(B, transpose(B, m), m), m, 9);
  });

  it('finds the closed-form eigenpairs of [[2,1],[1,2]] and of a rotated diag(5, 3, 1)', () => {
    const two = symmetricEigen([2, 1, 1, 2], 2);
    expect(two.values[0]).toBeCloseTo(3, 14);
    expect(two.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(two.vectors[0])).toBeCloseTo(Math.SQRT1_2, 14);

    // A = R diag(5,3,1) Rᵀ with R a rotation about z by 30° followed by one about x by 45°.
    const c1 = Math.cos(Math.PI / 6),
      s1 = Math.sin(Math.PI / 6),
      c2 = Math.SQRT1_2,
      s2 = Math.SQRT1_2;
    const Rz = [c1, -s1, 0, s1, c1, 0, 0, 0, 1];
    const Rx = [1, 0, 0, 0, c2, -s2, 0, s2, c2];
    const R = matMul(Rx, Rz, 3);
    const A = matMul(matMul(R, [5, 0, 0, 0, 3, 0, 0, 0, 1], 3), transpose(R, 3), 3);
    const { values, vectors } = symmetricEigen(A, 3);
    [5, 3, 1].forEach((v, k) => expect(values[k]).toBeCloseTo(v, 12));
    for (let k = 0; k < 3; k++) {
      // The k-th eigenvector is ± the k-th column of R.
      const dot = [0, 1, 2].reduce((s, i) => s + vectors[k * 3 + i] * R[i * 3 + k], 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 12);
    }
  });

  it('solves 2×2 matrices in closed form: M v = λ v, λ1 ≥ λ2, unit vectors', () => {
    for (const m of [
      [2, 1, 1, 2],
      [5, 0, 0, 1],
      [1, 0, 0, 5],
      [1, -2, -2, 3],
    ]) {
      const { values, vectors } = symmetricEigen(m, 2);
      expect(values[0]).toBeGreaterThanOrEqual(values[1]);
      for (let k = 0; k < 2; k++) {
        const v = [vectors[2 * k], vectors[2 * k + 1]];
        expect(m[0] * v[0] + m[1] * v[1]).toBeCloseTo(values[k] * v[0], 12);
        expect(m[2] * v[0] + m[3] * v[1]).toBeCloseTo(values[k] * v[1], 12);
        expect(Math.hypot(v[0], v[1])).toBeCloseTo(1, 14);
      }
    }
    expect(Array.from(symmetricEigen([2, 1, 1, 2], 2).values)).toEqual([3, 1]);
  });

  it('rejects a size that does not match the data', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/2×2 = 4 values, got 3/);
  });

  it('gram(A) is AᵀA', () => {
    expect(Array.from(gram([1, 2, 0, 0, 1, 1], 2, 3))).toEqual([1, 2, 0, 2, 5, 1, 0, 1, 1]);
  });

  it('columnMeans and covariance give the sample mean and covariance (n − 1 denominator)', () => {
    const x = [1, 2, 3, 6, 5, 10];
    const mean = columnMeans(x, 3, 2);
    expect(Array.from(mean)).toEqual([3, 6]);
    expect(Array.from(covariance(x, 3, 2, mean))).toEqual([4, 8, 8, 16]);
  });
});

function matMul(a: ArrayLike<number>, b: ArrayLike<number>, m: number): number[] {
  const out = new Array(m * m).fill(0);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) out[i * m + j] += a[i * m + k] * b[k * m + j];
  return out;
}

function transpose(a: ArrayLike<number>, m: number): number[] {
  return Array.from({ length: m * m }, (_, k) => a[(k % m) * m + Math.floor(k / m)]);
}
