import { describe, expect, it } from 'vitest';
import { KnnClassifier } from './classifier.ts';
import { fromRows } from './matrix.ts';
import { KnnRegressor } from './regressor.ts';
import { topK } from './topk.ts';

// 1-d points: a=0, a=1, b=2, b=3, c=10
const X = fromRows([[0], [1], [2], [3], [10]]);
const y = ['a', 'a', 'b', 'b', 'c'];

describe('KnnClassifier', () => {
  it('computes uniform probabilities as neighbour fractions', () => {
    const p = new KnnClassifier().fit(X, y, 'euclidean').predict(new Float32Array([1.8]), { k: 3 });
    // neighbours: 2 (b, 0.2), 1 (a, 0.8), 3 (b, 1.2)
    expect(p.neighbours.map((n) => n.row)).toEqual([2, 1, 3]);
    expect(p.neighbours.map((n) => n.label)).toEqual(['b', 'a', 'b']);
    expect(p.probabilities).toEqual({ a: 1 / 3, b: 2 / 3, c: 0 });
    expect(p.label).toBe('b');
  });
  it('weights by 1/d for distance weights', () => {
    const p = new KnnClassifier()
      .fit(X, y, 'euclidean')
      .predict(new Float32Array([1.25]), { k: 2, weights: 'distance' });
    // neighbours: 1 (a, d=0.25 → 4), 2 (b, d=0.75 → 4/3)
    expect(p.probabilities.a).toBeCloseTo(4 / (4 + 4 / 3), 12);
    expect(p.probabilities.b).toBeCloseTo(4 / 3 / (4 + 4 / 3), 12);
    expect(p.label).toBe('a');
  });
  it('gives all the weight to exact matches (distance 0), shared among them', () => {
    const Xd = fromRows([[0], [0], [1], [5]]);
    const clf = new KnnClassifier().fit(Xd, ['x', 'y', 'x', 'x'], 'euclidean');
    const p = clf.predict(new Float32Array([0]), { k: 4, weights: 'distance' });
    expect(p.probabilities).toEqual({ x: 0.5, y: 0.5 });
    expect(p.label).toBe('x'); // tie → the class that sorts first
  });
  it('returns the class prior n_c/n when K ≥ n (uniform)', () => {
    const clf = new KnnClassifier().fit(X, y, 'euclidean');
    for (const k of [5, 50]) {
      const p = clf.predict(new Float32Array([2.5]), { k });
      expect(p.probabilities).toEqual({ a: 2 / 5, b: 2 / 5, c: 1 / 5 });
      expect(p.neighbours).toHaveLength(5);
      expect(p.label).toBe('a'); // a and b tie at 0.4 → 'a' sorts first
    }
  });
  it('breaks ties like sklearn: the class that sorts first by code point', () => {
    const Xt = fromRows([[-1], [1]]);
    const clf = new KnnClassifier().fit(Xt, ['apple', 'Zebra'], 'euclidean');
    expect(clf.classes).toEqual(['Zebra', 'apple']);
    expect(clf.predict(new Float32Array([0]), { k: 2 }).label).toBe('Zebra');
  });
  it('predicts batches, accepts a metric per call, and reuses external neighbour searches', () => {
    const clf = new KnnClassifier().fit(X, y);
    const Q = fromRows([[0.2], [9], [2.6]]);
    const batch = clf.predictBatch(Q, { k: 1, metric: 'l1' });
    expect(batch.map((p) => p.label)).toEqual(['a', 'c', 'b']);
    const viaSearch = clf.fromNeighbours(topK(Q, X, 1, { metric: 'l1' }));
    expect(viaSearch.map((p) => p.label)).toEqual(['a', 'c', 'b']);
  });
  it('refuses to predict before fit and rejects mismatched labels', () => {
    expect(() => new KnnClassifier().predict(new Float32Array([1]))).toThrow(/fit\(\)/);
    expect(() => new KnnClassifier().fit(X, ['a'])).toThrow(/1 labels for 5 gallery rows/);
  });
});

describe('KnnRegressor', () => {
  const targets = [0, 10, 20, 30, 100];
  it('averages the neighbours (uniform)', () => {
    const r = new KnnRegressor().fit(X, targets, 'euclidean');
    expect(r.predict(new Float32Array([1.8]), { k: 3 })).toBeCloseTo((20 + 10 + 30) / 3, 12);
  });
  it('weights by 1/d, and exact matches take all the weight', () => {
    const r = new KnnRegressor().fit(X, targets, 'euclidean');
    expect(r.predict(new Float32Array([1.25]), { k: 2, weights: 'distance' })).toBeCloseTo(
      (10 * 4 + 20 * (4 / 3)) / (4 + 4 / 3),
      12,
    );
    expect(r.predict(new Float32Array([3]), { k: 3, weights: 'distance' })).toBe(30);
  });
  it('predicts batches and rejects non-finite targets', () => {
    const r = new KnnRegressor().fit(X, targets, 'euclidean');
    expect(Array.from(r.predictBatch(fromRows([[0], [10]]), { k: 1 }))).toEqual([0, 100]);
    expect(() => new KnnRegressor().fit(X, [0, 1, 2, NaN, 4])).toThrow(/target 3/);
  });
});
