import { describe, expect, it } from 'vitest';
import { useEmbeddedLab } from '../testing/embedded-lab.ts';
import { SearchError } from './errors.ts';

const fx = useEmbeddedLab();

describe('QueryEncoder', () => {
  it("uses a lab item's stored embedding (a copy, unit length)", async () => {
    const v = await fx.ctx.encoder.image(fx.modelId, { itemId: 3 });
    const g = fx.ctx.cache.gallery(fx.modelId, 'image');
    const row = g.emb.rowOf.get(3)!;
    expect(Array.from(v)).toEqual(Array.from(g.emb.data.subarray(row * g.m.dim, (row + 1) * g.m.dim)));
    v[0] = 42;
    expect(g.emb.data[row * g.m.dim]).not.toBe(42);
  });

  it('combines image terms of an expression named by their lab path', async () => {
    const pathOf = (id: number) => fx.lab.db.prepare('SELECT path FROM items WHERE id = ?').pluck().get(id) as string;
    const v = await fx.ctx.encoder.query(fx.modelId, { expression: `${pathOf(3)} + 2:${pathOf(4)}` });
    const a = await fx.ctx.encoder.image(fx.modelId, { itemId: 3 });
    const b = await fx.ctx.encoder.image(fx.modelId, { itemId: 4 });
    const sum = a.map((x, j) => x + 2 * b[j]);
    const n = Math.hypot(...sum);
    sum.forEach((x, j) => expect(v[j]).toBeCloseTo(x / n, 5));
  });

  it('refuses an image term that is no lab item, and a malformed expression', async () => {
    await expect(fx.ctx.encoder.query(fx.modelId, { expression: './not-here.png' })).rejects.toThrow(
      /not an item of this lab$/,
    );
    await expect(fx.ctx.encoder.query(fx.modelId, { expression: '2: + -' })).rejects.toThrow(SearchError);
  });
});
