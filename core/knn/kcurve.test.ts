import { describe, expect, it } from 'vitest';
import { KnnClassifier } from './classifier.ts';
import { looAccuracy, looKCurve, looKCurveFromNeighbours, sampledLooKCurve, sampleRows } from './kcurve.ts';
import { fromRows, selectRows, type Matrix } from './matrix.ts';
import { createRng } from '../util/random.ts';
import { topK } from './topk.ts';

function blobs(n: number, seed: number): { X: Matrix; y: string[] } {
  const g = createRng(seed).normal;
  const data = new Float32Array(n * 4);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y.push(`c${c}`);
    for (let j = 0; j < 4; j++) data[i * 4 + j] = (j === 0 ? c * 1.5 : 0) + g();
  }
  return { X: { data, rows: n, dim: 4 }, y };
}

/** Reference LOO: refit without row i for every i. */
function slowLoo(X: Matrix, y: string[], k: number, weights: 'uniform' | 'distance'): number {
  let ok = 0;
  for (let i = 0; i < X.rows; i++) {
    const keep = Array.from({ length: X.rows }, (_, j) => j).filter((j) => j !== i);
    const clf = new KnnClassifier().fit(
      selectRows(X, keep),
      keep.map((j) => y[j]),
      'euclidean',
    );
    if (clf.predict(X.data.slice(i * X.dim, (i + 1) * X.dim), { k, weights }).label === y[i]) ok++;
  }
  return ok / X.rows;
}

describe('leave-one-out K curve', () => {
  const { X, y } = blobs(90, 1);
  for (const weights of ['uniform', 'distance'] as const) {
    it(`equals refitting without each point, for every K (${weights})`, () => {
      const ks = [1, 2, 3, 5, 8, 13];
      const curve = looKCurve(X, y, { kValues: ks, metric: 'euclidean', weights });
      expect(curve.curve.map((p) => p.k)).toEqual(ks);
      for (const p of curve.curve) expect(p.accuracy, `K=${p.k}`).toBeCloseTo(slowLoo(X, y, p.k, weights), 12);
      const best = Math.max(...curve.curve.map((p) => p.accuracy));
      expect(curve.bestAccuracy).toBe(best);
      expect(curve.bestK).toBe(curve.curve.find((p) => p.accuracy === best)?.k);
    });
  }
  it('drops the query itself even when duplicates rank before it', () => {
    // rows 0..3 identical; row 3's own entry may be pushed past Kmax+1 by its lower-index twins
    const Xd = fromRows([[0], [0], [0], [0], [5], [5.5]]);
    const yd = ['a', 'a', 'b', 'b', 'b', 'b'];
    const self = topK(Xd, Xd, 3, { metric: 'euclidean' });
    expect(Array.from(self.indices.subarray(9, 12))).toEqual([0, 1, 2]); // row 3 is not among its own top 3
    const curve = looKCurveFromNeighbours(self, yd, [1, 2]);
    expect(curve.curve.map((p) => p.accuracy)).toEqual([slowLoo(Xd, yd, 1, 'uniform'), slowLoo(Xd, yd, 2, 'uniform')]);
  });
  it('uses a default grid 1..min(30, n−1) and rejects K ≥ n', () => {
    const c = looKCurve(X, y, { metric: 'euclidean' });
    expect(c.curve).toHaveLength(30);
    expect(() => looKCurve(X, y, { kValues: [90] })).toThrow(/exceeds the 89 other rows/);
    expect(looAccuracy(X, y, 5, { metric: 'euclidean' })).toBe(c.curve[4].accuracy);
  });
});

describe('sampledLooKCurve', () => {
  const kValues = [1, 3, 5, 9];

  it('is the exact leave-one-out curve when the lab has no more rows than the sample', () => {
    const { X, y } = blobs(90, 7);
    const exact = looKCurve(X, y, { kValues, metric: 'euclidean' });
    const r = sampledLooKCurve(X, y, { kValues, metric: 'euclidean', maxQueries: 90 });
    expect(r).toMatchObject({ ...exact, queries: 90, sampled: false });
  });

  it('scores a seeded sample against the whole gallery, each query left out of its own vote, and says so', () => {
    const { X, y } = blobs(300, 11);
    const r = sampledLooKCurve(X, y, { kValues, metric: 'euclidean', maxQueries: 40, seed: 5 });
    expect(r).toMatchObject({ queries: 40, sampled: true });
    expect(sampledLooKCurve(X, y, { kValues, metric: 'euclidean', maxQueries: 40, seed: 5 })).toEqual(r);
    // Reference: refit without each sampled row and classify it.
    const rows = Array.from(sampleRows(300, 40, 5));
    for (const [gi, k] of kValues.entries()) {
      let ok = 0;
      for (const i of rows) {
        const keep = Array.from({ length: X.rows }, (_, j) => j).filter((j) => j !== i);
        const clf = new KnnClassifier().fit(
          selectRows(X, keep),
          keep.map((j) => y[j]),
          'euclidean',
        );
        if (clf.predict(X.data.slice(i * X.dim, (i + 1) * X.dim), { k }).label === y[i]) ok++;
      }
      expect(r.curve[gi].accuracy).toBeCloseTo(ok / 40, 12);
    }
  });

  it('samples distinct rows, in order, the same for the same seed', () => {
    const a = sampleRows(1000, 100, 3);
    expect(new Set(a).size).toBe(100);
    expect([...a]).toEqual([...a].sort((x, y) => x - y));
    expect(a.every((r) => r >= 0 && r < 1000)).toBe(true);
    expect([...sampleRows(1000, 100, 3)]).toEqual([...a]);
    expect([...sampleRows(1000, 100, 4)]).not.toEqual([...a]);
  });
});
