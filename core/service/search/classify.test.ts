import { describe, expect, it } from 'vitest';
import { useEmbeddedLab } from '../testing/embedded-lab.ts';
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
});
