import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * A backbone's input from an image: s × s RGB bytes, the image resized to cover the square and centre-cropped
 * (the crop ImageNet models are evaluated with), EXIF orientation applied, alpha flattened on white like the
 * lab's stored pixels. From the original file when it is there with the content that was imported, else from the
 * stored model-input pixels (96 × 96) upscaled.
 */

const WHITE = { r: 255, g: 255, b: 255 };

/** Where an image's original file is: its import root and its path under it (raw bytes when not UTF-8). */
export interface ImageFile {
  root: string;
  path: string;
  pathRaw: Buffer | null;
  /** sha256 (hex) of the bytes as imported. */
  hash: string;
}

export type InputSource = 'file' | 'pixels';

export interface BackboneInput {
  rgb: Buffer;
  /** What it was made from: the original file, or the stored pixels (file gone, changed or unreadable). */
  from: InputSource;
}

/** Neither the file nor the stored pixels give an input; the message says why. */
export class InputUnavailableError extends Error {
  override readonly name = 'InputUnavailableError';
}

/** The file's full path: a string, or bytes when its name is not valid UTF-8. */
export function filePath(file: ImageFile): string | Buffer {
  if (file.pathRaw === null) return join(file.root, file.path);
  return Buffer.concat([Buffer.from(file.root.endsWith('/') ? file.root : `${file.root}/`), file.pathRaw]);
}

/** Encoded image bytes → s × s RGB. Throws sharp's error for bytes it cannot decode. */
export async function rgbFromEncoded(bytes: Buffer, size: number): Promise<Buffer> {
  const out = await sharp(bytes, { failOn: 'error', animated: false })
    .rotate()
    .flatten({ background: WHITE })
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (out.info.channels !== 3 || out.data.length !== size * size * 3) throw new Error('unexpected channel layout');
  return out.data;
}

/** Stored square RGB pixels (side `from`) → s × s RGB. */
export async function rgbFromPixels(pixels: Buffer, from: number, size: number): Promise<Buffer> {
  if (pixels.length !== from * from * 3)
    throw new Error(`stored pixels of ${pixels.length} bytes, not ${from}×${from}×3`);
  if (from === size) return pixels;
  return sharp(pixels, { raw: { width: from, height: from, channels: 3 } })
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .raw()
    .toBuffer();
}

/**
 * The backbone input of one image: from its original file when it reads, decodes and still has the imported
 * content; else from `pixels` (its stored pixels and their side, or null when it has none).
 */
export async function backboneInput(
  file: ImageFile,
  size: number,
  pixels: () => { data: Buffer; size: number } | null,
): Promise<BackboneInput> {
  let why: string;
  try {
    const bytes = await readFile(filePath(file));
    if (createHash('sha256').update(bytes).digest('hex') !== file.hash) why = 'the file changed since it was imported';
    else return { rgb: await rgbFromEncoded(bytes, size), from: 'file' };
  } catch (e) {
    why = firstLine((e as Error).message ?? String(e));
  }
  const stored = pixels();
  if (stored === null) throw new InputUnavailableError(`${why}, and the lab has no stored pixels of it`);
  try {
    return { rgb: await rgbFromPixels(stored.data, stored.size, size), from: 'pixels' };
  } catch (e) {
    throw new InputUnavailableError(`${why}, and its stored pixels are damaged (${firstLine((e as Error).message)})`);
  }
}

/** The horizontal mirror image of n square RGB images of side s (view 1 of the features). */
export function flipHorizontal(rgb: Uint8Array, n: number, size: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  const row = size * 3;
  for (let r = 0; r < n * size; r++) {
    const base = r * row;
    for (let x = 0; x < size; x++) {
      const from = base + x * 3;
      const to = base + (size - 1 - x) * 3;
      out[to] = rgb[from];
      out[to + 1] = rgb[from + 1];
      out[to + 2] = rgb[from + 2];
    }
  }
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
