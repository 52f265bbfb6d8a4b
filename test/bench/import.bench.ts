/**
 * Import throughput beside a plain sharp decode+resize loop over the same files, at the same
 * concurrency, in one run: `npm run bench:import [-- --count 300]`. Prints images/s and the ratio.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { importFolder } from '../../core/data/import/import-folder.ts';
import { Lab } from '../../core/store/lab.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const dir = join(tmpdir(), `nearlab-bench-import-${count}`);

/** Deterministic photo-like JPEGs of 1–4 megapixels (smooth gradients plus noise), generated once and cached. */
async function makeCorpus(): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const have = readdirSync(dir).filter((f) => f.endsWith('.jpg'));
  if (have.length >= count) return have.slice(0, count).map((f) => join(dir, f));
  process.stderr.write(`generating ${count} JPEGs in ${dir}…\n`);
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const mp = 1 + (i % 4);
    const width = Math.round(Math.sqrt(mp * 1e6 * (4 / 3)));
    const height = Math.round(width * 0.75);
    const file = join(dir, `photo-${String(i).padStart(4, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const small = Buffer.alloc(32 * 24 * 3);
    let x = (i + 1) * 2654435761;
    for (let p = 0; p < small.length; p++) {
      x = (x ^ (x << 13) ^ (x >>> 17) ^ (x << 5)) >>> 0; // xorshift: a distinct picture per file
      small[p] = x & 0xff;
    }
    await sharp(small, { raw: { width: 32, height: 24, channels: 3 } })
      .resize(width, height, { kernel: 'cubic' })
      .blur(3)
      .jpeg({ quality: 85 })
      .toFile(file);
  }
  return files;
}

async function plainSharp(files: string[]): Promise<number> {
  const t = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++];
      await sharp(f).rotate().resize(96, 96, { fit: 'cover' }).raw().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return files.length / ((performance.now() - t) / 1000);
}

async function nearlab(): Promise<number> {
  const labPath = join(tmpdir(), `nearlab-bench-${process.pid}.lab`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(labPath + suffix, { force: true });
  const lab = Lab.open(labPath);
  const t = performance.now();
  const s = await importFolder(lab, dir, { concurrency });
  const rate = s.added / ((performance.now() - t) / 1000);
  lab.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(labPath + suffix, { force: true });
  if (s.added !== count) throw new Error(`imported ${s.added} of ${count}`);
  return rate;
}

const files = await makeCorpus();
const plain: number[] = [];
const ours: number[] = [];
for (let r = 0; r < rounds; r++) {
  plain.push(await plainSharp(files));
  ours.push(await nearlab());
}
const best = (xs: number[]) => Math.max(...xs);
console.log(
  `files: ${count} JPEGs of 1–4 MP, ${concurrency} in flight, best of ${rounds} rounds (sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips})`,
);
console.log(
  `plain sharp decode+resize: ${best(plain).toFixed(1)} images/s   (rounds: ${plain.map((x) => x.toFixed(1)).join(', ')})`,
);
console.log(
  `nearlab import (read, hash, decode, 96 px input + thumbnail, SQLite): ${best(ours).toFixed(1)} images/s   (rounds: ${ours.map((x) => x.toFixed(1)).join(', ')})`,
);
console.log(`ratio nearlab / plain sharp: ${(best(ours) / best(plain)).toFixed(2)} (goal ≥ 0.90)`);
