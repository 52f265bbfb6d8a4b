import type { Split } from '../api/types.ts';
import type { Db } from './lab.ts';

/** Model-input pixels of one image: size × size × RGB bytes. */
export interface StoredPixels {
  size: number;
  data: Buffer;
}

/**
 * A reader of the stored model-input pixels of an item's image (one prepared statement for many reads); it
 * answers null for an unknown item or one without pixels.
 */
export function itemPixelsReader(db: Db): (itemId: number) => StoredPixels | null {
  const stmt = db.prepare('SELECT p.size, p.data FROM items i JOIN pixels p ON p.image_id = i.image_id WHERE i.id = ?');
  return (itemId) => (stmt.get(itemId) as StoredPixels | undefined) ?? null;
}

/** A live item (status 'ok') whose image has model-input pixels: the image, its pixel size and the item's label. */
export interface LivePixelRow {
  id: number;
  imageId: number;
  split: Split;
  /** Side of the stored pixels, and their length in bytes (size × size × 3 when intact). */
  size: number;
  bytes: number;
  /** Category label, or null. */
  label: string | null;
}

/** Every live item that has model-input pixels, by id; `splits` keeps only items of those splits. */
export function livePixelIndex(db: Db, splits?: readonly Split[]): LivePixelRow[] {
  const where = splits ? ` AND i.split IN (${splits.map(() => '?').join(', ')})` : '';
  return db
    .prepare(
      `SELECT i.id, i.image_id AS imageId, i.split, p.size, length(p.data) AS bytes, l.name AS label
       FROM items i JOIN pixels p ON p.image_id = i.image_id LEFT JOIN labels l ON l.item_id = i.id
       WHERE i.status = 'ok'${where} ORDER BY i.id`,
    )
    .all(...(splits ?? [])) as LivePixelRow[];
}

/** A reader of one image's stored pixel bytes (one prepared statement for many reads); null when it has none. */
export function imagePixelsReader(db: Db): (imageId: number) => Buffer | null {
  const stmt = db.prepare('SELECT data FROM pixels WHERE image_id = ?').pluck();
  return (imageId) => (stmt.get(imageId) as Buffer | undefined) ?? null;
}
