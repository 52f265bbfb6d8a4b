import { join } from 'node:path';
import type { ItemToEmbed } from '../../store/embeddings.ts';
import { itemFileLocation } from '../../store/items.ts';
import type { Db } from '../../store/lab.ts';
import { imagePixelsReader } from '../../store/pixels.ts';
import { readRegularFile } from '../../util/regular-file.ts';
import type { QueryImage } from '../query-model.ts';

/** Originals larger than this are left to the stored pixels. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** A batch of items as the distinct images to embed: images[rows[i]] is kept[i]'s. */
export interface ItemImages {
  images: QueryImage[];
  kept: ItemToEmbed[];
  rows: number[];
}

/**
 * Reads items' images for a model that embeds originals: each distinct image once, with its original file's bytes
 * when the file is still readable (else null: the stored pixels stand in) and its stored pixels. An item whose
 * image has no stored pixels any more (removed meanwhile) is left out.
 */
export function itemImagesReader(db: Db): (items: readonly ItemToEmbed[]) => Promise<ItemImages> {
  const pixelsOf = imagePixelsReader(db);
  return async (items) => {
    const rowOf = new Map<number, number>();
    const images: Promise<QueryImage>[] = [];
    const kept: ItemToEmbed[] = [];
    const rows: number[] = [];
    for (const item of items) {
      let row = rowOf.get(item.imageId);
      if (row === undefined) {
        const data = pixelsOf(item.imageId);
        if (!data) continue;
        row = images.length;
        rowOf.set(item.imageId, row);
        const pixels = { data, size: Math.round(Math.sqrt(data.length / 3)) };
        const at = itemFileLocation(db, item.itemId);
        const bytes = at
          ? readRegularFile(join(at.root, at.path), { maxBytes: MAX_FILE_BYTES }).catch(() => null)
          : Promise.resolve(null);
        images.push(bytes.then((b) => ({ pixels, bytes: b })));
      }
      kept.push(item);
      rows.push(row);
    }
    return { images: await Promise.all(images), kept, rows };
  };
}
