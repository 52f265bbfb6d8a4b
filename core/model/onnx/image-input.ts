import sharp, { type Sharp } from 'sharp';
import type { QueryImage } from '../query-model.ts';
import { resizedSize, type ImagePreprocessing } from './preprocessor.ts';

const WHITE = { r: 255, g: 255, b: 255 };
/** Originals larger than this are not decoded (the import's default limit). */
const MAX_PIXELS = 100_000_000;

/** An image as `width` × `height` RGB bytes, before resizing. */
interface Source {
  image: Sharp;
  width: number;
  height: number;
}

/** The original file when it decodes, else the stored model-input pixels (the lab's 96×96). */
async function sourceOf(img: QueryImage): Promise<Source> {
  if (img.bytes) {
    try {
      const meta = await sharp(img.bytes, { limitInputPixels: MAX_PIXELS }).metadata();
      if (meta.width && meta.height) {
        const swap = (meta.orientation ?? 1) >= 5;
        const image = sharp(img.bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', animated: false })
          .rotate()
          .flatten({ background: WHITE })
          .removeAlpha()
          .toColourspace('srgb');
        return swap
          ? { image, width: meta.height, height: meta.width }
          : { image, width: meta.width, height: meta.height };
      }
    } catch {
      // Not decodable after all (changed, truncated): the stored pixels stand in.
    }
  }
  const { data, size } = img.pixels;
  return { image: sharp(data, { raw: { width: size, height: size, channels: 3 } }), width: size, height: size };
}

/** Resize and centre crop as Hugging Face's CLIPImageProcessor does, to `p.width` × `p.height` RGB bytes. */
async function preparedRgb(img: QueryImage, p: ImagePreprocessing): Promise<Buffer> {
  const src = await sourceOf(img);
  let image = src.image;
  const size = resizedSize(p, src.width, src.height);
  if (size.width !== src.width || size.height !== src.height)
    image = image.resize(size.width, size.height, { fit: 'fill', kernel: p.kernel });
  if (p.crop && (p.crop.width !== size.width || p.crop.height !== size.height)) {
    const left = Math.floor((size.width - p.crop.width) / 2);
    const top = Math.floor((size.height - p.crop.height) / 2);
    image = image.extract({ left, top, width: p.crop.width, height: p.crop.height });
  }
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== p.width || info.height !== p.height || info.channels !== 3)
    throw new Error(`preprocessing gave ${info.width}×${info.height}×${info.channels}, not ${p.width}×${p.height}×3`);
  return data;
}

/**
 * Writes images as the vision model's `pixel_values` (channels first: [n, 3, height, width]), rescaled and
 * normalised per channel, into one array.
 */
export async function pixelValues(images: readonly QueryImage[], p: ImagePreprocessing): Promise<Float32Array> {
  const plane = p.width * p.height;
  const rgbs = await Promise.all(images.map((img) => preparedRgb(img, p)));
  const out = new Float32Array(images.length * 3 * plane);
  rgbs.forEach((rgb, i) => normalisePlanes(rgb, 0, p, out, i * 3 * plane));
  return out;
}

/**
 * `pixel_values` of n images already at the input size (n × height × width × 3 RGB bytes, row-major), as
 * pixelValues makes them after its resize and crop.
 */
export function pixelValuesOfRgb(rgb: Uint8Array, n: number, p: ImagePreprocessing): Float32Array {
  const plane = p.width * p.height;
  if (rgb.length !== n * plane * 3) throw new Error(`${rgb.length} bytes for ${n} images of ${p.width}×${p.height}×3`);
  const out = new Float32Array(n * 3 * plane);
  for (let i = 0; i < n; i++) normalisePlanes(rgb, i * plane * 3, p, out, i * 3 * plane);
  return out;
}

/** One image's interleaved RGB bytes (from `at`) → its three normalised channel planes (from `base` of `out`). */
function normalisePlanes(rgb: Uint8Array, at: number, p: ImagePreprocessing, out: Float32Array, base: number): void {
  const plane = p.width * p.height;
  for (let c = 0; c < 3; c++) {
    const scale = p.rescale / p.std[c];
    const shift = p.mean[c] / p.std[c];
    const o = base + c * plane;
    for (let k = 0; k < plane; k++) out[o + k] = rgb[at + k * 3 + c] * scale - shift;
  }
}
