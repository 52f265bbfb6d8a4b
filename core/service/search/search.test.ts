import { describe, expect, it } from 'vitest';
import { itemInfos } from '../../store/items.ts';
import { invoke } from '../../api/rpc.ts';
import { NearlabService } from '../service.ts';
import { createEmbeddedLab, useEmbeddedLab } from '../testing/embedded-lab.ts';
import { search } from './search.ts';

const fx = useEmbeddedLab();

describe('search', () => {
  it("finds images of the query's class, best score first, leaving the query item itself out", async () => {
    const r = await search(fx.ctx, { image: { itemId: 1 } }, { k: 8 });
    expect(r.results).toHaveLength(8);
    expect(r.results.map((h) => h.itemId)).not.toContain(1);
    const scores = r.results.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(r.results.every((h) => h.label === 'square')).toBe(true);
    expect(r.weakMatch).toBe(false);
  });

  it('says when even the best match fits worse than most captions fit their images', async () => {
    const g = fx.ctx.cache.gallery(fx.modelId, 'image');
    const scores = fx.ctx.cache.captionImageScores(fx.modelId);
    expect(scores.length).toBe(g.m.rows); // one caption per fixture item
    // Every stored vector has a positive first coordinate or is a square: the negated square axis fits nothing well.
    const paths = fx.lab.db.prepare('SELECT path FROM items ORDER BY id').pluck().all() as string[];
    const [square, disc, bar] = ['square', 'disc', 'bar'].map((shape) => paths.find((p) => p.includes(`-${shape}-`))!);
    const r = await search(fx.ctx, { expression: `${disc} + ${bar} - 3:${square}` }, { k: 3 });
    expect(r.weakBelow).toBeCloseTo(scores[Math.floor(0.1 * scores.length)], 6);
    expect(r.results[0].score).toBeLessThan(r.weakBelow!);
    expect(r.weakMatch).toBe(true);
  });

  it('keeps only items that pass every filter', async () => {
    const r = await search(fx.ctx, { image: { itemId: 1 } }, { k: 50, filters: { label: 'disc', split: 'train' } });
    expect(r.results.length).toBeGreaterThan(0);
    const info = itemInfos(
      fx.lab.db,
      r.results.map((h) => h.itemId),
    );
    for (const h of r.results) expect(info.get(h.itemId)).toMatchObject({ label: 'disc', split: 'train' });
    const none = await search(fx.ctx, { image: { itemId: 1 } }, { k: 5, filters: { folder: 'nowhere' } });
    expect(none.results).toEqual([]);
  });

  it("filters to the unfiltered ranking's items of that label, in order, still leaving the query item out", async () => {
    const rows = fx.ctx.cache.gallery(fx.modelId, 'image').m.rows;
    const all = await search(fx.ctx, { image: { itemId: 1 } }, { k: rows });
    for (const label of ['square', 'disc']) {
      // A third of the items each: searched over a copy of the label's rows (restrictGallery).
      const r = await search(fx.ctx, { image: { itemId: 1 } }, { k: 10, filters: { label } });
      expect(r.results, label).toEqual(all.results.filter((h) => h.label === label).slice(0, 10));
      expect(r.results.map((h) => h.itemId)).not.toContain(1);
    }
  });

  it('returns captions with their text and item for image→text', async () => {
    const r = await search(fx.ctx, { image: { itemId: 2 } }, { k: 5, target: 'caption' });
    expect(r.results).toHaveLength(5);
    for (const h of r.results) {
      expect(h.caption).toMatch(/^a (red|green|blue|yellow) (square|disc|bar)$/);
      expect(h.caption!.endsWith(h.label!)).toBe(true);
    }
  });

  it('filters by label with a mask kept between queries, and a label edit through the API changes it', async () => {
    const { lab } = createEmbeddedLab();
    try {
      const service = new NearlabService(lab, { theoryWorkers: 'never' });
      const find = () =>
        invoke(service.api, 'search', { query: { image: { itemId: 1 } }, k: 50, filters: { label: 'disc' } });
      const before = await find();
      expect(before.results.length).toBeGreaterThan(0);
      expect(before.results.every((h) => h.label === 'disc')).toBe(true);
      expect(await find()).toEqual(before);
      const moved = before.results[0].itemId;
      await invoke(service.api, 'editItem', { id: moved, label: 'bar' });
      const after = await find();
      expect(after.results.map((h) => h.itemId)).not.toContain(moved);
      expect(after.results).toHaveLength(before.results.length - 1);
    } finally {
      lab.close();
    }
  });
});
