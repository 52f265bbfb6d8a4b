import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.ts';
import type { ImageFormat } from './formats.ts';
import { contentRefusal, decodableFormats, isDecodable } from './image-support.ts';

const solid = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#36c' } });
const svg = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="6"><rect width="10" height="6"/></svg>',
);

describe('what this build decodes', () => {
  it('decodes every format it calls decodable, from content sharp writes or a drawing', async () => {
    const samples: Partial<Record<ImageFormat, Buffer>> = { svg };
    for (const f of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const)
      samples[f] = await solid().toFormat(f).toBuffer();
    for (const [format, bytes] of Object.entries(samples) as [ImageFormat, Buffer][]) {
      expect(isDecodable(format), format).toBe(true);
      expect((await decodeImage(bytes)).pixels.length, format).toBe(96 * 96 * 3);
    }
    expect(decodableFormats()).toEqual(['JPEG', 'PNG', 'GIF', 'WebP', 'TIFF', 'AVIF', 'SVG']);
  });

  it('follows sharp.format: HEIC needs a libheif with HEVC, BMP needs ImageMagick', () => {
    const heif = sharp.format.heif.input;
    expect(isDecodable('heic')).toBe(heif.buffer && (heif.fileSuffix ?? []).includes('.heic'));
    expect(isDecodable('bmp')).toBe(sharp.format.magick.input.buffer);
  });
});

describe('contentRefusal', () => {
  it('refuses by name what this build cannot decode, and says when the content is not what the name says', () => {
    const bmp = Buffer.alloc(64);
    bmp.write('BM');
    bmp.writeUInt32LE(40, 14);
    expect(contentRefusal(bmp, 'a.bmp')).toBe('BMP is not supported by this build; convert to PNG');
    expect(contentRefusal(bmp)).toBe('BMP is not supported by this build; convert to PNG');
    expect(contentRefusal(bmp, 'a.gif')).toBe(
      'the content is BMP, not GIF as the name says: BMP is not supported by this build; convert to PNG',
    );
    expect(contentRefusal(Buffer.from('plain text'), 'a.png')).toBe('not an image (unknown or unsupported format)');
  });

  it('takes SVG only under an .svg name, and raster content under any image name', async () => {
    expect(contentRefusal(svg, 'drawing.svg')).toBeNull();
    expect(contentRefusal(svg)).toBeNull();
    expect(contentRefusal(svg, 'photo.jpg')).toBe(
      'the content is SVG (a vector drawing), not JPEG as the name says; rename it to .svg to import it',
    );
    const jpeg = await solid().jpeg().toBuffer();
    expect(contentRefusal(jpeg, 'photo.png')).toBeNull();
    expect(contentRefusal(jpeg, 'photo.svg')).toBeNull();
  });
});
