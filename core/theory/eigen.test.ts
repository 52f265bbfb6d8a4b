import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen.ts';
import { createRng } from '../util/random.ts';

describe('symmetricEigen (Jacobi)', () => {
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

  it('satisfies A v = λ v with orthonormal vectors on a random 12×12 matrix', () => {
    const m = 12;
    const rng = createRng(4);
    const B = Array.from({ length: m * m }, () => rng.normal());
    const A = matMul(B, transpose(B, m), m);
    const { values, vectors } = symmetricEigen(A, m);
    for (let k = 0; k < m; k++) {
      if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      for (let i = 0; i < m; i++) {
        let av = 0;
        for (let j = 0; j < m; j++) av += A[i * m + j] * vectors[k * m + j];
        expect(av).toBeCloseTo(values[k] * vectors[k * m + i], 9);
      }
      for (let l = 0; l < m; l++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += vectors[k * m + i] * vectors[l * m + i];
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 12);
      }
    }
  });
});

function matMul(a: number[], b: number[], m: number): number[] {
  const out = new Array(m * m).fill(0);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) out[i * m + j] += a[i * m + k] * b[k * m + j];
  return out;
}

function transpose(a: number[], m: number): number[] {
  return Array.from({ length: m * m }, (_, k) => a[(k % m) * m + Math.floor(k / m)]);
}
