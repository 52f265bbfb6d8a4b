import { describe, expect, it } from 'vitest';
import { distance } from '../knn/metrics.ts';
import { NotPositiveSemidefiniteError } from './errors.ts';
import { ballArea, planeForm, planeMahalanobis, rankKernel } from './metrics.ts';

describe('plane metrics', () => {
  it('L1, L2 on a 3-4-5 triangle', () => {
    expect(distance([0, 0], [3, -4], 'l1')).toBe(7);
    expect(distance([0, 0], [3, -4], 'euclidean')).toBe(5);
  });

  it('Mahalanobis with M = I is L2, with diag(a, b) is √(a dx² + b dy²), and is symmetric', () => {
    expect(distance([1, 2], [4, 6], planeMahalanobis([1, 0, 0, 1]))).toBeCloseTo(5, 14);
    expect(distance([0, 0], [1, 1], planeMahalanobis([4, 0, 0, 9]))).toBeCloseTo(Math.sqrt(13), 14);
    const m = planeMahalanobis([2, 0.5, 0.5, 1]);
    expect(distance([1, 2], [-3, 0.5], m)).toBeCloseTo(distance([-3, 0.5], [1, 2], m), 14);
    // (dx, dy) = (1, 1): 2 + 2·0.5 + 1 = 4
    expect(distance([1, 1], [0, 0], m)).toBeCloseTo(2, 14);
  });

  it('a singular PSD M gives a pseudo-metric (zero along its null space)', () => {
    const m = planeMahalanobis([1, -1, -1, 1]);
    expect(distance([0, 0], [1, 1], m)).toBe(0);
    expect(distance([0, 0], [1, -1], m)).toBeCloseTo(2, 14);
  });

  it('rejects a non-PSD M with a clear error', () => {
    expect(() => planeMahalanobis([1, 0, 0, -1])).toThrow(NotPositiveSemidefiniteError);
    expect(() => planeMahalanobis([1, 3, 3, 1])).toThrow(/Mahalanobis matrix M .* not positive semi-definite/);
  });

  it('ball areas: πr², 2r², πr²/√det M', () => {
    expect(ballArea('euclidean', 2)).toBeCloseTo(4 * Math.PI, 14);
    expect(ballArea('l1', 2)).toBe(8);
    expect(ballArea(planeMahalanobis([4, 0, 0, 1]), 1)).toBeCloseTo(Math.PI / 2, 14);
    expect(() => ballArea(planeMahalanobis([1, 1, 1, 1]), 1)).toThrow(/singular/);
  });

  it('ranks by the quadratic form of M, and refuses metrics the plane views do not draw', () => {
    expect(rankKernel('euclidean')).toEqual({ l1: false, a: 1, b2: 0, c: 1 });
    expect(rankKernel(planeMahalanobis([2, 0.5, 0.5, 1]))).toEqual({ l1: false, a: 2, b2: 1, c: 1 });
    expect(planeForm('manhattan')).toBe('l1');
    expect(() => planeForm('cosine')).toThrow(/'l1', 'euclidean' or a 2×2 Mahalanobis/);
  });
});
