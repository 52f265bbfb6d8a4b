/**
 * Peak memory of one import of many tiny distinct PNGs into a fresh lab:
 * `npx tsx test/bench/import-memory.bench.ts [--count 20000]`. The corpus is generated once into
 * the temp folder; the import runs in a child process so its peak RSS is the import's alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    measure: { type: 'string' },
  },
});
const count = Number(values.count);

/** Distinct 16×16 PNGs, a hundred to a folder. */
async function makeCorpus(dir: string): Promise<void> {
  const { default: sharp } = await import('sharp');
  mkdirSync(dir, { recursive: true });
  const have = readdirSync(dir).length;
  if (have >= Math.ceil(count / 100)) return;
  process.stderr.write(`generating ${count} tiny PNGs in ${dir}…\n`);
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `f${String(Math.floor(i / 100)).padStart(3, '0')}`);
    const file = join(sub, `p${String(i).padStart(5, '0')}.png`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    if (existsSync(file)) continue;
    const raw = Buffer.alloc(16 * 16 * 3);
    let x = (i + 1) * 2654435761;
    for (let p = 0; p < raw.length; p++) {
      x = (x ^ (x << 13) ^ (x >>> 17) ^ (x << 5)) >>> 0;
      raw[p] = x & 0xff;
    }
    await sharp(raw, { raw: { width: 16, height: 16, channels: 3 } })
      .png()
      .toFile(file);
  }
}

async function measure(dir: string): Promise<void> {
  const { importFolder } = await import('../../core/data/import/import-folder.ts');
  const { Lab } = await import('../../core/store/lab.ts');
  const labPath = join(tmpdir(), `nearlab-bench-memory-${process.pid}.lab`);
  const lab = Lab.open(labPath);
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t = performance.now();
  const s = await importFolder(lab, dir);
  clearInterval(sample);
  lab.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(labPath + suffix, { force: true });
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      added: s.added,
      errors: s.errors,
      seconds: +((performance.now() - t) / 1000).toFixed(1),
      peakRssMB: Math.round(Math.max(peak, maxRss) / 2 ** 20),
    }),
  );
}

if (values.measure) {
  await measure(values.measure);
} else {
  const dir = join(tmpdir(), `nearlab-bench-memory-${count}`);
  await makeCorpus(dir);
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--count', String(count), '--measure', dir],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`the import child failed (${child.status})`);
  const r = JSON.parse(child.stdout) as { added: number; errors: number; seconds: number; peakRssMB: number };
  console.log(
    `${count} tiny PNGs: imported ${r.added} (${r.errors} errors) in ${r.seconds} s, peak RSS ${r.peakRssMB} MB`,
  );
}
