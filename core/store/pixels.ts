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
