import { describe, expect, it } from 'vitest';
import { createFixtureLab } from './testing/fixture-lab.ts';
import {
  countImagesWithoutFeatures,
  featureBackbones,
  featureCoverage,
  featureFailures,
  imagesWithoutFeatures,
  readFeatures,
  recordFeatureFailure,
  saveFeatures,
} from './features.ts';

const vec = (base: number, dim = 4) => Float32Array.from({ length: dim }, (_, i) => base + i / 8);

describe('feature store', () => {
  it('lists images without features page by page, stores float16 vectors, reads them back in the order asked', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const db = lab.db;
    const all = imagesWithoutFeatures(db, 'mb', { after: 0, limit: 1000 });
    expect(all.length).toBe(12);
    expect(all[0]).toMatchObject({ hash: 'h0', root: '/fixture', path: 'red-square-0.png', pathRaw: null });
    const first = imagesWithoutFeatures(db, 'mb', { after: 0, limit: 5 });
    expect(first).toEqual(all.slice(0, 5));
    expect(imagesWithoutFeatures(db, 'mb', { after: first[4].imageId, limit: 5 })).toEqual(all.slice(5, 10));

    const stored = saveFeatures(
      db,
      'mb',
      first.map((r) => ({ imageId: r.imageId, view: 0, vector: vec(r.imageId) })),
    );
    expect(stored).toBe(5);
    expect(imagesWithoutFeatures(db, 'mb', { after: 0, limit: 1000 })).toEqual(all.slice(5));
    expect(countImagesWithoutFeatures(db, 'mb')).toBe(7);
    expect(countImagesWithoutFeatures(db, 'mb', 2)).toBe(12);
    // Another backbone has its own features.
    expect(imagesWithoutFeatures(db, 'other', { after: 0, limit: 1000 }).length).toBe(12);
    // Asking for two views lists the images that have only view 0.
    expect(imagesWithoutFeatures(db, 'mb', { after: 0, limit: 1000, views: 2 }).length).toBe(12);

    const ids = [first[3].imageId, all[8].imageId, first[1].imageId];
    const m = readFeatures(db, 'mb', ids, 0);
    expect(m.dim).toBe(4);
    expect(Array.from(m.found)).toEqual([first[3].imageId, first[1].imageId]);
    expect(Array.from(m.data.subarray(0, 4))).toEqual(Array.from(vec(first[3].imageId)));
    expect(readFeatures(db, 'mb', ids, 1)).toEqual({ dim: 0, data: new Float32Array(0), found: new Int32Array(0) });
    expect(featureCoverage(db, 'mb')).toEqual({ images: 12, done: 5, failed: 0 });
    expect(featureBackbones(db)).toEqual(['mb']);
    lab.close();
  });

  it('lists an image once whatever its number of names, and skips a recorded failure', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const db = lab.db;
    const [a, b] = imagesWithoutFeatures(db, 'mb', { after: 0, limit: 2 });
    // A second item with the same content as a: still one image to compute.
    db.prepare(
      `INSERT INTO items (root_id, path, image_id, split, size, mtime_ms, status, created_at)
       SELECT root_id, 'copy.png', image_id, split, size, mtime_ms, 'ok', created_at FROM items WHERE image_id = ?`,
    ).run(a.imageId);
    expect(imagesWithoutFeatures(db, 'mb', { after: 0, limit: 1000 }).filter((r) => r.imageId === a.imageId)).toEqual([
      a,
    ]);
    recordFeatureFailure(db, 'mb', b.imageId, 'corrupt JPEG');
    expect(imagesWithoutFeatures(db, 'mb', { after: 0, limit: 1000 }).map((r) => r.imageId)).not.toContain(b.imageId);
    expect(featureFailures(db, 'mb')).toEqual([{ imageId: b.imageId, reason: 'corrupt JPEG' }]);
    expect(featureCoverage(db, 'mb')).toEqual({ images: 12, done: 0, failed: 1 });
    lab.close();
  });

  it('drops an image from coverage when its items go missing, and features go with their image', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const db = lab.db;
    const rows = imagesWithoutFeatures(db, 'mb', { after: 0, limit: 1000 });
    saveFeatures(
      db,
      'mb',
      rows.map((r) => ({ imageId: r.imageId, view: 0, vector: vec(1) })),
    );
    db.prepare("UPDATE items SET status = 'missing' WHERE image_id = ?").run(rows[0].imageId);
    expect(featureCoverage(db, 'mb')).toEqual({ images: 11, done: 11, failed: 0 });
    // An import drops content no item shows any more: its features cascade, and a late save of it stores nothing.
    db.prepare('DELETE FROM items WHERE image_id = ?').run(rows[1].imageId);
    db.prepare('DELETE FROM pixels WHERE image_id = ?').run(rows[1].imageId);
    db.prepare('DELETE FROM images WHERE id = ?').run(rows[1].imageId);
    expect(readFeatures(db, 'mb', [rows[1].imageId]).found.length).toBe(0);
    expect(saveFeatures(db, 'mb', [{ imageId: rows[1].imageId, view: 0, vector: vec(1) }])).toBe(0);
    lab.close();
  });
});
