import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pixelValues } from './image-input.ts';
import { parsePreprocessor } from './preprocessor.ts';
import { TINY_CLIP, tinyClipExpected } from './testing/tiny-clip.ts';

const CLIP = {
  do_resize: true,
  size: { shortest_edge: 32 },
  do_center_crop: true,
  crop_size: { height: 32, width: 32 },
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.25, 0.25, 0.25],
  resample: 3,
};
const NO_PIXELS = { data: new Uint8Array(3), size: 1 };

async function rgbOf(bytes: Buffer): Promise<Buffer> {
  return (await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })).data;
}

/** Largest difference, in 0–255 steps, between pixel_values and the RGB bytes they should come from. */
function worstStep(values: Float32Array, rgb: Buffer): number {
  let worst = 0;
  const plane = 32 * 32;
  for (let c = 0; c < 3; c++)
    for (let k = 0; k < plane; k++) {
      const byte = (values[c * plane + k] * 0.25 + 0.5) * 255;
      worst = Math.max(worst, Math.abs(byte - rgb[k * 3 + c]));
    }
  return worst;
}

describe('pixelValues', () => {
  const file = join(TINY_CLIP, tinyClipExpected().images[1].file);

  it('normalises channels first: (x/255 − mean)/std, an image of the input size untouched', async () => {
    const bytes = await sharp(file).png().toBuffer();
    const values = await pixelValues([{ bytes, pixels: NO_PIXELS }], parsePreprocessor(CLIP));
    expect(values).toHaveLength(3 * 32 * 32);
    expect(worstStep(values, await rgbOf(bytes))).toBeLessThan(1e-3);
  });

  it('resizes the shortest edge and crops the centre, as CLIPImageProcessor does', async () => {
    // The image at twice the size with 24 white columns each side: 112×64 → 56×32 → its centre 32×32 is the image.
    const wide = await sharp(file)
      .resize(64, 64, { kernel: 'nearest' })
      .extend({ left: 24, right: 24, background: '#ffffff' })
      .png()
      .toBuffer();
    const values = await pixelValues([{ bytes: wide, pixels: NO_PIXELS }], parsePreprocessor(CLIP));
    expect(worstStep(values, await rgbOf(await sharp(file).png().toBuffer()))).toBeLessThan(24);
  });

  it('flattens transparency on white', async () => {
    const clear = { r: 0, g: 0, b: 0, alpha: 0 };
    const rgba = await sharp({ create: { width: 40, height: 32, channels: 4, background: clear } })
      .png()
      .toBuffer();
    const values = await pixelValues([{ bytes: rgba, pixels: NO_PIXELS }], parsePreprocessor(CLIP));
    expect(Math.min(...values)).toBeCloseTo((1 - 0.5) / 0.25, 5);
  });

  it('applies the EXIF orientation first', async () => {
    // 40×32, left half black, right half white, stored turned: orientation 6 shows it rotated 90° clockwise, so
    // the black half is on top.
    const raw = Buffer.alloc(40 * 32 * 3, 255);
    for (let y = 0; y < 32; y++) raw.fill(0, y * 120, y * 120 + 60);
    const turned = await sharp(raw, { raw: { width: 40, height: 32, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100 })
      .toBuffer();
    const values = await pixelValues([{ bytes: turned, pixels: NO_PIXELS }], parsePreprocessor(CLIP));
    const at = (row: number, col: number) => values[row * 32 + col] * 0.25 + 0.5;
    expect(at(2, 30)).toBeLessThan(0.1);
    expect(at(29, 2)).toBeGreaterThan(0.9);
  });

  it('falls back to the stored pixels when the bytes do not decode', async () => {
    const data = new Uint8Array(16 * 16 * 3).fill(0);
    const values = await pixelValues(
      [{ bytes: Buffer.from('not an image'), pixels: { data, size: 16 } }],
      parsePreprocessor(CLIP),
    );
    expect(Math.max(...values)).toBeCloseTo(-0.5 / 0.25, 5);
  });
});
