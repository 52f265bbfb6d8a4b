import { describe, expect, it } from 'vitest';
import { precisionRecallCurve, thinCurve, thresholdForPrecision } from './calibrate.ts';

describe('precisionRecallCurve', () => {
  const scores = [0.5, 0.9, 0.7, 0.8, 0.6];
  const relevant = [false, true, false, true, true];

  it('gives precision and recall of "score ≥ t" at every distinct score, highest first', () => {
    expect(precisionRecallCurve(scores, relevant)).toEqual([
      { threshold: 0.9, precision: 1, recall: 1 / 3 },
      { threshold: 0.8, precision: 1, recall: 2 / 3 },
      { threshold: 0.7, precision: 2 / 3, recall: 2 / 3 },
      { threshold: 0.6, precision: 3 / 4, recall: 1 },
      { threshold: 0.5, precision: 3 / 5, recall: 1 },
    ]);
  });

  it('decides equal scores together', () => {
    expect(precisionRecallCurve([0.9, 0.5, 0.9], [1, 1, 0])).toEqual([
      { threshold: 0.9, precision: 0.5, recall: 0.5 },
      { threshold: 0.5, precision: 2 / 3, recall: 1 },
    ]);
  });

  it('refuses mismatched lengths and non-finite scores', () => {
    expect(() => precisionRecallCurve([1], [])).toThrow(/1 scores but 0/);
    expect(() => precisionRecallCurve([NaN], [true])).toThrow(/not a finite number/);
  });
});

describe('thresholdForPrecision', () => {
  const curve = precisionRecallCurve([0.5, 0.9, 0.7, 0.8, 0.6], [0, 1, 0, 1, 1]);

  it('is the lowest threshold keeping the precision (precision need not fall monotonically)', () => {
    expect(thresholdForPrecision(curve, 1)?.threshold).toBe(0.8);
    expect(thresholdForPrecision(curve, 0.9)?.threshold).toBe(0.8);
    // 0.7 gives 2/3, yet 0.6 gives 3/4 again: the lowest threshold reaching 0.75 is 0.6.
    expect(thresholdForPrecision(curve, 0.75)).toEqual({ threshold: 0.6, precision: 0.75, recall: 1 });
    expect(thresholdForPrecision(curve, 0.5)?.threshold).toBe(0.5);
  });

  it('is null when no threshold reaches the precision', () => {
    expect(thresholdForPrecision(precisionRecallCurve([0.9, 0.1], [0, 1]), 0.9)).toBeNull();
    expect(thresholdForPrecision(precisionRecallCurve([0.9, 0.1], [0, 0]), 0.05)).toBeNull();
    expect(thresholdForPrecision([], 0.5)).toBeNull();
  });
});

describe('thinCurve', () => {
  const curve = precisionRecallCurve(
    Array.from({ length: 101 }, (_, i) => i / 100),
    Array.from({ length: 101 }, (_, i) => i % 2 === 0),
  );

  it('keeps both ends, evenly spaced points and the points asked for', () => {
    const thin = thinCurve(curve, 11, [curve[37]]);
    expect(thin).toHaveLength(12);
    expect(thin[0]).toBe(curve[0]);
    expect(thin.at(-1)).toBe(curve[100]);
    expect(thin).toContain(curve[37]);
    expect(thin).toContain(curve[50]);
    expect(thinCurve(curve.slice(0, 5), 11)).toEqual(curve.slice(0, 5));
  });
});
