import { describe, expect, it, vi } from 'vitest';
import { createFixtureLab } from './testing/fixture-lab.ts';
import {
  captionsToEmbed,
  embeddingCounts,
  embeddingCoverage,
  itemsToEmbed,
  pruneEmbeddings,
  readEmbeddings,
  saveCaptionEmbeddings,
  saveEmbeddings,
  saveItemEmbeddings,
} from './embeddings.ts';
import { saveFeatures } from './features.ts';
import { createModel, deleteModel, ModelNotFoundError } from './models.ts';
import { newModel } from './testing/model-fixtures.ts';

describe('embeddings store', () => {
  it('stores embeddings per model as one matrix; only live items unless asked; older models keep theirs', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const items = (lab.db.prepare('SELECT id FROM items ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const captions = (lab.db.prepare('SELECT id FROM captions ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const a = createModel(lab.db, newModel);
    const b = createModel(lab.db, newModel);
    const vecs = (n: number, base: number) => Float32Array.from({ length: n * 2 }, (_, i) => base + i);
    saveEmbeddings(lab.db, a, 'image', items, vecs(items.length, 0), 2);
    saveEmbeddings(lab.db, a, 'caption', captions, vecs(captions.length, 100), 2);
    saveEmbeddings(lab.db, b, 'image', items, vecs(items.length, 1000), 2);
    expect(embeddingCounts(lab.db, a)).toEqual({ image: items.length, caption: captions.length });

    const m = readEmbeddings(lab.db, a, 'image');
    expect(m.dim).toBe(2);
    expect(Array.from(m.ids)).toEqual(items);
    expect(Array.from(m.data.subarray(2, 4))).toEqual([2, 3]);
    expect(m.rowOf.get(items[1])).toBe(1);
    expect(readEmbeddings(lab.db, b, 'image').data[0]).toBe(1000);

    // A file gone from its folder: its item and captions drop out of the live matrices.
    lab.db.prepare("UPDATE items SET status = 'missing' WHERE id = ?").run(items[0]);
    expect(readEmbeddings(lab.db, a, 'image').ids).not.toContain(items[0]);
    expect(readEmbeddings(lab.db, a, 'caption').ids.length).toBe(captions.length - 1);
    expect(readEmbeddings(lab.db, a, 'image', { liveOnly: false }).ids.length).toBe(items.length);

    deleteModel(lab.db, a);
    expect(embeddingCounts(lab.db, a)).toEqual({ image: 0, caption: 0 });
    expect(embeddingCounts(lab.db, b).image).toBe(items.length);
    expect(() => deleteModel(lab.db, a)).toThrow(ModelNotFoundError);
    lab.close();
  });

  it('lists what a model has not embedded, page by page, and reports its coverage of the live lab', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const db = lab.db;
    const a = createModel(db, newModel);
    const all = itemsToEmbed(db, a, { all: false, after: 0, limit: 1000 });
    expect(all.length).toBe(12);
    const captions = captionsToEmbed(db, a, { all: false, after: 0, limit: 1000 });
    expect(captions.length).toBe(12);
    expect(embeddingCoverage(db, a)).toEqual({ images: 0, items: 12, captions: 0, liveCaptions: 12 });

    const firstPage = itemsToEmbed(db, a, { all: false, after: 0, limit: 5 });
    expect(firstPage).toEqual(all.slice(0, 5));
    expect(itemsToEmbed(db, a, { all: false, after: firstPage[4].itemId, limit: 5 })).toEqual(all.slice(5, 10));
    expect(saveItemEmbeddings(db, a, firstPage, new Float32Array(10), 2)).toBe(5);
    expect(saveCaptionEmbeddings(db, a, captions.slice(0, 3), new Float32Array(6), 2)).toBe(3);
    expect(itemsToEmbed(db, a, { all: false, after: 0, limit: 1000 })).toEqual(all.slice(5));
    expect(captionsToEmbed(db, a, { all: false, after: 0, limit: 1000 })).toEqual(captions.slice(3));
    // `all` lists every live one, embedded or not.
    expect(itemsToEmbed(db, a, { all: true, after: 0, limit: 1000 })).toEqual(all);
    expect(embeddingCoverage(db, a)).toEqual({ images: 5, items: 12, captions: 3, liveCaptions: 12 });

    // A vector computed from an image the item no longer shows, or for a caption since removed, is not stored.
    const [x, y] = all.slice(5);
    db.prepare('UPDATE items SET image_id = ? WHERE id = ?').run(y.imageId, x.itemId);
    expect(saveItemEmbeddings(db, a, [x, y], new Float32Array(4), 2)).toBe(1);
    db.prepare('DELETE FROM captions WHERE id = ?').run(captions[3].id);
    expect(saveCaptionEmbeddings(db, a, [captions[3]], new Float32Array(2), 2)).toBe(0);

    // Items gone missing drop out of coverage (and their vectors go with pruneEmbeddings).
    db.prepare("UPDATE items SET status = 'missing' WHERE id = ?").run(all[0].itemId);
    expect(embeddingCoverage(db, a)).toMatchObject({ images: 5, items: 11 });
    pruneEmbeddings(db, a);
    expect(embeddingCounts(db, a)).toEqual({ image: 5, caption: 2 });
    lab.close();
  });

  it('pages a backbone model over the items whose images have its features only, in id order without a sort', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const db = lab.db;
    const a = createModel(db, newModel);
    const all = itemsToEmbed(db, a, { all: false, after: 0, limit: 1000 });
    const featured = [all[1], all[4], all[7]];
    saveFeatures(
      db,
      'bb',
      featured.map((x) => ({ imageId: x.imageId, view: 0, vector: new Float32Array([1, 0]) })),
    );
    const page = { all: false, after: 0, limit: 1000, withFeatures: 'bb' };
    expect(itemsToEmbed(db, a, page)).toEqual(featured);
    expect(itemsToEmbed(db, a, { ...page, withFeatures: 'other' })).toEqual([]);
    expect(itemsToEmbed(db, a, { ...page, after: all[1].itemId, limit: 1 })).toEqual([all[4]]);
    // The page must walk the id range, not scan every live item through items_status and sort (44 s a page at 100k).
    for (const p of [page, { all: true, after: 3, limit: 5, withFeatures: undefined }]) {
      const spy = vi.spyOn(db, 'prepare');
      itemsToEmbed(db, a, p);
      const sql = String(spy.mock.calls[0][0]);
      spy.mockRestore();
      const params = { model: a, after: p.after, limit: p.limit, ...(p.withFeatures ? { backbone: 'bb' } : {}) };
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
      expect(plan.map((r) => r.detail).join(' ')).not.toMatch(/TEMP B-TREE|items_status/);
    }
    lab.close();
  });

  it('drops an embedding when its item shows another image, or its item or caption is deleted (migration 003)', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const db = lab.db;
    const [a, b] = [createModel(db, newModel), createModel(db, newModel)];
    const items = itemsToEmbed(db, a, { all: true, after: 0, limit: 1000 });
    const captions = captionsToEmbed(db, a, { all: true, after: 0, limit: 1000 });
    for (const m of [a, b]) {
      saveItemEmbeddings(db, m, items, new Float32Array(items.length * 2), 2);
      saveCaptionEmbeddings(db, m, captions, new Float32Array(captions.length * 2), 2);
    }
    const has = (m: number, kind: string, ref: number) =>
      db.prepare('SELECT 1 FROM embeddings WHERE model_id = ? AND kind = ? AND ref_id = ?').get(m, kind, ref) !==
      undefined;
    const [changed, same, missing, removed] = items;

    // Re-imported with other content: every model loses that item's vector, and only that one.
    db.prepare('UPDATE items SET image_id = ? WHERE id = ?').run(items[5].imageId, changed.itemId);
    expect(has(a, 'image', changed.itemId) || has(b, 'image', changed.itemId)).toBe(false);
    // Same content written again, or the file going missing, keeps it.
    db.prepare('UPDATE items SET image_id = image_id, size = size + 1 WHERE id = ?').run(same.itemId);
    db.prepare("UPDATE items SET status = 'missing' WHERE id = ?").run(missing.itemId);
    expect(has(a, 'image', same.itemId) && has(a, 'image', missing.itemId)).toBe(true);

    // A deleted item takes its image and caption vectors with it (captions cascade).
    const itsCaptions = (
      db.prepare('SELECT id FROM captions WHERE item_id = ?').all(removed.itemId) as { id: number }[]
    ).map((r) => r.id);
    expect(itsCaptions.length).toBeGreaterThan(0);
    db.prepare('DELETE FROM items WHERE id = ?').run(removed.itemId);
    expect(has(a, 'image', removed.itemId)).toBe(false);
    for (const c of itsCaptions) expect(has(a, 'caption', c) || has(b, 'caption', c)).toBe(false);

    // A removed caption: a new caption that reuses its row id starts without a vector.
    const last = captions[captions.length - 1];
    db.prepare('DELETE FROM captions WHERE id = ?').run(last.id);
    const reused = db
      .prepare(
        "INSERT INTO captions (item_id, text, source) SELECT item_id, 'another text', 'test' FROM captions LIMIT 1",
      )
      .run().lastInsertRowid;
    expect(Number(reused)).toBe(last.id);
    expect(has(a, 'caption', last.id)).toBe(false);
    expect(embeddingCounts(db, a)).toEqual({
      image: items.length - 2,
      caption: captions.length - itsCaptions.length - 1,
    });
    lab.close();
  });
});
