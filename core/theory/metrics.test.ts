import { describe, expect, it } from 'vitest';
import { NotPositiveSemidefiniteError } from './errors.ts';
import { ballArea, distance, distanceFunction, validateMetric } from './metrics.ts';

describe('metrics', () => {
  it('L1, L2 on a 3-4-5 triangle', () => {
    expect(distance({ kind: 'l1' }, [0, 0], [3, -4])).toBe(7);
    expect(distance({ kind: 'l2' }, [0, 0], [3, -4])).toBe(5);
  });

  it('Mahalanobis with M = I is L2, with diag(a, b) is √(a dx² + b dy²), and is symmetric', () => {
    expect(distance({ kind: 'mahalanobis', M: [1, 0, 0, 1] }, [1, 2], [4, 6])).toBeCloseTo(5, 14);
    expect(distance({ kind: 'mahalanobis', M: [4, 0, 0, 9] }, [0, 0], [1, 1])).toBeCloseTo(Math.sqrt(13), 14);
    const d = distanceFunction({ kind: 'mahalanobis', M: [2, 0.5, 0.5, 1] });
    expect(d(1, 2, -3, 0.5)).toBeCloseTo(d(-3, 0.5, 1, 2), 14);
    // (dx, dy) = (1, 1): 2 + 2·0.5 + 1 = 4
    expect(d(1, 1, 0, 0)).toBeCloseTo(2, 14);
  });

  it('a singular PSD M gives a pseudo-metric (zero along its null space)', () => {
    const d = distanceFunction({ kind: 'mahalanobis', M: [1, -1, -1, 1] });
    expect(d(0, 0, 1, 1)).toBe(0);
    expect(d(0, 0, 1, -1)).toBeCloseTo(2, 14);
  });

  it('rejects a non-PSD M with a clear error', () => {
    expect(() => validateMetric({ kind: 'mahalanobis', M: [1, 0, 0, -1] })).toThrow(NotPositiveSemidefiniteError);
    expect(() => validateMetric({ kind: 'mahalanobis', M: [1, 3, 3, 1] })).toThrow(
      /Mahalanobis matrix M .* not positive semi-definite/,
    );
  });

  it('ball areas: πr², 2r², πr²/√det M', () => {
    expect(ballArea({ kind: 'l2' }, 2)).toBeCloseTo(4 * Math.PI, 14);
    expect(ballArea({ kind: 'l1' }, 2)).toBe(8);
    expect(ballArea({ kind: 'mahalanobis', M: [4, 0, 0, 1] }, 1)).toBeCloseTo(Math.PI / 2, 14);
    expect(() => ballArea({ kind: 'mahalanobis', M: [1, 1, 1, 1] }, 1)).toThrow(/singular/);
  });
});
