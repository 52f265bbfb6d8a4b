import { describe, expect, it } from 'vitest';
import { useEmbeddedLab } from '../testing/embedded-lab.ts';
import { knnCurve } from './evaluate.ts';

const fx = useEmbeddedLab();

describe('knnCurve', () => {
  it('gives leave-one-out accuracy for K = 1..maxK and the best K', () => {
    const r = knnCurve(fx.ctx, { metric: 'cosine', maxK: 7 });
    expect(r.points.map((p) => p.k)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const p of r.points) expect(p.accuracy).toBeGreaterThan(0.9); // the codes separate the shapes
    const best = Math.max(...r.points.map((p) => p.accuracy));
    expect(r.points.find((p) => p.k === r.bestK)!.accuracy).toBe(best);
  });

  it('caps maxK below the labeled gallery size', () => {
    const rows = fx.ctx.cache.labeledGallery(fx.ctx.cache.modelId()).m.rows;
    expect(knnCurve(fx.ctx, { metric: 'euclidean', maxK: 10_000 }).points).toHaveLength(rows - 1);
  });

  it('scores every labeled train item in a small lab, and a seeded sample of them above maxQueries', () => {
    const rows = fx.ctx.cache.labeledGallery(fx.ctx.cache.modelId()).m.rows;
    expect(knnCurve(fx.ctx, { metric: 'cosine', maxK: 3 })).toMatchObject({ queries: rows, labeled: rows });
    const sampled = knnCurve(fx.ctx, { metric: 'cosine', maxK: 3, maxQueries: 4 });
    expect(sampled).toMatchObject({ queries: 4, labeled: rows });
    expect(knnCurve(fx.ctx, { metric: 'cosine', maxK: 3, maxQueries: 4 })).toEqual(sampled);
  });
});
