/**
 * Feature extraction speed of the default backbone (nsfwjs' MobileNetV2 ×1.4 at 224×224): images per second
 * through the feature job's runners (fixed-shape batches, one worker per core, each on one thread), on onnxruntime
 * (the default when it loads: the TF.js graph converted to ONNX) and on TF.js wasm (the fallback), beside
 * torchvision's MobileNetV2 width 1.4 with random weights on 2 threads (Debian's python3-torchvision) on the very
 * same input bytes and batch size. Preprocessing and the lab are left out of all. Modes run alternately (rounds)
 * and the best round of each counts, so a burst of load from other processes penalises all alike.
 * Run: npx tsx test/bench/features.bench.ts [--batch 8] [--seconds 10] [--rounds 2] [--threads 2]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backboneInfo, DEFAULT_BACKBONE, type BackboneRuntime } from '../../core/model/backbones/index.ts';
import { startRunners, type BatchRunner } from '../../core/model/features/runner.ts';
import { loadOrt } from '../../core/model/onnx/runtime.ts';
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

/** The runtimes to time: onnxruntime (the default when it loads) and TF.js wasm (the fallback). */
const runtimes: BackboneRuntime[] = (await loadOrt().then(
  () => true,
  () => false,
))
  ? ['onnx', 'tfjs']
  : ['tfjs'];
const pools = new Map<BackboneRuntime, BatchRunner[]>();
for (const runtime of runtimes) {
  const started = performance.now();
  const runners = await startRunners(THREADS, { backbone: DEFAULT_BACKBONE, batch: BATCH, runtime });
  pools.set(runtime, runners);
  const startup = (performance.now() - started) / 1000;
  console.log(
    `${info.title} on ${runtime}: batch ${BATCH} of ${S}×${S}, ${runners.length} worker${runners.length === 1 ? '' : 's'} (started and warmed in ${startup.toFixed(1)} s); load ${loadavg()[0].toFixed(1)}`,
  );
}
const hasTorch = existsSync(PYTHON);
const best = new Map<string, number>();
const keep = (key: string, v: number) => best.set(key, Math.max(best.get(key) ?? 0, v));
for (let round = 1; round <= ROUNDS; round++) {
  const parts: string[] = [];
  for (const [runtime, runners] of pools) {
    const v = await ours(runners);
    keep(runtime, v);
    parts.push(`ours on ${runtime} ${v.toFixed(1)} images/s`);
  }
  const b = hasTorch ? pytorch() : null;
  if (b !== null) keep('pytorch', b);
  parts.push(`pytorch ${b === null ? 'n/a' : `${b.toFixed(1)} images/s`}`);
  console.log(`round ${round}: ${parts.join(', ')}; load ${loadavg()[0].toFixed(1)}`);
}
for (const runners of pools.values()) await Promise.all(runners.map((r) => r.close()));
const torch = best.get('pytorch') ?? 0;
console.log(
  `best: ${runtimes.map((r) => `ours on ${r} ${best.get(r)!.toFixed(1)} images/s`).join(', ')}, pytorch (2 threads) ${torch ? torch.toFixed(1) : 'n/a'}`,
);
if (torch > 0) {
  // The first line is the default runtime's (onnx when onnxruntime loads).
  console.log(`ratio ours/pytorch: ${(best.get(runtimes[0])! / torch).toFixed(2)} (${runtimes[0]})`);
  if (runtimes.length > 1) console.log(`ratio tfjs/pytorch: ${(best.get('tfjs')! / torch).toFixed(2)}`);
} else console.log('pytorch not found: apt-get install python3-torchvision, then run again');
