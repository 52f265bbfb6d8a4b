import sharp, { type Metadata } from 'sharp';

/** Side of the square model-input image stored once per item (RGB, alpha flattened on white). */
export const PIXEL_SIZE = 96;
/** Longest side of stored thumbnails. */
export const THUMB_SIZE = 160;
/** Largest image accepted, in pixels; checked from the header before any pixel is decoded. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface DecodedImage {
  /** Width and height after EXIF orientation. */
  width: number;
  height: number;
  format: string;
  /** PIXEL_SIZE × PIXEL_SIZE × 3 RGB bytes, centre-cropped to a square. */
  pixels: Buffer;
  thumb: { data: Buffer; width: number; height: number; mime: 'image/webp' };
}

/** A file that is not a decodable image; `reason` is meant for the user. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

const WHITE = { r: 255, g: 255, b: 255 };
/** Intermediate size both outputs are made from, so each file is decoded once (JPEG shrink-on-load keeps it fast). */
const WORK_SIZE = 320;

export async function decodeImage(bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageDecodeError('empty file (0 bytes)');
  const options = { limitInputPixels: maxPixels, failOn: 'error' as const, animated: false };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (e) {
    throw new ImageDecodeError(describeSharpError(e));
  }
  if (!meta.width || !meta.height || !meta.format) throw new ImageDecodeError('not an image (no size or format found)');
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
      .resize(WORK_SIZE, WORK_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: WHITE })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: work.info.width, height: work.info.height, channels: work.info.channels } };
    const [pixels, thumb] = await Promise.all([
      sharp(work.data, raw).resize(PIXEL_SIZE, PIXEL_SIZE, { fit: 'cover', position: 'centre' }).raw().toBuffer(),
      sharp(work.data, raw)
        .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 82 })
        .toBuffer({ resolveWithObject: true }),
    ]);
    if (pixels.length !== PIXEL_SIZE * PIXEL_SIZE * 3) throw new ImageDecodeError('unexpected channel layout');
    return {
      width,
      height,
      format: meta.format,
      pixels,
      thumb: { data: thumb.data, width: thumb.info.width, height: thumb.info.height, mime: 'image/webp' },
    };
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw new ImageDecodeError(describeSharpError(e));
  }
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
