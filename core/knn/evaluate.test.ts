import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, recallAtK, retrievalMetrics, selfRetrievalMetrics } from './evaluate.ts';

describe('retrieval metrics (Musgrave et al. 2020)', () => {
  it('computes P@1, R-precision and MAP@R by hand', () => {
    const m = retrievalMetrics([
      // R = 3; relevant at ranks 1 and 3 → R-prec 2/3; MAP@R = (1/3)(1/1 + 2/3) = 5/9
      { label: 'a', ranked: ['a', 'b', 'a', 'a'], relevant: 3 },
      // R = 2; relevant at rank 2 → R-prec 1/2; MAP@R = (1/2)(1/2) = 1/4; P@1 = 0
      { label: 'b', ranked: ['a', 'b', 'b'], relevant: 2 },
    ]);
    expect(m.precisionAt1).toBe(0.5);
    expect(m.rPrecision).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(m.mapAtR).toBeCloseTo((5 / 9 + 1 / 4) / 2, 12);
    expect(m.skipped).toBe(0);
  });
  it('treats missing ranks as misses and skips queries with no relevant item', () => {
    const m = retrievalMetrics([
      { label: 'a', ranked: ['a'], relevant: 4 }, // R-prec 1/4, MAP@R 1/4
      { label: 'z', ranked: ['a'], relevant: 0 },
    ]);
    expect(m.rPrecision).toBe(0.25);
    expect(m.mapAtR).toBe(0.25);
    expect(m.skipped).toBe(1);
    expect(m.precisionAt1).toBe(0.5);
  });
  it('scores a self-search, removing each query from its own list', () => {
    // items: 0:a 1:a 2:b 3:b ; neighbour lists include self first
    const idx = Int32Array.from([0, 1, 2, 1, 0, 3, 2, 0, 3, 3, 1, 2]);
    const m = selfRetrievalMetrics(idx, 3, ['a', 'a', 'b', 'b']);
    // q0: [a,b] P@1 1; q1: [a,b] 1; q2: [a,b] 0 (R-prec 0); q3: [a,b] 0
    expect(m.precisionAt1).toBe(0.5);
    expect(m.rPrecision).toBe(0.5);
    expect(m.mapAtR).toBe(0.5);
  });
  it('computes recall@K as the fraction of queries with a hit in the first K', () => {
    const qs = [
      { label: 'a', ranked: ['b', 'a'] },
      { label: 'b', ranked: ['b', 'a'] },
      { label: 'c', ranked: ['a', 'b'] },
    ];
    expect(recallAtK(qs, 1)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(qs, 2)).toBeCloseTo(2 / 3, 12);
  });
});

describe('classification metrics', () => {
  it('computes accuracy and a confusion matrix with sorted labels (rows true, cols predicted)', () => {
    const truth = ['cat', 'dog', 'cat', 'bird', 'dog'];
    const pred = ['cat', 'cat', 'cat', 'dog', 'dog'];
    expect(accuracy(truth, pred)).toBe(0.6);
    const cm = confusionMatrix(truth, pred);
    expect(cm.labels).toEqual(['bird', 'cat', 'dog']);
    expect(cm.matrix).toEqual([
      [0, 0, 1],
      [0, 2, 0],
      [0, 1, 1],
    ]);
    expect(() => accuracy(['a'], [])).toThrow(/1 true labels but 0 predictions/);
  });
});
