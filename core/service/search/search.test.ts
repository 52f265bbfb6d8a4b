import { describe, expect, it } from 'vitest';
import { itemInfos } from '../../store/items.ts';
import { useEmbeddedLab } from '../testing/embedded-lab.ts';
import { search } from './search.ts';

const fx = useEmbeddedLab();

describe('search', () => {
  it('finds the query image first, then images of its class, best score first', async () => {
    const r = await search(fx.ctx, { image: { itemId: 1 } }, { k: 8 });
    expect(r.results).toHaveLength(8);
    expect(r.results[0]).toMatchObject({ itemId: 1, label: 'square' });
    expect(r.results[0].score).toBeCloseTo(1, 5);
    const scores = r.results.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(r.results.every((h) => h.label === 'square')).toBe(true);
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

  it('returns captions with their text and item for image→text', async () => {
    const r = await search(fx.ctx, { image: { itemId: 2 } }, { k: 5, target: 'caption' });
    expect(r.results).toHaveLength(5);
    for (const h of r.results) {
      expect(h.caption).toMatch(/^a (red|green|blue|yellow) (square|disc|bar)$/);
      expect(h.caption!.endsWith(h.label!)).toBe(true);
    }
  });
});
