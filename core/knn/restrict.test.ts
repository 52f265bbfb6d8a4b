import { describe, expect, it } from 'vitest';
import { ShapeError } from './errors.ts';
import type { Matrix } from './matrix.ts';
import { createRng } from '../util/random.ts';
import { restrictGallery, searchRestricted } from './restrict.ts';
import { NATIVE_MIN_ROWS, prepareGallery, searchPrepared, type TopKResult } from './topk.ts';

/** Rows in clusters (as a lab's embeddings are), quantised so that exact ties occur. */
function clustered(rows: number, dim: number, seed: number): Matrix {
  const g = createRng(seed).normal;
  const centres = Array.from({ length: 20 }, () => Array.from({ length: dim }, () => g() * 3));
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < dim; j++) data[i * dim + j] = Math.round((centres[i % 20][j] + g()) * 4) / 4;
  return { data, rows, dim };
}

const answer = (r: TopKResult) => ({ indices: Array.from(r.indices), distances: Array.from(r.distances) });

describe('a gallery restricted to a mask', () => {
  for (const rows of [900, NATIVE_MIN_ROWS + 700]) {
    const g = clustered(rows, 16, rows);
    const prep = prepareGallery(g, 'cosine');
    // A mask of one cluster (which the query's own cluster disagrees with), a sparse one, and one of 3 rows.
    const masks = {
      cluster: Uint8Array.from({ length: rows }, (_, i) => (i % 20 === 7 ? 1 : 0)),
      sparse: Uint8Array.from({ length: rows }, (_, i) => (i % 53 === 2 ? 1 : 0)),
      three: Uint8Array.from({ length: rows }, (_, i) => (i === 0 || i === 401 || i === rows - 1 ? 1 : 0)),
    };
    const queries = [3, 7, 250, 401].map((r) => g.data.slice(r * 16, (r + 1) * 16));

    it(`answers as the masked search of the whole gallery does (${rows} rows)`, () => {
      for (const [name, mask] of Object.entries(masks)) {
        const r = restrictGallery(prep, mask);
        expect(r.rows.length, name).toBe(mask.reduce((a, b) => a + b, 0));
        for (const q of queries)
          expect(answer(searchRestricted(r, q, 24)), name).toEqual(answer(searchPrepared(prep, q, 24, mask)));
      }
    });

    it(`leaves out an excluded row as a mask without it would (${rows} rows)`, () => {
      const r = restrictGallery(prep, masks.cluster);
      const without = masks.cluster.slice();
      without[7] = 0;
      const q = queries[1];
      expect(answer(searchRestricted(r, q, 10, 7))).toEqual(answer(searchPrepared(prep, q, 10, without)));
      expect(Array.from(searchRestricted(r, q, 10, 7).indices)).not.toContain(7);
      // A row outside the mask changes nothing.
      expect(answer(searchRestricted(r, q, 10, 3))).toEqual(answer(searchRestricted(r, q, 10)));
    });
  }

  it('breaks ties by the lower row when more rows tie than its candidates hold', () => {
    const g = { data: new Float32Array(300 * 8).fill(0.5), rows: 300, dim: 8 };
    for (const metric of ['cosine', 'sqeuclidean'] as const) {
      const prep = prepareGallery(g, metric);
      const even = Uint8Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 1 : 0));
      const r = searchRestricted(restrictGallery(prep, even), g.data.slice(0, 8), 12, 0);
      expect(Array.from(r.indices), metric).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    }
  });

  it('answers nothing (−1 / Infinity) for an empty mask, and refuses a mask of another length', () => {
    const g = clustered(50, 4, 1);
    const prep = prepareGallery(g, 'cosine');
    const empty = searchRestricted(restrictGallery(prep, new Uint8Array(50)), g.data.slice(0, 4), 5);
    expect(Array.from(empty.indices)).toEqual([-1, -1, -1, -1, -1]);
    expect(() => restrictGallery(prep, new Uint8Array(49))).toThrow(ShapeError);
  });
});
