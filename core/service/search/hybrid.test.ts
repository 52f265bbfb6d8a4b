import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distance } from '../../knn/index.ts';
import { itemInfos } from '../../store/items.ts';
import type { Lab } from '../../store/lab.ts';
import { createEmbeddedLab, DIM } from '../testing/embedded-lab.ts';
import { createSearchContext, type SearchContext } from './context.ts';
import { QueryEncoder } from './query.ts';
import { search } from './search.ts';

// The fixture lab: 48 items captioned "a {red|green|blue|yellow} {square|disc|bar}", labelled by shape, whose stored
// embeddings are noisy one-hot codes of the shape (axes 0, 1, 2; axis 3 is noise only).
let lab: Lab;
let modelId: number;
let base: SearchContext;

/** A search context whose text encoder answers every text with `vector` (the fixture model cannot embed text). */
function textsTo(vector: number[]): SearchContext {
  const v = Float32Array.from(vector);
  class FixedText extends QueryEncoder {
    override text(): Promise<Float32Array> {
      return Promise.resolve(v);
    }
    override unknownWords(): Promise<string[] | null> {
      return Promise.resolve(null);
    }
  }
  return { ...base, encoder: new FixedText(base.cache) };
}
const DISC = [0, 1, 0, 0];
const NOWHERE = [0, 0, 0, 1];

const captionOf = (ids: number[]) =>
  ids.map((id) => lab.db.prepare('SELECT text FROM captions WHERE item_id = ?').pluck().get(id) as string);

beforeAll(() => {
  ({ lab, modelId } = createEmbeddedLab());
  base = createSearchContext(lab);
});
afterAll(() => lab.close());

describe('hybrid text search', () => {
  it('brings items whose caption is the query into the top results, where the embedding alone misses them', async () => {
    const ctx = textsTo(DISC); // the embedding says "disc" whatever the words
    const embedding = await search(ctx, { text: 'red square' }, { k: 16, mode: 'embedding' });
    expect(embedding.results.every((h) => h.label === 'disc')).toBe(true);
    expect(embedding.results.every((h) => h.keywordRank === null && h.matched!.length === 0)).toBe(true);

    const hybrid = await search(ctx, { text: 'a red square' }, { k: 12 });
    // Captions that are the query itself come first.
    const squares = hybrid.results.slice(0, 4);
    expect(captionOf(squares.map((h) => h.itemId))).toEqual(Array(4).fill('a red square'));
    for (const h of squares) expect(h).toMatchObject({ caption: 'a red square', matched: ['a', 'red', 'square'] });
    // Then the red discs, ranked well by both, ahead of discs of other colours.
    const discs = hybrid.results.filter((h) => h.label === 'disc');
    expect(captionOf(discs.slice(0, 4).map((h) => h.itemId))).toEqual(Array(4).fill('a red disc'));
    expect(hybrid.results.slice(4, 8).map((h) => h.label)).toEqual(Array(4).fill('disc'));
    // Scores stay the cosine similarities of the embedding.
    const g = base.cache.gallery(modelId, 'image');
    for (const h of hybrid.results) {
      const r = g.emb.rowOf.get(h.itemId)!;
      const cos = 1 - distance(Float32Array.from(DISC), g.emb.data.subarray(r * DIM, (r + 1) * DIM), 'cosine');
      expect(h.score).toBeCloseTo(cos, 6);
    }
  });

  it('fuses by rank alone when no caption is the query: items ranked well by both come first', async () => {
    const r = await search(textsTo(DISC), { text: 'red squ' }, { k: 12 });
    expect(captionOf(r.results.slice(0, 3).map((h) => h.itemId))).toEqual(Array(3).fill('a red disc'));
    const squares = r.results.filter((h) => h.caption === 'a red square');
    expect(squares.length).toBeGreaterThanOrEqual(3);
    for (const h of squares) expect(h.matched).toEqual(['red', 'square']);
  });

  it('is the default for text queries only: image and expression queries rank by the embedding', async () => {
    const ctx = textsTo(DISC);
    const expr = await search(ctx, { expression: '"red square"' }, { k: 16 });
    expect(expr.results.every((h) => h.label === 'disc' && h.keywordRank === undefined)).toBe(true);
    const image = await search(ctx, { image: { itemId: 2 } }, { k: 5 });
    expect(image.results.every((h) => h.keywordRank === undefined && h.matched === undefined)).toBe(true);
  });

  it('keeps keyword matches to the filters the embedding search honours', async () => {
    const r = await search(textsTo(DISC), { text: 'red square' }, { k: 20, filters: { label: 'bar' } });
    expect(r.results.length).toBe(16);
    expect(r.results.every((h) => h.label === 'bar')).toBe(true);
    const info = itemInfos(
      lab.db,
      r.results.map((h) => h.itemId),
    );
    // The red bars match "red" and rank first.
    for (const h of r.results.slice(0, 4)) {
      expect(info.get(h.itemId)!.path).toMatch(/^red-bar-/);
      expect(h).toMatchObject({ caption: 'a red bar', matched: ['red'] });
    }
    expect(r.results.slice(4).every((h) => h.keywordRank === null)).toBe(true);
  });

  it('is no weak match when a caption holds every word of the query', async () => {
    const ctx = textsTo(NOWHERE); // fits no image well
    expect((await search(ctx, { text: 'red square' }, { k: 5, mode: 'embedding' })).weakMatch).toBe(true);
    expect((await search(ctx, { text: 'red square' }, { k: 5 })).weakMatch).toBe(false);
    expect((await search(ctx, { text: 'qwzx vlorp' }, { k: 5 })).weakMatch).toBe(true);
    expect((await search(ctx, { text: 'red vlorp' }, { k: 5 })).weakMatch).toBe(true); // one word of two
    expect((await search(ctx, { text: '🍎' }, { k: 5 })).weakMatch).toBe(true);
  });

  it('ranks captions for a text query with target caption, leaving out captions the model has not embedded', async () => {
    const item = lab.db.prepare(`SELECT id FROM items WHERE path = 'green-square-0.png'`).pluck().get() as number;
    const extra = Number(
      lab.db
        .prepare(`INSERT INTO captions (item_id, text, source) VALUES (?, 'a green square, again', 'sidecar')`)
        .run(item).lastInsertRowid,
    );
    try {
      const r = await search(textsTo(DISC), { text: 'green square' }, { k: 48, target: 'caption' });
      expect(r.results.map((h) => h.caption)).not.toContain('a green square, again');
      const top = r.results.filter((h) => h.caption === 'a green square');
      expect(top).toHaveLength(4);
      for (const h of top) expect(h.matched).toEqual(['green', 'square']);
    } finally {
      lab.db.prepare('DELETE FROM captions WHERE id = ?').run(extra);
    }
  });
});
