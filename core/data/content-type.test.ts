import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffFormat } from './content-type.ts';

const solid = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#36c' } });

describe('sniffFormat', () => {
  it('knows the formats sharp writes here by their bytes', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const)
      expect(sniffFormat(await solid().toFormat(format).toBuffer()), format).toBe(format);
  });

  it('knows formats by their magic numbers, whatever the name', () => {
    const box = (brands: string) =>
      Buffer.concat([Buffer.from([0, 0, 0, 8 + brands.length]), Buffer.from(`ftyp${brands}`, 'latin1')]);
    expect(sniffFormat(box('heic\0\0\0\0mif1heic'))).toBe('heic');
    expect(sniffFormat(box('mif1\0\0\0\0mif1avif'))).toBe('avif');
    expect(sniffFormat(box('isom\0\0\0\0isomavc1'))).toBeNull(); // an MP4 video
    const bmp = Buffer.alloc(64);
    bmp.write('BM');
    bmp.writeUInt32LE(40, 14);
    expect(sniffFormat(bmp)).toBe('bmp');
    expect(sniffFormat(Buffer.from('BM is a text that starts like a bitmap'))).toBeNull();
    expect(sniffFormat(Buffer.from('8BPS\0\x01'))).toBe('psd');
    expect(sniffFormat(Buffer.from([0xff, 0x0a, 0, 0]))).toBe('jxl');
    expect(sniffFormat(Buffer.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]))).toBe('jp2');
    expect(sniffFormat(Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0]), Buffer.alloc(16)]))).toBe('ico');
  });

  it('knows SVG after a byte-order mark, an XML declaration, comments and a doctype, and nothing else as SVG', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>';
    expect(sniffFormat(Buffer.from(svg))).toBe('svg');
    expect(
      sniffFormat(Buffer.from(`\ufeff  <?xml version="1.0"?>\n<!-- drawn by hand -->\n<!DOCTYPE svg>\n${svg}`)),
    ).toBe('svg');
    expect(sniffFormat(Buffer.from('a note about <svg> files\n'))).toBeNull();
    expect(sniffFormat(Buffer.from('<svgfoo/>'))).toBeNull();
    expect(sniffFormat(Buffer.from(`<root>${' '.repeat(5000)}<svg/></root>`))).toBeNull();
  });

  it('says nothing for bytes that are no image format', () => {
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
    expect(sniffFormat(Buffer.from('this is a text file, not a picture\n'))).toBeNull();
    expect(sniffFormat(Buffer.from('%PDF-1.7\n'))).toBeNull();
    expect(sniffFormat(Buffer.from([0x1f, 0x8b, 8, 0]))).toBeNull();
  });
});
