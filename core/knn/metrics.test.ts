import { describe, expect, it } from 'vitest';
import { MetricMatrixError } from './errors.ts';
import { fromRows, normaliseRows, rowSquaredNorms } from './matrix.ts';
import { applyMap, distance, mahalanobis, mahalanobisFromMap } from './metrics.ts';

describe('distances', () => {
  const a = [1, 2, 3];
  const b = [4, 0, 3];
  it('computes the basic metrics by hand', () => {
    expect(distance(a, b, 'euclidean')).toBeCloseTo(Math.sqrt(13), 12);
    expect(distance(a, b, 'sqeuclidean')).toBe(13);
    expect(distance(a, b, 'l1')).toBe(5);
    expect(distance(a, b, 'manhattan')).toBe(5);
    expect(distance(a, b, 'cosine')).toBeCloseTo(1 - 13 / (Math.sqrt(14) * 5), 12);
  });
  it('gives cosine distance 1 for a zero vector, as sklearn', () => {
    expect(distance([0, 0, 0], b, 'cosine')).toBe(1);
  });
  it('rejects an unknown metric name with the list of valid ones', () => {
    expect(() => distance(a, b, 'chebyshev' as 'l1')).toThrow(/unknown metric 'chebyshev'/);
  });
});

describe('Mahalanobis', () => {
  const M = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2];
  it('equals sqrt((x−y)ᵀM(x−y)) computed by hand', () => {
    const m = mahalanobis(M);
    const d = [1 - 4, 2 - 0, 3 - 3];
    let s = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += d[i] * M[i * 3 + j] * d[j];
    expect(distance([1, 2, 3], [4, 0, 3], m)).toBeCloseTo(Math.sqrt(s), 12);
  });
  it('factors M = LᵀL so that the mapped Euclidean distance is the Mahalanobis one', () => {
    const m = mahalanobis(M);
    expect(m.rank).toBe(3);
    const X = fromRows([
      [1, 2, 3],
      [4, 0, 3],
      [-1, 0.5, 2],
    ]);
    const Y = applyMap(X, m);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const mapped = distance(Y.data.subarray(i * 3, i * 3 + 3), Y.data.subarray(j * 3, j * 3 + 3), 'euclidean');
        expect(mapped).toBeCloseTo(
          distance(X.data.subarray(i * 3, i * 3 + 3), X.data.subarray(j * 3, j * 3 + 3), m),
          5,
        );
      }
    }
  });
  it('accepts a singular PSD matrix and drops its null directions', () => {
    const m = mahalanobis([1, 1, 1, 1]); // rank 1: distance = |x1 + x2 − y1 − y2|
    expect(m.rank).toBe(1);
    expect(distance([1, 2], [0, 0], m)).toBeCloseTo(3, 12);
    expect(distance([1, -1], [0, 0], m)).toBeCloseTo(0, 7);
  });
  it('rejects a non-symmetric matrix naming the entries', () => {
    expect(() => mahalanobis([1, 2, 0, 1])).toThrow(MetricMatrixError);
    expect(() => mahalanobis([1, 2, 0, 1])).toThrow(/not symmetric: M\[0\]\[1\] = 2 but M\[1\]\[0\] = 0/);
  });
  it('rejects an indefinite matrix with its smallest eigenvalue', () => {
    expect(() => mahalanobis([1, 2, 2, 1])).toThrow(/not positive semi-definite: smallest eigenvalue -1\.000/);
  });
  it('rejects non-square and non-finite input', () => {
    expect(() => mahalanobis([1, 2, 3])).toThrow(/square/);
    expect(() => mahalanobis({ data: new Float32Array(6), rows: 2, dim: 3 })).toThrow(/2×3/);
    expect(() => mahalanobis([1, NaN, NaN, 1])).toThrow(/non-finite/);
  });
  it('builds M = AᵀA from a map', () => {
    const m = mahalanobisFromMap([1, 2, 0, 0, 1, 1], 2, 3);
    expect(Array.from(m.M)).toEqual([1, 2, 0, 2, 5, 1, 0, 1, 1]);
  });
});

describe('linear algebra', () => {
  it('normalises rows and keeps zero rows at zero', () => {
    const m = normaliseRows(
      fromRows([
        [3, 4],
        [0, 0],
      ]),
    );
    expect(Array.from(m.data)).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
    expect(rowSquaredNorms(m)[1]).toBe(0);
  });
});
