import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { backboneInput, flipHorizontal, InputUnavailableError, rgbFromEncoded } from './preprocess.ts';

/** A 50×10 PNG: red, green, blue bands 10, 30 and 10 wide (a centre crop of a cover resize is all green). */
async function stripes(): Promise<Buffer> {
  const raw = Buffer.alloc(50 * 10 * 3);
  for (let y = 0; y < 10; y++)
    for (let x = 0; x < 50; x++) raw.set(x < 10 ? [255, 0, 0] : x < 40 ? [0, 255, 0] : [0, 0, 255], (y * 50 + x) * 3);
  return sharp(raw, { raw: { width: 50, height: 10, channels: 3 } })
    .png()
    .toBuffer();
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const isGreen = (rgb: Buffer, i: number) => rgb[i * 3] < 30 && rgb[i * 3 + 1] > 220 && rgb[i * 3 + 2] < 30;

describe('backbone preprocessing', () => {
  it('resizes a file to cover the square and keeps its centre; alpha goes on white', async () => {
    const rgb = await rgbFromEncoded(await stripes(), 12);
    expect(rgb.length).toBe(12 * 12 * 3);
    for (let i = 0; i < 144; i++) expect(isGreen(rgb, i), `pixel ${i}`).toBe(true);
    const clear = await sharp({
      create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    expect([...(await rgbFromEncoded(clear, 4))].every((v) => v === 255)).toBe(true);
  });

  it('reads the original file when it still has the imported content, else upscales the stored pixels', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nearlab-pre-'));
    const png = await stripes();
    writeFileSync(join(root, 'a.png'), png);
    const stored = { data: Buffer.alloc(4 * 4 * 3, 7), size: 4 };
    const file = { root, path: 'a.png', pathRaw: null, hash: sha(png) };

    const fromFile = await backboneInput(file, 12, () => stored);
    expect(fromFile.from).toBe('file');
    expect(isGreen(fromFile.rgb, 0)).toBe(true);

    // Changed on disk since the import: the lab's own pixels stand for the content it knows.
    writeFileSync(join(root, 'a.png'), Buffer.from('not a png any more'));
    const changed = await backboneInput(file, 12, () => stored);
    expect(changed.from).toBe('pixels');
    expect(changed.rgb.length).toBe(12 * 12 * 3);
    expect([...changed.rgb].every((v) => v === 7)).toBe(true);

    // Gone, and no stored pixels either: an error that says both.
    const gone = { ...file, path: 'gone.png' };
    await expect(backboneInput(gone, 12, () => null)).rejects.toThrow(InputUnavailableError);
    await expect(backboneInput(gone, 12, () => null)).rejects.toThrow(/ENOENT.*and the lab has no stored pixels/);
    await expect(backboneInput(gone, 12, () => ({ data: Buffer.alloc(5), size: 4 }))).rejects.toThrow(
      /its stored pixels are damaged/,
    );
  });

  it('mirrors each image left to right, and twice gives the images back', () => {
    const s = 3;
    const rgb = Uint8Array.from({ length: 2 * s * s * 3 }, (_, i) => i);
    const f = flipHorizontal(rgb, 2, s);
    // Row 0 of image 0: pixels 0,1,2 become 2,1,0.
    expect(Array.from(f.subarray(0, 9))).toEqual([6, 7, 8, 3, 4, 5, 0, 1, 2]);
    expect(Array.from(flipHorizontal(f, 2, s))).toEqual(Array.from(rgb));
  });
});
