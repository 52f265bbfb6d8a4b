import type { Split } from '../api/types.ts';
import { allCaptions } from '../store/captions.ts';
import type { Db } from '../store/lab.ts';
import { imagePixelsReader, livePixelIndex } from '../store/pixels.ts';
import type { FeatureStore, PixelStore } from './replica.ts';

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
  /** A frozen backbone's features of the store's rows, for a LiT run (lit-features.ts). */
  features?: FeatureStore;
}

/** A distinct image the items' pixel rows index: its id and the size of its stored pixels. */
interface PixelImage {
  id: number;
  size: number;
  bytes: number;
}

/**
 * Every live item (status 'ok') with its captions and category label, and the distinct images its pixel rows
 * index, without reading any pixels: what a run's data is made of (loadLabData), cheap enough to check before one.
 * `splits` restricts the items loaded.
 */
export function loadLabItems(db: Db, splits?: readonly Split[]): { items: LabItem[]; images: PixelImage[] } {
  const rows = livePixelIndex(db, splits);
  const imageRow = new Map<number, number>();
  const images: PixelImage[] = [];
  for (const r of rows) {
    if (r.bytes !== r.size * r.size * 3)
      throw new Error(`image ${r.imageId}: pixels of ${r.bytes} bytes for size ${r.size}`);
    if (!imageRow.has(r.imageId)) {
      imageRow.set(r.imageId, images.length);
      images.push({ id: r.imageId, size: r.size, bytes: r.bytes });
    }
  }
  const byId = new Map<number, LabItem>();
  const items: LabItem[] = rows.map((r) => {
    const item: LabItem = {
      id: r.id,
      imageId: r.imageId,
      split: r.split,
      label: r.label,
      captions: [],
      row: imageRow.get(r.imageId)!,
    };
    byId.set(r.id, item);
    return item;
  });
  for (const c of allCaptions(db)) byId.get(c.itemId)?.captions.push({ id: c.id, text: c.text });
  return { items, images };
}

/**
 * Loads every live item (status 'ok') with its pixels (into shared memory, so worker threads read
 * them without copies), captions and category label. `splits` restricts the items loaded.
 */
export function loadLabData(db: Db, splits?: readonly Split[]): LabData {
  const { items, images } = loadLabItems(db, splits);
  const total = images.reduce((s, i) => s + i.bytes, 0);
  const data = new Uint8Array(new SharedArrayBuffer(Math.max(total, 1)));
  const offsets = new Float64Array(images.length);
  const sizes = new Int32Array(images.length);
  let offset = 0;
  const pixels = imagePixelsReader(db);
  images.forEach((img, row) => {
    data.set(pixels(img.id)!, offset);
    offsets[row] = offset;
    sizes[row] = img.size;
    offset += img.bytes;
  });
  return { items, store: { data, offsets, sizes } };
}
