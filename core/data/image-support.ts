import sharp, { type AvailableFormatInfo } from 'sharp';
import { sniffFormat } from './content-type.ts';
import { FORMATS, formatOfName, type ImageFormat } from './formats.ts';

/** The sharp loader of each format, and what sharp's metadata calls it. */
const LOADERS: Readonly<Record<ImageFormat, { id: string; suffix?: string; metaFormat: string }>> = {
  jpeg: { id: 'jpeg', metaFormat: 'jpeg' },
  png: { id: 'png', metaFormat: 'png' },
  gif: { id: 'gif', metaFormat: 'gif' },
  webp: { id: 'webp', metaFormat: 'webp' },
  tiff: { id: 'tiff', metaFormat: 'tiff' },
  // One libheif loader for both: which codecs it has shows in the suffixes it offers (.avif for AV1, .heic for HEVC).
  avif: { id: 'heif', suffix: '.avif', metaFormat: 'heif' },
  heic: { id: 'heif', suffix: '.heic', metaFormat: 'heif' },
  svg: { id: 'svg', metaFormat: 'svg' },
  bmp: { id: 'magick', metaFormat: 'magick' },
  ico: { id: 'magick', metaFormat: 'magick' },
  psd: { id: 'magick', metaFormat: 'magick' },
  jxl: { id: 'jxl', metaFormat: 'jxl' },
  jp2: { id: 'jp2', metaFormat: 'jp2k' },
};

const formats = sharp.format as unknown as Record<string, AvailableFormatInfo | undefined>;

/** Whether this build of sharp (libvips) decodes the format from memory. */
export function isDecodable(format: ImageFormat): boolean {
  const loader = LOADERS[format];
  const input = formats[loader.id]?.input;
  if (!input?.buffer) return false;
  return loader.suffix === undefined || (input.fileSuffix ?? []).includes(loader.suffix);
}

/** The formats this build decodes, by their names for the user, in the order of FORMATS. */
export function decodableFormats(): string[] {
  return (Object.keys(FORMATS) as ImageFormat[]).filter(isDecodable).map((f) => FORMATS[f].label);
}

/** What sharp's metadata must say for content of this format. */
export function metadataFormatOf(format: ImageFormat): string {
  return LOADERS[format].metaFormat;
}

/**
 * Why these bytes are not imported, for the user, or null when sharp may decode them. The format
 * is judged from the content: content this build cannot decode is refused by name, and SVG (a
 * drawing, not a photo) only under an `.svg` name. `name`, when given, is the file's.
 */
export function contentRefusal(bytes: Buffer, name?: string): string | null {
  const format = sniffFormat(bytes);
  if (format === null) return 'not an image (unknown or unsupported format)';
  const named = name === undefined ? null : formatOfName(name);
  const mismatch = named !== null && named !== format ? `not ${FORMATS[named].label} as the name says` : null;
  if (!isDecodable(format)) {
    const why = `${FORMATS[format].label} is not supported by this build; convert to ${FORMATS[format].convertTo}`;
    return mismatch ? `the content is ${FORMATS[format].label}, ${mismatch}: ${why}` : why;
  }
  if (format === 'svg' && mismatch) {
    return `the content is SVG (a vector drawing), ${mismatch}; rename it to .svg to import it`;
  }
  return null;
}
