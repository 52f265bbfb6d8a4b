import { createRng } from '../util/random.ts';
import { z } from 'zod';

/**
 * Turns stored model-input pixels (size×size×3 RGB bytes) into normalised float input of the
 * model's image size: a random resized crop and colour jitter for training, the whole image for
 * inference. Bilinear resampling; values normalised as (v/255 − 0.5)/0.25.
 */

const rangeSchema = z.tuple([z.number(), z.number()]);

export const augmentOptionsSchema = z.object({
  /** Random resized crop: area fraction range (default [0.6, 1]); null keeps the whole image. */
  cropScale: rangeSchema.nullable(),
  /** Aspect-ratio range of the crop (default [3/4, 4/3]). */
  cropRatio: rangeSchema,
  /** Brightness, contrast and saturation jitter strength (default 0.2; 0 disables). */
  jitter: z.number(),
  /** Random horizontal flips (off by default: images may hold text). */
  flip: z.boolean(),
});
export type AugmentOptions = z.infer<typeof augmentOptionsSchema>;

export const DEFAULT_AUGMENT: AugmentOptions = {
  cropScale: [0.6, 1],
  cropRatio: [3 / 4, 4 / 3],
  jitter: 0.2,
  flip: false,
};
export const NO_AUGMENT: AugmentOptions = { cropScale: null, cropRatio: [1, 1], jitter: 0, flip: false };

const MEAN = 0.5;
const STD = 0.25;

/** A source image: `size`×`size`×3 bytes at `offset` in `data`. */
export interface PixelSource {
  data: Uint8Array;
  offset: number;
  size: number;
}

/**
 * Writes one model input (out × out × 3 floats) at `outOffset`. `seed` drives the augmentation, so the
 * same (seed, image) always gives the same input, on any worker.
 */
export function renderInput(
  src: PixelSource,
  out: Float32Array,
  outOffset: number,
  outSize: number,
  options: AugmentOptions,
  seed: number,
): void {
  const rand = createRng(seed).next;
  const s = src.size;
  let x0 = 0;
  let y0 = 0;
  let w = s;
  let h = s;
  if (options.cropScale) {
    const [lo, hi] = options.cropScale;
    const [rlo, rhi] = options.cropRatio;
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = s * s * (lo + (hi - lo) * rand());
      const logRatio = Math.log(rlo) + (Math.log(rhi) - Math.log(rlo)) * rand();
      const ratio = Math.exp(logRatio);
      const cw = Math.sqrt(area * ratio);
      const ch = Math.sqrt(area / ratio);
      if (cw <= s && ch <= s) {
        w = cw;
        h = ch;
        x0 = (s - cw) * rand();
        y0 = (s - ch) * rand();
        break;
      }
    }
  }
  const flip = options.flip && rand() < 0.5;
  const j = options.jitter;
  const brightness = j > 0 ? 1 + j * (2 * rand() - 1) : 1;
  const contrast = j > 0 ? 1 + j * (2 * rand() - 1) : 1;
  const saturation = j > 0 ? 1 + j * (2 * rand() - 1) : 1;

  const data = src.data;
  const base = src.offset;
  const sx = w / outSize;
  const sy = h / outSize;
  const n = outSize * outSize;
  let graySum = 0;
  for (let v = 0; v < outSize; v++) {
    const fy = Math.min(Math.max(y0 + (v + 0.5) * sy - 0.5, 0), s - 1);
    const iy = Math.min(Math.floor(fy), s - 2 < 0 ? 0 : s - 2);
    const ty = s > 1 ? fy - iy : 0;
    const iy1 = Math.min(iy + 1, s - 1);
    for (let u = 0; u < outSize; u++) {
      const uu = flip ? outSize - 1 - u : u;
      const fx = Math.min(Math.max(x0 + (uu + 0.5) * sx - 0.5, 0), s - 1);
      const ix = Math.min(Math.floor(fx), s - 2 < 0 ? 0 : s - 2);
      const tx = s > 1 ? fx - ix : 0;
      const ix1 = Math.min(ix + 1, s - 1);
      const p00 = base + (iy * s + ix) * 3;
      const p01 = base + (iy * s + ix1) * 3;
      const p10 = base + (iy1 * s + ix) * 3;
      const p11 = base + (iy1 * s + ix1) * 3;
      const o = outOffset + (v * outSize + u) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c] + (data[p01 + c] - data[p00 + c]) * tx;
        const bottom = data[p10 + c] + (data[p11 + c] - data[p10 + c]) * tx;
        out[o + c] = ((top + (bottom - top) * ty) / 255) * brightness;
      }
      graySum += 0.299 * out[o] + 0.587 * out[o + 1] + 0.114 * out[o + 2];
    }
  }
  const grayMean = graySum / n;
  for (let i = 0; i < n; i++) {
    const o = outOffset + i * 3;
    let r = out[o];
    let g = out[o + 1];
    let b = out[o + 2];
    if (j > 0) {
      r = (r - grayMean) * contrast + grayMean;
      g = (g - grayMean) * contrast + grayMean;
      b = (b - grayMean) * contrast + grayMean;
      const gray = 0.299 * r + 0.587 * g + 0.114 * b;
      r = gray + (r - gray) * saturation;
      g = gray + (g - gray) * saturation;
      b = gray + (b - gray) * saturation;
    }
    out[o] = (Math.min(Math.max(r, 0), 1) - MEAN) / STD;
    out[o + 1] = (Math.min(Math.max(g, 0), 1) - MEAN) / STD;
    out[o + 2] = (Math.min(Math.max(b, 0), 1) - MEAN) / STD;
  }
}
