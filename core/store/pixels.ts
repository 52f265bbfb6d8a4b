import type { Db } from './lab.ts';

/** Model-input pixels of one image: size × size × RGB bytes. */
export interface StoredPixels {
  size: number;
  data: Buffer;
}

/** The stored model-input pixels of an item's image, or null for an unknown item or one without pixels. */
export function itemPixels(db: Db, itemId: number): StoredPixels | null {
  const row = db
    .prepare('SELECT p.size, p.data FROM items i JOIN pixels p ON p.image_id = i.image_id WHERE i.id = ?')
    .get(itemId) as StoredPixels | undefined;
  return row ?? null;
}
