/** Raw pixels of a lab's items as a matrix, for the Theory lab's "Your data" view. */
import type { Db } from '../../store/lab.ts';
import { itemPixelsReader } from '../../store/pixels.ts';

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
  const pixelsOf = itemPixelsReader(db);
  itemIds.forEach((id, row) => {
    const px = pixelsOf(id);
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
