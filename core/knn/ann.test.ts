import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN_MIN_ROWS, AnnIndex, chooseSearch, measureRecall } from './ann.ts';
import { AnnIndexError } from './errors.ts';
import type { Matrix } from './matrix.ts';
import { createRng } from '../util/random.ts';
import { topK } from './topk.ts';

/** Clustered data like real embeddings: 40 centres in 16-d plus noise. */
function clustered(rows: number, seed: number): Matrix {
  const g = createRng(seed).normal;
  const dim = 16;
  const centres = Array.from({ length: 40 }, () => Array.from({ length: dim }, () => g() * 3));
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const c = centres[i % 40];
    for (let j = 0; j < dim; j++) data[i * dim + j] = c[j] + g();
  }
  return { data, rows, dim };
}

const dir = mkdtempSync(join(tmpdir(), 'knn-ann-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('AnnIndex (usearch HNSW)', () => {
  const gallery = clustered(3000, 1);
  const queries = clustered(100, 2);

  for (const metric of ['cosine', 'euclidean'] as const) {
    it(`finds the exact neighbours for most queries (${metric}) with distances in the metric's units`, () => {
      const index = AnnIndex.build(gallery, { metric });
      expect(index.rows).toBe(3000);
      const report = measureRecall(index, gallery, { k: 10, sample: queries });
      expect(report.queries).toBe(100);
      expect(report.recall).toBeGreaterThan(0.9);
      const approx = index.search(queries, 5);
      const exact = topK(queries, gallery, 5, { metric });
      // Whenever the first hit agrees, its distance agrees with the exact distance: to f16's precision for cosine
      // (its vectors are stored as f16 by default), to f32's otherwise.
      for (let q = 0; q < 100; q++) {
        if (approx.indices[q * 5] === exact.indices[q * 5])
          expect(approx.distances[q * 5]).toBeCloseTo(exact.distances[q * 5], metric === 'cosine' ? 2 : 4);
      }
    });
  }

  it('searches with every core after a build on one thread (usearch keeps contexts for the build threads only)', () => {
    const one = AnnIndex.build(gallery, { metric: 'cosine', threads: 1 });
    const both = AnnIndex.build(gallery, { metric: 'cosine' });
    const a = one.search(queries, 5);
    const b = both.search(queries, 5, 2);
    expect(a.indices.length).toBe(queries.rows * 5);
    expect(measureRecall(one, gallery, { k: 5, sample: queries }).recall).toBeGreaterThan(0.9);
    expect(measureRecall(both, gallery, { k: 5, sample: queries }).recall).toBeGreaterThan(0.9);
    expect(b.indices.every((i) => i >= 0)).toBe(true);
  });

  it('measures recall on a seeded sample of gallery rows', () => {
    const index = AnnIndex.build(gallery, { metric: 'euclidean' });
    const a = measureRecall(index, gallery, { k: 10, sample: 50, seed: 3 });
    expect(a.queries).toBe(50);
    expect(a.recall).toBeGreaterThan(0.9);
    expect(a.recall).toBeLessThanOrEqual(1);
  });

  it('saves and loads to the same answers, and reports a missing metadata file', () => {
    const index = AnnIndex.build(gallery, { metric: 'cosine', expansionSearch: 80 });
    const path = join(dir, 'model.usearch');
    index.save(path);
    expect(AnnIndex.fileSize(path)).toBeGreaterThan(3000 * 16 * 4);
    const loaded = AnnIndex.load(path);
    expect(loaded.metric).toBe('cosine');
    expect(loaded.dim).toBe(16);
    const a = index.search(queries, 7);
    const b = loaded.search(queries, 7);
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(() => AnnIndex.load(join(dir, 'missing.usearch'))).toThrow(AnnIndexError);
    writeFileSync(join(dir, 'orphan.usearch'), 'x');
    expect(() => AnnIndex.load(join(dir, 'orphan.usearch'))).toThrow(/no metadata file/);
  });

  it('stores vectors as f16 (the default for cosine) or i8, keeping recall, with smaller files that load back the same', () => {
    const f32 = AnnIndex.build(gallery, { metric: 'cosine', quantization: 'f32' });
    f32.save(join(dir, 'f32.usearch'));
    for (const quantization of [undefined, 'i8'] as const) {
      const index = AnnIndex.build(gallery, { metric: 'cosine', quantization });
      expect(measureRecall(index, gallery, { k: 10, sample: queries }).recall).toBeGreaterThan(0.9);
      const path = join(dir, `${quantization ?? 'default'}.usearch`);
      index.save(path);
      expect(AnnIndex.fileSize(path)).toBeLessThan(AnnIndex.fileSize(join(dir, 'f32.usearch')));
      const loaded = AnnIndex.load(path);
      expect(Array.from(loaded.search(queries, 5).indices)).toEqual(Array.from(index.search(queries, 5).indices));
    }
    expect(() => AnnIndex.build(gallery, { quantization: 'b1' as 'i8' })).toThrow(/f32, f16 or i8/);
  });

  it('handles a single query vector, k above the size, and a dimension mismatch', () => {
    const small = clustered(20, 4);
    const index = AnnIndex.build(small, { metric: 'euclidean' });
    const res = index.search(small.data.subarray(0, 16), 50);
    expect(res.k).toBe(20);
    expect(res.indices[0]).toBe(0);
    expect(res.distances[0]).toBeCloseTo(0, 6);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(/queries are 3-d but the index is 16-d/);
  });

  it('chooses exact search below the threshold and the index above it', () => {
    expect(chooseSearch(10_000)).toBe('exact');
    expect(chooseSearch(ANN_MIN_ROWS - 1)).toBe('exact');
    expect(chooseSearch(ANN_MIN_ROWS)).toBe('ann');
    expect(chooseSearch(5_000, 1_000)).toBe('ann');
  });
});
