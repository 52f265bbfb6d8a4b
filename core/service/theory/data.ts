/** What the Theory lab's "Your data" view reads from a lab: labelled live items, their splits and raw pixels. */
import type { Db } from '../../store/lab.ts';

export interface LabeledItem {
  itemId: number;
  label: string;
  split: 'train' | 'val' | 'test';
}

/**
 * Up to `limit` live items with a category label, in a fixed pseudo-random order (so a limit below
 * the lab's size still samples every folder and class, and the same lab always gives the same sample).
 */
export function labeledItems(db: Db, limit: number): LabeledItem[] {
  return db
    .prepare(
      `SELECT i.id AS itemId, l.name AS label, i.split FROM items i JOIN labels l ON l.item_id = i.id
       JOIN pixels p ON p.image_id = i.image_id
       WHERE i.status = 'ok' AND l.name IS NOT NULL
       ORDER BY (i.id * 2654435761) % 4294967296, i.id LIMIT ?`,
    )
    .all(limit) as LabeledItem[];
}

/** Split of each given item (items that are not live are left out of the map). */
export function itemSplits(db: Db, itemIds: readonly number[]): Map<number, LabeledItem['split']> {
  const out = new Map<number, LabeledItem['split']>();
  const stmt = db.prepare(`SELECT split FROM items WHERE id = ? AND status = 'ok'`);
  for (const id of itemIds) {
    const row = stmt.get(id) as { split: LabeledItem['split'] } | undefined;
    if (row) out.set(id, row.split);
  }
  return out;
}

/**
 * Raw pixels of the given items, box-averaged to size × size × RGB in [0, 1], one row per item
 * (row-major Float32Array). Items without stored pixels are reported in `missing` and get a zero row.
 */
export function pixelMatrix(
  db: Db,
  itemIds: readonly number[],
  size: number,
): { data: Float32Array; missing: number[] } {
  const dim = size * size * 3;
  const data = new Float32Array(itemIds.length * dim);
  const missing: number[] = [];
  const stmt = db.prepare(`SELECT p.size, p.data FROM items i JOIN pixels p ON p.image_id = i.image_id WHERE i.id = ?`);
  itemIds.forEach((id, row) => {
    const px = stmt.get(id) as { size: number; data: Buffer } | undefined;
    if (!px || px.data.length !== px.size * px.size * 3) {
      missing.push(id);
      return;
    }
    boxAverage(px.data, px.size, size, data.subarray(row * dim, (row + 1) * dim));
  });
  return { data, missing };
}

/** Shrinks a src × src RGB image to out × out by averaging the source pixels under each output pixel. */
export function boxAverage(rgb: Uint8Array, src: number, out: number, into: Float32Array): void {
  for (let oy = 0; oy < out; oy++) {
    const y0 = Math.floor((oy * src) / out);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * src) / out));
    for (let ox = 0; ox < out; ox++) {
      const x0 = Math.floor((ox * src) / out);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * src) / out));
      const count = (y1 - y0) * (x1 - x0) * 255;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += rgb[(y * src + x) * 3 + c];
        into[(oy * out + ox) * 3 + c] = sum / count;
      }
    }
  }
}
