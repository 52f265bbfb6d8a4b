import sharp, { type Metadata } from 'sharp';
import { sniffFormat } from './content-type.ts';
import { FORMATS } from './formats.ts';
import { contentRefusal, metadataFormatOf } from './image-support.ts';

/** Side of the square model-input image stored once per item (RGB, alpha flattened on white). */
export const PIXEL_SIZE = 96;
/** Longest side of stored thumbnails. */
export const THUMB_SIZE = 128;
/** Largest image accepted, in pixels; checked from the header before any pixel is decoded. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface DecodedImage {
  /** Width and height after EXIF orientation. */
  width: number;
  height: number;
  format: string;
  /** PIXEL_SIZE × PIXEL_SIZE × 3 RGB bytes, centre-cropped to a square. */
  pixels: Buffer;
  /** JPEG: alpha is already flattened, and it encodes several times faster than WebP at this size. */
  thumb: { data: Buffer; width: number; height: number; mime: 'image/jpeg' };
}

/** A file that is not a decodable image; `reason` is meant for the user. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

const WHITE = { r: 255, g: 255, b: 255 };
/**
 * Both outputs come from one decode, shrunk so that its short side is PIXEL_SIZE: no larger than a
 * plain resize to the model input needs, so JPEG shrink-on-load can skip as much as it would there
 * (a larger intermediate cost 2× the decode time in bench:import). A 4:3 image gives 128×96, which
 * is also the THUMB_SIZE box.
 */
const WORK_SIZE = PIXEL_SIZE;

export async function decodeImage(bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageDecodeError('empty file (0 bytes)');
  // The bytes decide the format, not a name: sharp sees only content of a format it decodes here.
  const refused = contentRefusal(bytes);
  if (refused !== null) throw new ImageDecodeError(refused);
  const sniffed = sniffFormat(bytes)!;
  const options = { limitInputPixels: maxPixels, failOn: 'error' as const, animated: false };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (e) {
    throw new ImageDecodeError(describeSharpError(e));
  }
  if (!meta.width || !meta.height || !meta.format) throw new ImageDecodeError('not an image (no size or format found)');
  if (meta.format !== metadataFormatOf(sniffed)) {
    throw new ImageDecodeError(`the content starts as ${FORMATS[sniffed].label} but decodes as ${meta.format}`);
  }
  const pixelsIn = meta.width * meta.height;
  if (pixelsIn > maxPixels) {
    throw new ImageDecodeError(
      `image is ${meta.width}×${meta.height} (${(pixelsIn / 1e6).toFixed(0)} megapixels); the limit is ${(maxPixels / 1e6).toFixed(0)} megapixels`,
    );
  }
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;
  try {
    const work = await sharp(bytes, options)
      .rotate()
      .resize(WORK_SIZE, WORK_SIZE, { fit: 'outside', withoutEnlargement: true })
      .flatten({ background: WHITE })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width: w, height: h, channels } = work.info;
    if (channels !== 3) throw new ImageDecodeError('unexpected channel layout');
    const raw = { raw: { width: w, height: h, channels } };
    const [pixels, thumb] = await Promise.all([
      Math.min(w, h) === PIXEL_SIZE
        ? centreCrop(work.data, w, h)
        : sharp(work.data, raw).resize(PIXEL_SIZE, PIXEL_SIZE, { fit: 'cover', position: 'centre' }).raw().toBuffer(),
      sharp(work.data, raw)
        .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 85 })
        .toBuffer({ resolveWithObject: true }),
    ]);
    if (pixels.length !== PIXEL_SIZE * PIXEL_SIZE * 3) throw new ImageDecodeError('unexpected channel layout');
    return {
      width,
      height,
      format: meta.format,
      pixels,
      thumb: { data: thumb.data, width: thumb.info.width, height: thumb.info.height, mime: 'image/jpeg' },
    };
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw new ImageDecodeError(describeSharpError(e));
  }
}

/** The centred PIXEL_SIZE square of an RGB image whose short side is PIXEL_SIZE: a copy, no resampling. */
function centreCrop(data: Buffer, width: number, height: number): Buffer {
  const x0 = (width - PIXEL_SIZE) >> 1;
  const y0 = (height - PIXEL_SIZE) >> 1;
  const out = Buffer.allocUnsafe(PIXEL_SIZE * PIXEL_SIZE * 3);
  for (let y = 0; y < PIXEL_SIZE; y++) {
    const from = ((y0 + y) * width + x0) * 3;
    data.copy(out, y * PIXEL_SIZE * 3, from, from + PIXEL_SIZE * 3);
  }
  return out;
}

function describeSharpError(e: unknown): string {
  const message = (e as Error).message ?? String(e);
  if (/unsupported image format/i.test(message)) return 'not an image (unknown or unsupported format)';
  if (/exceeds pixel limit/i.test(message)) return 'image exceeds the pixel limit';
  if (/premature end|truncated|unexpected end|Read error|short read|end of file/i.test(message)) {
    return `truncated or damaged image (${firstLine(message)})`;
  }
  return `cannot decode image (${firstLine(message)})`;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}
