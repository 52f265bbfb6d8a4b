/**
 * Feature extraction speed of the default backbone (nsfwjs' MobileNetV2 ×1.4 at 224×224 on TF.js wasm): images
 * per second through the feature job's runners (fixed-shape batches, one wasm thread per worker, both cores),
 * beside torchvision's MobileNetV2 width 1.4 with random weights on 2 threads (Debian's python3-torchvision) on
 * the very same input bytes and batch size. Preprocessing and the lab are left out of both. Modes run
 * alternately (rounds) and the best round of each counts, so a burst of load from other processes penalises
 * both alike. Run: npx tsx test/bench/features.bench.ts [--batch 8] [--seconds 10] [--rounds 2] [--threads 2]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backboneInfo, DEFAULT_BACKBONE } from '../../core/model/backbones/index.ts';
import { startRunners, type BatchRunner } from '../../core/model/features/runner.ts';
import { createRng } from '../../core/util/random.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const BATCH = arg('batch', 8);
const SECONDS = arg('seconds', 10);
const ROUNDS = arg('rounds', 2);
const THREADS = arg('threads', 2);
const PYTHON = '/usr/bin/python3';
const info = backboneInfo(DEFAULT_BACKBONE);
const S = info.inputSize;
const PER = S * S * 3;
const COUNT = BATCH * 8;

// Smooth random images (noise at 8×8 upscaled), so the inputs look less like white noise than raw random bytes.
const rand = createRng(1).next;
const images = new Uint8Array(COUNT * PER);
for (let k = 0; k < COUNT; k++) {
  const coarse = Array.from({ length: 8 * 8 * 3 }, () => Math.floor(rand() * 256));
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++)
      for (let c = 0; c < 3; c++)
        images[k * PER + (y * S + x) * 3 + c] = coarse[(((y * 8) / S) | 0) * 24 + (((x * 8) / S) | 0) * 3 + c];
}
const file = join(mkdtempSync(join(tmpdir(), 'nearlab-features-bench-')), 'images.rgb');
writeFileSync(file, images);

/** Images per second through `runners`, one batch in flight per runner, for about SECONDS. */
async function ours(runners: BatchRunner[]): Promise<number> {
  const batches = COUNT / BATCH;
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    runners.map(async (r) => {
      while (performance.now() < deadline) {
        const b = next++ % batches;
        await r.run(images.slice(b * BATCH * PER, (b + 1) * BATCH * PER), 1);
        done += BATCH;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

function pytorch(): number | null {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const script = fileURLToPath(new URL('./features_torch.py', import.meta.url));
  const argv = [script, '--images', file, '--count', String(COUNT), '--batch', String(BATCH)];
  const out = execFileSync(PYTHON, [...argv, '--threads', '2', '--seconds', String(SECONDS)], { encoding: 'utf8' });
  return (JSON.parse(out) as { imagesPerSec: number }).imagesPerSec;
}

const started = performance.now();
const runners = await startRunners(THREADS, { backbone: DEFAULT_BACKBONE, batch: BATCH });
const startup = (performance.now() - started) / 1000;
console.log(
  `${info.title}: batch ${BATCH} of ${S}×${S}, ${runners.length} worker${runners.length === 1 ? '' : 's'} (started and warmed in ${startup.toFixed(1)} s); load ${loadavg()[0].toFixed(1)}`,
);
const hasTorch = existsSync(PYTHON);
let best = { ours: 0, torch: 0 };
for (let round = 1; round <= ROUNDS; round++) {
  const a = await ours(runners);
  const b = hasTorch ? pytorch() : null;
  best = { ours: Math.max(best.ours, a), torch: Math.max(best.torch, b ?? 0) };
  console.log(
    `round ${round}: ours ${a.toFixed(1)} images/s, pytorch ${b === null ? 'n/a' : `${b.toFixed(1)} images/s`}; load ${loadavg()[0].toFixed(1)}`,
  );
}
await Promise.all(runners.map((r) => r.close()));
console.log(
  `best: ours ${best.ours.toFixed(1)} images/s, pytorch (2 threads) ${best.torch ? best.torch.toFixed(1) : 'n/a'}`,
);
if (best.torch > 0) console.log(`ratio ours/pytorch: ${(best.ours / best.torch).toFixed(2)}`);
else console.log('pytorch not found: apt-get install python3-torchvision, then run again');
