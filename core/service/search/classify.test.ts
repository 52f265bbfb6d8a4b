import { describe, expect, it } from 'vitest';
import { invoke } from '../../api/rpc.ts';
import { NearlabService } from '../service.ts';
import { createEmbeddedLab, useEmbeddedLab } from '../testing/embedded-lab.ts';
import { classifyKnn } from './classify.ts';

const fx = useEmbeddedLab();

describe('classifyKnn', () => {
  it('gives p(y = c | x) as the share of the K neighbours, and the item never votes for itself', async () => {
    const trainSquare = fx.lab.db
      .prepare(
        `SELECT i.id FROM items i JOIN labels l ON l.item_id = i.id WHERE i.split = 'train' AND l.name = 'square' LIMIT 1`,
      )
      .pluck()
      .get() as number;
    const r = await classifyKnn(fx.ctx, { itemId: trainSquare }, { k: 5, weights: 'uniform', metric: 'cosine' });
    expect(r.label).toBe('square');
    expect(r.trueLabel).toBe('square'); // the lab item's own label, to set beside the prediction
    expect(r.neighbours).toHaveLength(5);
    for (const n of r.neighbours) expect(n.caption).toBe(`a ${n.path.split('-')[0]} ${n.label}`);
    expect(r.neighbours.map((n) => n.itemId)).not.toContain(trainSquare);
    const share = r.neighbours.filter((n) => n.label === 'square').length / 5;
    expect(r.probabilities.square).toBeCloseTo(share, 10);
    expect(Object.values(r.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const distances = r.neighbours.map((n) => n.distance);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
  });

  it('with K beyond the labeled gallery, every labeled train item votes', async () => {
    const rows = fx.ctx.cache.labeledGallery(fx.ctx.cache.modelId(), 1).m.rows;
    const r = await classifyKnn(fx.ctx, { itemId: 1 }, { k: 100_000, weights: 'uniform', metric: 'euclidean' });
    expect(r.neighbours).toHaveLength(rows);
  });

  it('keeps the labeled gallery between calls, and a label edit through the API is seen by the next one', async () => {
    const { lab } = createEmbeddedLab();
    try {
      const service = new NearlabService(lab, { theoryWorkers: 'never' });
      const ctx = service;
      const query = lab.db.prepare(`SELECT id FROM items WHERE split = 'test' LIMIT 1`).pluck().get() as number;
      const first = await invoke(ctx.api, 'classify', { image: { itemId: query }, method: { kind: 'knn', k: 1 } });
      const again = await invoke(ctx.api, 'classify', { image: { itemId: query }, method: { kind: 'knn', k: 1 } });
      expect(again).toEqual(first);
      const nearest = first.neighbours[0];
      await invoke(service.api, 'editItem', { id: nearest.itemId, label: 'relabelled' });
      const after = await invoke(service.api, 'classify', { image: { itemId: query }, method: { kind: 'knn', k: 1 } });
      expect(after.neighbours[0]).toMatchObject({ itemId: nearest.itemId, label: 'relabelled' });
      expect(after.label).toBe('relabelled');
    } finally {
      lab.close();
    }
  });

  it('masks the query item out of the cached gallery instead of rebuilding it', async () => {
    const cache = fx.ctx.cache;
    const index = cache.labeledIndex(cache.modelId());
    const item = index.gallery.itemIds[0];
    const r = await classifyKnn(fx.ctx, { itemId: item }, { k: 3, weights: 'uniform', metric: 'cosine' });
    expect(r.neighbours.map((n) => n.itemId)).not.toContain(item);
    expect(cache.labeledIndex(cache.modelId())).toBe(index);
  });
});
