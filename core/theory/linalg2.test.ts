import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../knn/linalg.ts';
import { NotPositiveSemidefiniteError, TheoryInputError } from './errors.ts';
import { assertPsd2, covarianceFromAxes, det2, inverse2, quadForm2, sqrtPsd2, type Mat2 } from './linalg2.ts';

function mul(a: Mat2, b: Mat2): Mat2 {
  return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]];
}

describe('2×2 algebra', () => {
  it('inverse times matrix is the identity', () => {
    const m: Mat2 = [2, 1, 1, 3];
    const p = mul(m, inverse2(m));
    [1, 0, 0, 1].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 14));
    expect(det2(m)).toBe(5);
    expect(() => inverse2([1, 2, 2, 4])).toThrow(/singular/);
  });

  it('covarianceFromAxes has the requested eigenvalues and direction', () => {
    const c = covarianceFromAxes(3, 1, Math.PI / 6);
    const { values, vectors } = symmetricEigen(c, 2);
    expect(values[0]).toBeCloseTo(9, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.cos(Math.PI / 6), 12);
  });

  it('sqrtPsd2 squares back, also for singular matrices', () => {
    for (const m of [
      [4, 1, 1, 2],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
    ] as Mat2[]) {
      const s = sqrtPsd2(m);
      mul(s, s).forEach((v, i) => expect(v).toBeCloseTo(m[i], 12));
    }
    expect(quadForm2([1, 0, 0, 4], 1, 1)).toBe(5);
  });

  it('assertPsd2 accepts PSD, rejects indefinite and asymmetric matrices with a clear message', () => {
    expect(assertPsd2('M', [1, 1, 1, 1])).toEqual([2, 0]);
    expect(() => assertPsd2('M', [1, 2, 2, 1])).toThrow(NotPositiveSemidefiniteError);
    expect(() => assertPsd2('M', [1, 2, 2, 1])).toThrow(/not positive semi-definite.*eigenvalues are 3.* and -1/);
    expect(() => assertPsd2('M', [-1, 0, 0, 1])).toThrow(NotPositiveSemidefiniteError);
    expect(() => assertPsd2('M', [1, 0.5, 0, 1])).toThrow(/symmetric/);
    expect(() => assertPsd2('M', [1, 1, 1, 1], true)).toThrow(/singular/);
    expect(() => assertPsd2('M', [1, NaN, 0, 1])).toThrow(TheoryInputError);
  });
});
