import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, chmodSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

export const SAMPLE_DIR = new URL('../../resources/sample/', import.meta.url).pathname;

export function tempDir(prefix = 'nearlab-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function write(root: string, rel: string | Buffer, data: string | Buffer): void {
  const path = typeof rel === 'string' ? join(root, rel) : Buffer.concat([Buffer.from(root + '/'), rel]);
  mkdirSync(dirname(path.toString()), { recursive: true });
  writeFileSync(path, data);
}

/** A small solid-colour image with a pattern, so different seeds give different bytes. */
export async function makeImage(
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif',
  seed: number,
  size = 48,
): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * (seed + 7) + seed * 31) & 0xff;
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid-looking PNG header claiming width×height pixels, with one tiny data chunk: decoding it whole would need gigabytes. */
export function hugePngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface BadCorpus {
  root: string;
  /** Relative path → the reason pattern the import must report for it. */
  expectedErrors: Record<string, RegExp>;
  goodImages: string[];
}

/** A folder with every kind of bad input the importer must survive, beside good images. */
export async function makeBadCorpus(): Promise<BadCorpus> {
  const root = tempDir('nearlab-bad-');
  const good = await makeImage('png', 1);
  const jpeg = await makeImage('jpeg', 2);
  write(root, 'good/one.png', good);
  write(root, 'good/two.jpg', jpeg);
  write(root, 'good/odd name — “quotes” & spaces #1.png', await makeImage('png', 3));
  write(
    root,
    Buffer.from([0x6e, 0x6f, 0x6e, 0x75, 0x74, 0x66, 0xff, 0x38, 0x2e, 0x70, 0x6e, 0x67]),
    await makeImage('png', 4),
  ); // "nonutf\xff8.png"
  write(root, 'bad/empty.png', Buffer.alloc(0));
  write(root, 'bad/truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  write(root, 'bad/truncated.png', good.subarray(0, Math.floor(good.length * 0.6)));
  write(root, 'bad/random.png', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)));
  write(root, 'bad/text.jpg', 'this is a text file, not a picture\n');
  write(root, 'bad/huge.png', hugePngHeader(20000, 15000));
  write(root, 'bad/locked.png', await makeImage('png', 5));
  chmodSync(join(root, 'bad/locked.png'), 0o000);
  symlinkSync('..', join(root, 'bad/loop'));
  symlinkSync('does-not-exist.png', join(root, 'bad/dangling.png'));
  execFileSync('mkfifo', [join(root, 'bad/pipe.png')]);
  write(
    root,
    'captions.csv',
    [
      'file,caption',
      'good/one.png,the first picture',
      'good/two.jpg,"a ""quoted"" second, with comma"',
      'good/two.jpg,"a ""quoted"" second, with comma"',
      '',
      'good/one.png,"bad "quote" here',
      'good/one.png',
      'missing/none.png,names an image that is not there',
      `good/two.jpg,${'y'.repeat(1 << 20)}`,
      'good/one.png,second caption of the first',
    ].join('\n') + '\n',
  );
  return {
    root,
    goodImages: ['good/one.png', 'good/two.jpg', 'good/odd name — “quotes” & spaces #1.png', 'nonutf\ufffd8.png'],
    expectedErrors: {
      'bad/empty.png': /empty file/,
      'bad/truncated.jpg': /truncated|damaged|decode/,
      'bad/truncated.png': /truncated|damaged|decode/,
      'bad/random.png': /not an image/,
      'bad/text.jpg': /not an image/,
      'bad/huge.png': /megapixels; the limit is|pixel limit/,
      'bad/locked.png': /permission denied/,
      'bad/loop': /symbolic link loop/,
      'bad/dangling.png': /broken symbolic link/,
      'bad/pipe.png': /not a regular file/,
    },
  };
}

export function copySample(): string {
  const dir = tempDir('nearlab-sample-');
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  return dir;
}

/** `depth` nested folders of 30-character names under `root` (paths far beyond PATH_MAX), with `file` at the bottom. */
export function makeDeepFolder(root: string, depth: number, file: Buffer): void {
  const name = 'd'.repeat(30);
  // One relative step at a time: no single path given to the system is longer than a name.
  execFileSync(
    'bash',
    [
      '-c',
      'cd "$1" && for i in $(seq "$2"); do mkdir "$3" && cd "$3" || exit 1; done; cat > deep.png',
      '_',
      root,
      String(depth),
      name,
    ],
    { input: file },
  );
}

/** A tiny uncompressed 24-bit BMP (BITMAPINFOHEADER), a format this sharp build cannot decode. */
export function makeBmp(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + row * height, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(row * height, 34);
  return Buffer.concat([header, Buffer.alloc(row * height, 0x80)]);
}

/** The start of an HEIC file (an ISO BMFF `ftyp` box with the heic brand), as a phone writes it. */
export function heicBytes(): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(4)]);
  return Buffer.concat([ftyp, Buffer.from('mif1heic', 'latin1'), Buffer.alloc(2048)]);
}

/** A small SVG drawing. */
export function svgImage(width = 32, height = 24): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="${width}" height="${height}" fill="#c33"/></svg>\n`,
  );
}
