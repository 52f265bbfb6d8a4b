import { describe, expect, it } from 'vitest';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { loadLabData } from './data.ts';

describe('loadLabData', () => {
  it('loads live items with their pixels, captions and labels; identical images share one row', () => {
    const lab = createFixtureLab({ perPair: 2, size: 8 });
    const all = loadLabData(lab.db);
    expect(all.items).toHaveLength(24);
    expect(all.items.map((i) => i.id)).toEqual([...all.items.map((i) => i.id)].sort((a, b) => a - b));
    const first = all.items[0];
    expect(first.captions).toHaveLength(1);
    expect(first.captions[0].text).toMatch(new RegExp(`^a \\w+ ${first.label}$`));
    expect(all.store.sizes[first.row]).toBe(8);
    const pixels = lab.db.prepare('SELECT data FROM pixels WHERE image_id = ?').pluck().get(first.imageId) as Buffer;
    const off = all.store.offsets[first.row];
    expect(Buffer.from(all.store.data.subarray(off, off + 8 * 8 * 3)).equals(pixels)).toBe(true);

    // A missing file drops out; a second name for the same image shares its pixel row.
    const [a, b, c] = all.items;
    lab.db.prepare("UPDATE items SET status = 'missing' WHERE id = ?").run(a.id);
    lab.db.prepare('UPDATE items SET image_id = ? WHERE id = ?').run(b.imageId, c.id);
    const now = loadLabData(lab.db);
    expect(now.items.map((i) => i.id)).not.toContain(a.id);
    const byId = new Map(now.items.map((i) => [i.id, i]));
    expect(byId.get(c.id)!.row).toBe(byId.get(b.id)!.row);
    expect(now.store.sizes).toHaveLength(22);

    const val = loadLabData(lab.db, ['val']);
    expect(val.items.length).toBeGreaterThan(0);
    expect(val.items.every((i) => i.split === 'val')).toBe(true);
    expect(val.items.length).toBe(now.items.filter((i) => i.split === 'val').length);
    lab.close();
  });

  it('refuses pixels whose length does not match their size', () => {
    const lab = createFixtureLab({ perPair: 1, size: 8 });
    lab.db.prepare('UPDATE pixels SET size = 9 WHERE image_id = (SELECT min(image_id) FROM pixels)').run();
    expect(() => loadLabData(lab.db)).toThrow(/pixels of 192 bytes for size 9/);
    lab.close();
  });
});
