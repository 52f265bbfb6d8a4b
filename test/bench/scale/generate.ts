/**
 * A realistic lab folder at any size for the scale bench, made from a small source set of images with captions and
 * labels (the Noto emoji of ../shared when present, else resources/sample): each item is a random crop of a source
 * image, resized to 64 px, with a colour shift and pixel noise, saved as a small JPEG, in folders of 1,000 (like
 * photo folders), with its source's caption (and a word for the variant) and label in captions.tsv and labels.tsv at
 * the root. Seeded: the same count and seed give the same bytes. Cached in a folder named by source, count and seed.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng } from '../../../core/util/random.ts';

export const SAMPLE_SOURCE = new URL('../../../resources/sample/', import.meta.url).pathname;
export const EMOJI_SOURCE = new URL('../../../../shared/datasets/emoji-noto/', import.meta.url).pathname;
const SIDE = 64;
const PER_FOLDER = 1000;

export interface SourceImage {
  rgb: Buffer;
  caption: string;
  label: string;
}

export interface GeneratedLab {
  dir: string;
  items: number;
  sources: number;
  /** Which source set: 'emoji-noto' (../shared) or 'sample' (resources/sample). */
  source: string;
  /** Seconds spent generating (0 when the folder was cached). */
  seconds: number;
  /** Paths of the items relative to their root, in order (folder/NNNNNN.jpg): the first `subset` under a/. */
  paths: string[];
}

/** `file<TAB>value` rows of a table with or without a `file` header. */
function readTable(path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [file, value] = line.split('\t');
    if (!file || value === undefined || file === 'file') continue;
    out.set(file.replace(/^images\//, ''), value.trim());
  }
  return out;
}

/** The source images decoded once to 64×64 RGB (alpha on white), with their captions and labels. */
export async function loadSources(dir: string): Promise<SourceImage[]> {
  const captions = readTable(join(dir, 'captions.tsv'));
  const labels = readTable(join(dir, 'labels.tsv'));
  const imageDir = existsSync(join(dir, 'images')) ? join(dir, 'images') : dir;
  const files = readdirSync(imageDir)
    .filter((f) => f.endsWith('.png') && captions.has(f))
    .sort();
  return Promise.all(
    files.map(async (f) => ({
      rgb: await sharp(join(imageDir, f))
        .flatten({ background: '#ffffff' })
        .resize(SIDE, SIDE, { fit: 'fill' })
        .removeAlpha()
        .raw()
        .toBuffer(),
      caption: captions.get(f)!,
      label: labels.get(f) ?? 'unlabeled',
    })),
  );
}

const VARIANT_WORDS = ['', 'bright', 'dark', 'faded', 'vivid', 'close-up of', 'small', 'photo of'];

/** One variant of a source: a crop (60–100 % of the side) resized back to 64 px, a colour shift and noise. */
export function variant(src: Buffer, rng: () => number): { rgb: Buffer; word: string } {
  const scale = 0.6 + 0.4 * rng();
  const w = SIDE * scale;
  const x0 = rng() * (SIDE - w);
  const y0 = rng() * (SIDE - w);
  const gain = [0, 1, 2].map(() => 0.75 + 0.5 * rng());
  const shift = [0, 1, 2].map(() => (rng() - 0.5) * 60);
  const noise = 4 + 12 * rng();
  const out = Buffer.alloc(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    const sy = Math.min(SIDE - 1, Math.floor(y0 + (y * w) / SIDE));
    for (let x = 0; x < SIDE; x++) {
      const sx = Math.min(SIDE - 1, Math.floor(x0 + (x * w) / SIDE));
      for (let c = 0; c < 3; c++) {
        const v = src[(sy * SIDE + sx) * 3 + c] * gain[c] + shift[c] + (rng() - 0.5) * 2 * noise;
        out[(y * SIDE + x) * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  const brightness = gain.reduce((a, b) => a + b) / 3 + shift.reduce((a, b) => a + b) / 300;
  const word =
    scale < 0.7
      ? 'close-up of'
      : brightness > 1.12
        ? 'bright'
        : brightness < 0.88
          ? 'dark'
          : VARIANT_WORDS[Math.floor(rng() * VARIANT_WORDS.length)];
  return { rgb: out, word };
}

/** The source folder to use: `--source` when given, else the emoji of ../shared when present, else the sample. */
export function pickSource(given?: string): { dir: string; name: string } {
  if (given) return { dir: given, name: given.replace(/\/+$/, '').split('/').pop()! };
  if (existsSync(join(EMOJI_SOURCE, 'captions.tsv'))) return { dir: EMOJI_SOURCE, name: 'emoji-noto' };
  return { dir: SAMPLE_SOURCE, name: 'sample' };
}

/** Makes (or finds cached) a folder of `count` items with captions.tsv and labels.tsv. */
export async function generateLab(options: {
  count: number;
  seed?: number;
  source?: string;
  /** The first `subset` items go to a/, the rest to b/ (two import folders, each with its tables). */
  subset?: number;
  outDir?: string;
}): Promise<GeneratedLab> {
  const seed = options.seed ?? 1;
  const src = pickSource(options.source);
  const subset = Math.min(options.subset ?? 0, options.count);
  const dir = options.outDir ?? join(tmpdir(), `nearlab-scale-${src.name}-${options.count}-a${subset}-s${seed}`);
  const rootOf = (i: number) => (i < subset ? 'a' : 'b');
  // Paths relative to the item's root (a/ or b/).
  const paths = Array.from({ length: options.count }, (_, i) => {
    const k = i < subset ? i : i - subset;
    return `f${String(Math.floor(k / PER_FOLDER)).padStart(3, '0')}/${String(i).padStart(6, '0')}.jpg`;
  });
  const sources = await loadSources(src.dir);
  if (sources.length === 0) throw new Error(`no source images with captions in ${src.dir}`);
  const marker = join(dir, '.complete');
  if (existsSync(marker))
    return { dir, items: options.count, sources: sources.length, source: src.name, seconds: 0, paths };
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < options.count; i++) {
    if (i === 0 || i === subset || paths[i].slice(0, 4) !== paths[i - 1].slice(0, 4))
      mkdirSync(join(dir, rootOf(i), paths[i].split('/')[0]), { recursive: true });
  }
  const rng = createRng(seed).next;
  const tables = {
    a: { captions: ['file\tcaption'], labels: ['file\tlabel'] },
    b: { captions: ['file\tcaption'], labels: ['file\tlabel'] },
  };
  // The variants are drawn in order (seeded), encoded in parallel.
  const inFlight = new Set<Promise<unknown>>();
  const limit = availableParallelism() * 4;
  for (let i = 0; i < options.count; i++) {
    const s = sources[Math.floor(rng() * sources.length)];
    const v = variant(s.rgb, rng);
    const t = tables[rootOf(i)];
    t.captions.push(`${paths[i]}\t${v.word ? `${v.word} ${s.caption}` : s.caption}`);
    t.labels.push(`${paths[i]}\t${s.label}`);
    const p = sharp(v.rgb, { raw: { width: SIDE, height: SIDE, channels: 3 } })
      .jpeg({ quality: 85 })
      .toFile(join(dir, rootOf(i), paths[i]))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  for (const root of ['a', 'b'] as const) {
    mkdirSync(join(dir, root), { recursive: true });
    writeFileSync(join(dir, root, 'captions.tsv'), tables[root].captions.join('\n') + '\n');
    writeFileSync(join(dir, root, 'labels.tsv'), tables[root].labels.join('\n') + '\n');
  }
  writeFileSync(marker, '');
  return {
    dir,
    items: options.count,
    sources: sources.length,
    source: src.name,
    seconds: (performance.now() - started) / 1000,
    paths,
  };
}
