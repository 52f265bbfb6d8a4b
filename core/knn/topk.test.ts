import { afterAll, describe, expect, it } from 'vitest';
import { ShapeError, KnnArgumentError } from './errors.ts';
import { ExactIndex, topKParallel } from './exact.ts';
import { fromRows, type Matrix } from './matrix.ts';
import { distance, mahalanobis, type Metric } from './metrics.ts';
import { createRng } from '../util/random.ts';
import { NATIVE_MIN_ROWS, neighboursOf, topK, type TopKResult } from './topk.ts';

function randomMatrix(rows: number, dim: number, seed: number, quantise = 0): Matrix {
  const g = createRng(seed).normal;
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = quantise > 0 ? Math.round(g() * quantise) / quantise : g();
  return { data, rows, dim };
}

/** Reference: every distance with distance(), full sort by (distance, row). */
function bruteForce(
  q: Matrix,
  g: Matrix,
  k: number,
  metric: Metric,
  allowed?: (r: number) => boolean,
): { idx: number[]; dist: number[] }[] {
  const out = [];
  for (let i = 0; i < q.rows; i++) {
    const all = [];
    for (let j = 0; j < g.rows; j++) {
      if (allowed && !allowed(j)) continue;
      all.push({
        j,
        d: distance(q.data.subarray(i * q.dim, (i + 1) * q.dim), g.data.subarray(j * g.dim, (j + 1) * g.dim), metric),
      });
    }
    all.sort((a, b) => a.d - b.d || a.j - b.j);
    const top = all.slice(0, k);
    out.push({ idx: top.map((t) => t.j), dist: top.map((t) => t.d) });
  }
  return out;
}

function expectMatches(res: TopKResult, ref: { idx: number[]; dist: number[] }[], tol = 1e-9): void {
  for (let q = 0; q < ref.length; q++) {
    const got = neighboursOf(res, q);
    expect(
      got.map((n) => n.row),
      `query ${q}`,
    ).toEqual(ref[q].idx);
    got.forEach((n, i) =>
      expect(Math.abs(n.distance - ref[q].dist[i])).toBeLessThanOrEqual(tol * Math.max(1, ref[q].dist[i])),
    );
  }
}

const metrics: Metric[] = ['cosine', 'euclidean', 'sqeuclidean', 'l1'];

describe('topK of one cosine query over a large gallery (the native scan, proven exact)', () => {
  // Quantised values make many exact ties; row 5000 repeats row 17 and row 5001 is a zero row later on.
  const g = randomMatrix(NATIVE_MIN_ROWS + 1500, 12, 3, 2);
  g.data.copyWithin(5000 * 12, 17 * 12, 18 * 12);
  const queries = Array.from({ length: 12 }, (_, i) => ({
    data: g.data.slice((17 + 131 * i) * 12, (18 + 131 * i) * 12),
    rows: 1,
    dim: 12,
  }));

  it('equals a brute-force full sort, ties by the lower row, with and without a mask', () => {
    const every3rd = (r: number) => r % 3 === 0;
    const sparse = (r: number) => r % 97 === 5; // a narrow mask: many more candidates asked of the native scan
    const two = (r: number) => r === 3 || r === 4000; // fewer rows allowed than k
    for (const q of queries) {
      expectMatches(topK(q, g, 24), bruteForce(q, g, 24, 'cosine'));
      for (const allowed of [every3rd, sparse, two])
        expectMatches(topK(q, g, 24, { filter: allowed }), bruteForce(q, g, 24, 'cosine', allowed));
    }
    const twin = neighboursOf(topK(queries[0], g, 2), 0);
    expect(twin.map((n) => n.row)).toEqual([17, 5000]);
    expect(neighboursOf(topK(queries[0], g, 3, { filter: () => false }), 0)).toEqual([]);
  });

  it('gives the same answer when the gallery holds a zero row (the calling-thread scan answers then)', () => {
    const withZero = { ...g, data: g.data.slice() };
    withZero.data.fill(0, 5001 * 12, 5002 * 12);
    for (const q of queries.slice(0, 3)) expectMatches(topK(q, withZero, 10), bruteForce(q, withZero, 10, 'cosine'));
  });
});

describe('topK (calling thread)', () => {
  const g = randomMatrix(700, 19, 1);
  const q = randomMatrix(37, 19, 2);
  for (const metric of metrics) {
    it(`equals a brute-force full sort for ${metric}`, () => {
      expectMatches(topK(q, g, 9, { metric }), bruteForce(q, g, 9, metric));
    });
  }
  it('equals brute force for a Mahalanobis metric (through the linear map)', () => {
    const d = 6;
    const B = randomMatrix(d, d, 7);
    const M = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) for (let t = 0; t < d; t++) M[i * d + j] += B.data[t * d + i] * B.data[t * d + j];
    const m = mahalanobis(M);
    const gg = randomMatrix(300, d, 8);
    const qq = randomMatrix(20, d, 9);
    expectMatches(topK(qq, gg, 5, { metric: m }), bruteForce(qq, gg, 5, m), 1e-5);
  });
  it('breaks ties by the lower row index on integer data with many duplicates', () => {
    const gq = randomMatrix(400, 3, 3, 1); // coordinates in {…,-1,0,1,…}: plenty of exact ties
    const qq = randomMatrix(40, 3, 4, 1);
    for (const metric of metrics) expectMatches(topK(qq, gq, 12, { metric }), bruteForce(qq, gq, 12, metric));
  });
  it('stays exact when more rows tie than the candidate pool holds (exact fallback scan)', () => {
    const rows = Array.from({ length: 60 }, (_, i) => (i < 40 ? [1, 1] : [5, 5]));
    const gg = fromRows(rows);
    const res = topK(new Float32Array([1, 1]), gg, 20, { metric: 'euclidean' });
    expect(Array.from(res.indices)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const res2 = topK(new Float32Array([4.9, 5]), gg, 25, { metric: 'euclidean' });
    expect(Array.from(res2.indices)).toEqual([...Array.from({ length: 20 }, (_, i) => 40 + i), 0, 1, 2, 3, 4]);
  });
  it('applies a mask or a predicate filter', () => {
    const mask = new Uint8Array(g.rows);
    for (let i = 0; i < g.rows; i += 3) mask[i] = 1;
    const ref = bruteForce(q, g, 6, 'euclidean', (r) => r % 3 === 0);
    expectMatches(topK(q, g, 6, { metric: 'euclidean', filter: mask }), ref);
    expectMatches(topK(q, g, 6, { metric: 'euclidean', filter: (r) => r % 3 === 0 }), ref);
    expectMatches(
      topK(q, g, 6, { metric: 'l1', filter: mask }),
      bruteForce(q, g, 6, 'l1', (r) => r % 3 === 0),
    );
  });
  it('pads with −1/Infinity when the filter leaves fewer than k rows, and clamps k to the gallery size', () => {
    const gg = fromRows([[0], [1], [2], [3]]);
    const res = topK(new Float32Array([2.2]), gg, 3, { metric: 'euclidean', filter: (r) => r !== 2 && r !== 3 });
    expect(Array.from(res.indices)).toEqual([1, 0, -1]);
    expect(res.distances[2]).toBe(Infinity);
    expect(neighboursOf(res, 0).map((n) => n.row)).toEqual([1, 0]);
    const all = topK(new Float32Array([2.2]), gg, 10, { metric: 'euclidean' });
    expect(all.k).toBe(4);
    expect(Array.from(all.indices)).toEqual([2, 3, 1, 0]);
  });
  it('treats zero vectors as sklearn does for cosine (distance 1)', () => {
    const gg = fromRows([
      [0, 0],
      [1, 0],
      [-1, 0],
    ]);
    const res = topK(new Float32Array([0, 0]), gg, 3, { metric: 'cosine' });
    expect(Array.from(res.indices)).toEqual([0, 1, 2]);
    expect(Array.from(res.distances)).toEqual([1, 1, 1]);
  });
  it('rejects bad input with actionable messages', () => {
    expect(() => topK(q, g, 0)).toThrow(KnnArgumentError);
    expect(() => topK(new Float32Array(3), g, 1)).toThrow(/queries are 3-d but the gallery is 19-d/);
    expect(() => topK(q, g, 2, { filter: new Uint8Array(5) })).toThrow(ShapeError);
    const bad = randomMatrix(3, 19, 5);
    bad.data[20] = NaN;
    expect(() => topK(bad, g, 1)).toThrow(/non-finite value at row 1, column 1/);
  });
});

describe('ExactIndex (worker threads)', () => {
  const g = randomMatrix(3000, 24, 11);
  const q = randomMatrix(80, 24, 12);
  const indexes: ExactIndex[] = [];
  afterAll(async () => {
    await Promise.all(indexes.map((i) => i.close()));
  });

  const plans = [
    { kernel: 'onnx', metrics: ['cosine', 'euclidean', 'sqeuclidean'] },
    { kernel: 'tfjs', metrics: ['cosine', 'euclidean'] },
    { kernel: 'js', metrics: ['l1', 'sqeuclidean'] },
  ] as const;
  for (const { kernel, metrics: ms } of plans) {
    it(`gives exactly the single-thread answer with 2 shards (${kernel} kernel: ${ms.join(', ')})`, async () => {
      for (const metric of ms) {
        const index = await ExactIndex.create(g, { metric, threads: 2, kernel });
        indexes.push(index);
        expect(index.threads).toBe(2);
        const expected = { onnx: ['onnxruntime'], tfjs: ['tfjs-wasm', 'tfjs-wasm'], js: ['js', 'js'] };
        if (metric !== 'l1') expect(index.kernels).toEqual(expected[kernel]);
        const mask = new Uint8Array(g.rows).fill(1);
        for (let i = 0; i < g.rows; i += 7) mask[i] = 0;
        const par = await index.search(q, 10, { parallel: true, filter: mask });
        const seq = index.searchSync(q, 10, { filter: mask });
        expect(Array.from(par.indices)).toEqual(Array.from(seq.indices));
        expect(Array.from(par.distances)).toEqual(Array.from(seq.distances));
        expect(par.indices.every((r) => r % 7 !== 0)).toBe(true);
        // Continuous data has no near-ties at the boundary: the kernel's candidates must prove every answer.
        expect(index.stats.fullScans).toBe(0);
      }
    }, 60_000);
  }

  it('ONNX Runtime kernel: exact under ties, Mahalanobis, filters narrower than k, and k beyond the gallery', async () => {
    // Integer data: many exact ties between distances, which the row order must settle.
    const ties = randomMatrix(2000, 6, 21);
    ties.data.forEach((v, i) => (ties.data[i] = Math.round(v * 2)));
    const tq = randomMatrix(40, 6, 22);
    tq.data.forEach((v, i) => (tq.data[i] = Math.round(v * 2)));
    const a = randomMatrix(6, 6, 23).data;
    const m = new Float64Array(36);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) for (let t = 0; t < 6; t++) m[i * 6 + j] += a[t * 6 + i] * a[t * 6 + j];
    const metrics: Metric[] = ['euclidean', 'cosine', mahalanobis(m)];
    for (const metric of metrics) {
      const index = await ExactIndex.create(ties, { metric, threads: 2, kernel: 'onnx' });
      indexes.push(index);
      expect(index.kernels).toEqual(['onnxruntime']);
      const par = await index.search(tq, 7, { parallel: true });
      const seq = index.searchSync(tq, 7);
      expect(Array.from(par.indices)).toEqual(Array.from(seq.indices));
      expect(Array.from(par.distances)).toEqual(Array.from(seq.distances));
      const three = new Uint8Array(ties.rows);
      three[5] = three[900] = three[1999] = 1;
      const narrow = await index.search(tq, 5, { parallel: true, filter: three });
      for (let qi = 0; qi < tq.rows; qi++) {
        const rows = Array.from(narrow.indices.subarray(qi * 5, qi * 5 + 5));
        expect([...rows.slice(0, 3)].sort((x, y) => x - y)).toEqual([5, 900, 1999]);
        expect(rows.slice(3)).toEqual([-1, -1]);
      }
    }
    const tiny = await ExactIndex.create(randomMatrix(3000, 4, 24), { threads: 2, kernel: 'onnx' });
    indexes.push(tiny);
    const all = await tiny.search(randomMatrix(2, 4, 25), 5000, { parallel: true });
    expect(all.k).toBe(3000);
    expect(new Set(all.indices.subarray(0, 3000)).size).toBe(3000);
  }, 60_000);

  it('answers concurrent searches and refuses work after close()', async () => {
    const index = await ExactIndex.create(g, { metric: 'euclidean', threads: 2, kernel: 'js' });
    const [a, b] = await Promise.all([
      index.search(q, 3, { parallel: true }),
      index.search(new Float32Array(q.data.subarray(0, 24)), 3, { parallel: true }),
    ]);
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices.subarray(0, 3)));
    await index.close();
    await expect(index.search(q, 3)).rejects.toThrow(/closed/);
  }, 60_000);

  it('runs small galleries without workers, and topKParallel matches topK', async () => {
    const small = randomMatrix(100, 8, 13);
    const index = await ExactIndex.create(small);
    expect(index.threads).toBe(0);
    const qq = randomMatrix(5, 8, 14);
    expect(Array.from((await index.search(qq, 4)).indices)).toEqual(Array.from(topK(qq, small, 4).indices));
    const res = await topKParallel(q, g, 4, { metric: 'cosine', threads: 2, parallel: true });
    expect(Array.from(res.indices)).toEqual(Array.from(topK(q, g, 4, { metric: 'cosine' }).indices));
  }, 60_000);
});
