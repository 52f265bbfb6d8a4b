import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveEmbeddings } from '../../store/embeddings.ts';
import type { Lab } from '../../store/lab.ts';
import { createEmbeddedLab, DIM } from '../testing/embedded-lab.ts';
import { SearchError } from './errors.ts';
import { GalleryCache, indexPath } from './gallery.ts';

let lab: Lab;
let modelId: number;
beforeAll(() => ({ lab, modelId } = createEmbeddedLab()));
afterAll(() => lab.close());

describe('GalleryCache', () => {
  it('resolves the newest finished model and refuses an unknown one with a SearchError', () => {
    const cache = new GalleryCache(lab);
    expect(cache.modelId()).toBe(modelId);
    expect(() => cache.modelId(999)).toThrow(SearchError);
  });

  it('holds each kind of stored embedding as one matrix, read once', () => {
    const cache = new GalleryCache(lab);
    const g = cache.gallery(modelId, 'image');
    expect(g.m.dim).toBe(DIM);
    expect(g.m.rows).toBe(g.emb.ids.length);
    expect(cache.gallery(modelId, 'image')).toBe(g);
    cache.invalidate();
    expect(cache.gallery(modelId, 'image')).not.toBe(g);
  });

  it('builds the labeled gallery from train items only, leaving the query item out', () => {
    const cache = new GalleryCache(lab);
    const all = cache.labeledGallery(modelId);
    const trainIds = (lab.db.prepare(`SELECT id FROM items WHERE split = 'train'`).pluck().all() as number[]).sort(
      (a, b) => a - b,
    );
    expect(all.itemIds).toEqual(trainIds);
    expect(all.labels.every((l) => ['square', 'disc', 'bar'].includes(l))).toBe(true);
    const without = cache.labeledGallery(modelId, trainIds[0]);
    expect(without.itemIds).toEqual(trainIds.slice(1));
    expect(without.m.rows).toBe(trainIds.length - 1);
  });

  it('says which command to run when a model has no embeddings', () => {
    lab.db.prepare(`DELETE FROM embeddings WHERE kind = 'caption'`).run();
    try {
      expect(() => new GalleryCache(lab).gallery(modelId, 'caption')).toThrow(/nearlab embed --model/);
    } finally {
      // Later tests use the fixture afresh.
      lab.close();
      ({ lab, modelId } = createEmbeddedLab());
    }
  });

  it('searches exactly below the index threshold', () => {
    expect(new GalleryCache(lab).indexReport(modelId)).toMatchObject({ method: 'exact', recallAt10: null });
  });
  it('rebuilds a persisted index when the vectors changed, even at the same row count', () => {
    const first = new GalleryCache(lab, 10);
    expect(first.indexReport(modelId).method).toBe('ann');
    const path = `${indexPath(lab, modelId, 'image')}.fingerprint`;
    const before = readFileSync(path, 'utf8');
    const g = first.gallery(modelId, 'image');
    const moved = g.emb.data.slice(0, g.m.dim).map((x) => -x);
    saveEmbeddings(lab.db, modelId, 'image', [g.emb.ids[0]], moved, g.m.dim);
    const second = new GalleryCache(lab, 10);
    const ann = second.annIndex(modelId, 'image')!;
    expect(readFileSync(path, 'utf8')).not.toBe(before);
    expect(ann.search(moved, 1).indices[0]).toBe(0);
  });
});
