import type { Db } from '../store/lab.ts';
import type { PixelStore } from './replica.ts';

export type Split = 'train' | 'val' | 'test';

export interface LabItem {
  /** Item id (a live image file); captions, labels and embeddings refer to it. */
  id: number;
  imageId: number;
  split: Split;
  /** Category label, or null (unlabelled or a numeric label). */
  label: string | null;
  captions: { id: number; text: string }[];
  /** Row of the item's pixels in the store (items with identical content share a row). */
  row: number;
}

export interface LabData {
  /** Live items that have model-input pixels, by id. */
  items: LabItem[];
  store: PixelStore;
}

/**
 * Loads every live item (status 'ok') with its pixels (into shared memory, so worker threads read
 * them without copies), captions and category label. `splits` restricts the items loaded.
 */
export function loadLabData(db: Db, splits?: readonly Split[]): LabData {
  const where = splits ? ` AND i.split IN (${splits.map(() => '?').join(', ')})` : '';
  const rows = db
    .prepare(
      `SELECT i.id, i.image_id, i.split, p.size, length(p.data) AS bytes, l.name AS label
       FROM items i JOIN pixels p ON p.image_id = i.image_id LEFT JOIN labels l ON l.item_id = i.id
       WHERE i.status = 'ok'${where} ORDER BY i.id`,
    )
    .all(...(splits ?? [])) as {
    id: number;
    image_id: number;
    split: Split;
    size: number;
    bytes: number;
    label: string | null;
  }[];
  const imageRow = new Map<number, number>();
  const images: { id: number; size: number; bytes: number }[] = [];
  for (const r of rows) {
    if (r.bytes !== r.size * r.size * 3)
      throw new Error(`image ${r.image_id}: pixels of ${r.bytes} bytes for size ${r.size}`);
    if (!imageRow.has(r.image_id)) {
      imageRow.set(r.image_id, images.length);
      images.push({ id: r.image_id, size: r.size, bytes: r.bytes });
    }
  }
  const total = images.reduce((s, i) => s + i.bytes, 0);
  const data = new Uint8Array(new SharedArrayBuffer(Math.max(total, 1)));
  const offsets = new Float64Array(images.length);
  const sizes = new Int32Array(images.length);
  let offset = 0;
  const pixel = db.prepare('SELECT data FROM pixels WHERE image_id = ?').pluck();
  images.forEach((img, row) => {
    data.set(pixel.get(img.id) as Buffer, offset);
    offsets[row] = offset;
    sizes[row] = img.size;
    offset += img.bytes;
  });
  const byId = new Map<number, LabItem>();
  const items: LabItem[] = rows.map((r) => {
    const item: LabItem = {
      id: r.id,
      imageId: r.image_id,
      split: r.split,
      label: r.label,
      captions: [],
      row: imageRow.get(r.image_id)!,
    };
    byId.set(r.id, item);
    return item;
  });
  const caps = db.prepare('SELECT id, item_id, text FROM captions ORDER BY item_id, id').iterate() as IterableIterator<{
    id: number;
    item_id: number;
    text: string;
  }>;
  for (const c of caps) byId.get(c.item_id)?.captions.push({ id: c.id, text: c.text });
  return { items, store: { data, offsets, sizes } };
}
