import type { ImageFormat } from './formats.ts';

/** How far into a file an SVG's `<svg` element is looked for (after an XML declaration, comments, a doctype). */
const SVG_SNIFF_BYTES = 4096;

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

const startsWith = (bytes: Buffer, magic: readonly number[], at = 0) =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Buffer, from: number, to: number) => bytes.toString('latin1', from, Math.min(to, bytes.length));

/**
 * The image format of a file's content from its magic numbers, whatever its name says; null when
 * the bytes are no image format Nearlab knows.
 */
export function sniffFormat(bytes: Buffer): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  const head = ascii(bytes, 0, 12);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
  if (/^(II\*\0|MM\0\*|II\+\0|MM\0\+)/.test(head)) return 'tiff';
  if (head.slice(4, 8) === 'ftyp') return isoMediaFormat(bytes);
  if (startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a])) return 'jxl';
  if (startsWith(bytes, [0xff, 0x0a])) return 'jxl';
  if (startsWith(bytes, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a])) return 'jp2';
  if (startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return 'jp2';
  if (head.startsWith('8BPS')) return 'psd';
  if (head.startsWith('BM') && bytes.length >= 18 && [12, 40, 52, 56, 64, 108, 124].includes(bytes.readUInt32LE(14)))
    return 'bmp';
  if (startsWith(bytes, [0, 0, 1, 0]) && bytes.length >= 22 && bytes.readUInt16LE(4) > 0) return 'ico';
  if (isSvg(bytes)) return 'svg';
  return null;
}

/** HEIF family (ISO BMFF): the `ftyp` box's major and compatible brands say AVIF or HEIC. */
function isoMediaFormat(bytes: Buffer): ImageFormat | null {
  const size = bytes.readUInt32BE(0);
  const end = Math.min(bytes.length, size >= 16 ? size : 16, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (brands.some((b) => HEIC_BRANDS.has(b))) return 'heic';
  return null;
}

/** Text (optionally after a byte-order mark and white space) that opens with markup and has an `<svg` element early on. */
function isSvg(bytes: Buffer): boolean {
  let text = ascii(bytes, 0, SVG_SNIFF_BYTES);
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  text = text.trimStart();
  return text.startsWith('<') && /<svg[\s>/]/.test(text);
}
