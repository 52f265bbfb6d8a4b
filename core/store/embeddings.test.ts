import { describe, expect, it } from 'vitest';
import { createFixtureLab } from './testing/fixture-lab.ts';
import { embeddingCounts, readEmbeddings, saveEmbeddings } from './embeddings.ts';
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
});
