import { describe, expect, it } from 'vitest';
import { useEmbeddedLab } from '../testing/embedded-lab.ts';
import { listItems } from '../../store/items.ts';
import { createRng } from '../../util/random.ts';
import { projection } from './projection.ts';
import { umapLayout, umapLayoutOffThread } from './umap.ts';

const fx = useEmbeddedLab();

describe('projection', () => {
  it('maps a seeded sample of images and captions, the same every time', async () => {
    const o = { method: 'pca', modality: 'both', limit: 20 } as const;
    const a = await projection(fx.ctx, o);
    expect(a.points).toHaveLength(20);
    expect(a.points.filter((p) => p.kind === 'image')).toHaveLength(10);
    for (const p of a.points.filter((q) => q.kind === 'caption')) expect(p.text).toMatch(/^a \w+ \w+$/);
    expect(a.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    expect(await projection(fx.ctx, o)).toEqual(a);
  });

  it('gives each point the split of its image, for colouring by split', async () => {
    const r = await projection(fx.ctx, { method: 'pca', modality: 'both', limit: 1000 });
    const splitOf = new Map(listItems(fx.lab.db, { offset: 0, limit: 1_000_000 }).items.map((it) => [it.id, it.split]));
    expect(r.points.every((p) => p.split === splitOf.get(p.itemId))).toBe(true);
    expect(new Set(r.points.filter((p) => p.kind === 'caption').map((p) => p.split))).toEqual(
      new Set(['train', 'val', 'test']),
    );
  });

  it('separates the classes on the first principal axes', async () => {
    const r = await projection(fx.ctx, { method: 'pca', modality: 'image', limit: 1000 });
    const centre = (label: string) => {
      const ps = r.points.filter((p) => p.label === label);
      return [ps.reduce((s, p) => s + p.x, 0) / ps.length, ps.reduce((s, p) => s + p.y, 0) / ps.length];
    };
    const [a, b] = [centre('square'), centre('disc')];
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThan(0.5);
  });
  it('lays out by UMAP on a worker thread, the same picture every time', async () => {
    const o = { method: 'umap', modality: 'image', limit: 1000 } as const;
    const a = await projection(fx.ctx, o);
    expect(a.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    expect(await projection(fx.ctx, o)).toEqual(a);
  });
});

describe('umapLayoutOffThread', () => {
  const rng = createRng(3);
  const job = { data: Float32Array.from({ length: 200 * 8 }, () => rng.normal()), rows: 200, dim: 8, seed: 42 };

  it('gives the layout umapLayout gives', async () => {
    expect(Array.from(await umapLayoutOffThread(job))).toEqual(Array.from(umapLayout(job)));
  });

  it('leaves the calling thread free while it computes', async () => {
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    const layout = umapLayoutOffThread(job).then(() => ticked);
    expect(await layout).toBe(true);
  });
});
