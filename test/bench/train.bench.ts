/**
 * Training speed of the reference dual encoder (4 conv blocks 32/64/128/256 on 64×64, d = 128, text
 * tower on ~32 tokens per caption, N-pair loss, AdamW), batch 64: samples per second of Nearlab's
 * engine in one thread and data-parallel over worker threads, and — when Debian's PyTorch is
 * installed — the identical model in PyTorch with 1 and 2 threads, with the ratio ours / PyTorch.
 * Modes run alternately (rounds) and the best round of each counts, so a burst of load from other
 * processes penalises all of them alike. Run: npx tsx test/bench/train.bench.ts [--seconds 15] [--rounds 2]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_AUGMENT } from '../../core/model/augment.ts';
import { initBackend } from '../../core/model/backend.ts';
import { DEFAULT_MODEL } from '../../core/model/config.ts';
import { modelLayout } from '../../core/model/layout.ts';
import { startEngines } from '../../core/model/engine.ts';
import { AdamW } from '../../core/model/optim.ts';
import type { PixelStore } from '../../core/model/replica.ts';
import { createRng } from '../../core/util/random.ts';
import { trainStep, type StepContext } from '../../core/model/step.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 15);
const ROUNDS = arg('rounds', 2);
const BATCH = 64;
const VOCAB = 6000;
const TOKENS = 32;
const STORED = 96;
const PYTHON = '/usr/bin/python3';

function syntheticStore(n: number): PixelStore {
  const rand = createRng(1).next;
  const per = STORED * STORED * 3;
  const data = new Uint8Array(new SharedArrayBuffer(n * per));
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { data, offsets: Float64Array.from({ length: n }, (_, i) => i * per), sizes: new Int32Array(n).fill(STORED) };
}

async function ours(threads: number): Promise<number> {
  const model = DEFAULT_MODEL;
  const layout = modelLayout(model, VOCAB);
  const params = new Float32Array(new SharedArrayBuffer(layout.total * 4));
  params.set(layout.init(1));
  const store = syntheticStore(BATCH * 4);
  const { engines, grads } = await startEngines(
    threads,
    { model, vocabSize: VOCAB, store, augment: DEFAULT_AUGMENT, prefer: 'wasm', weights: params },
    layout.total,
  );
  try {
    await Promise.all(engines.map((e) => e.syncWeights()));
    const ctx: StepContext = {
      engines,
      grads,
      layout,
      params,
      optimizer: new AdamW(layout, { weightDecay: 0.05 }),
      loss: { kind: 'npair' },
      dim: model.dim,
    };
    const rand = createRng(2).next;
    const positives = new Float32Array(BATCH * BATCH);
    for (let i = 0; i < BATCH; i++) positives[i * BATCH + i] = 1;
    let step = 0;
    const run = () => {
      const rows = Int32Array.from({ length: BATCH }, (_, i) => (step * BATCH + i) % (BATCH * 4));
      const seeds = Uint32Array.from({ length: BATCH }, () => Math.floor(rand() * 2 ** 32));
      const texts = Array.from({ length: BATCH }, () =>
        Int32Array.from({ length: TOKENS }, () => Math.floor(rand() * VOCAB)),
      );
      step++;
      return trainStep(ctx, { rows, seeds, texts, positives, lr: 1e-3 });
    };
    for (let i = 0; i < 3; i++) await run();
    let steps = 0;
    const start = performance.now();
    while (performance.now() - start < SECONDS * 1000) {
      await run();
      steps++;
    }
    return (steps * BATCH) / ((performance.now() - start) / 1000);
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
}

function hasTorch(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function torch(threads: number): number {
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url));
  const out = execFileSync(
    PYTHON,
    [
      script,
      '--threads',
      String(threads),
      '--batch',
      String(BATCH),
      '--vocab',
      String(VOCAB),
      '--tokens',
      String(TOKENS),
      '--seconds',
      String(SECONDS),
    ],
    {
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out.trim().split('\n').pop()!) as { samplesPerSec: number }).samplesPerSec;
}

const backend = await initBackend({ prefer: 'wasm' });
const withTorch = hasTorch();
console.log(
  `backend: ${backend.description}; batch ${BATCH} of 64×64, ${SECONDS} s per mode, ${ROUNDS} rounds; load average before: ${loadavg()[0].toFixed(2)}`,
);
if (!withTorch) console.log(`(no PyTorch at ${PYTHON}: apt-get install -y python3-torch for the comparison)`);

const modes: [string, () => Promise<number> | number][] = [
  ['nearlab wasm, 1 thread (main)', () => ours(0)],
  ['nearlab wasm, 2 workers (data-parallel)', () => ours(2)],
  ['nearlab wasm, 1 worker', () => ours(1)],
];
if (withTorch) modes.push(['pytorch, 2 threads', () => torch(2)], ['pytorch, 1 thread', () => torch(1)]);
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, f] of modes) {
    const v = await f();
    best.set(name, Math.max(best.get(name) ?? 0, v));
    console.log(
      `  round ${round + 1}  ${name.padEnd(42)} ${v.toFixed(1).padStart(7)} samples/s  (load ${loadavg()[0].toFixed(2)})`,
    );
  }
}
console.log('\nbest of rounds:');
for (const [name] of modes) console.log(`  ${name.padEnd(42)} ${best.get(name)!.toFixed(1).padStart(7)} samples/s`);
const oursBest = Math.max(best.get(modes[0][0])!, best.get(modes[1][0])!, best.get(modes[2][0])!);
if (withTorch) {
  const pt = best.get('pytorch, 2 threads')!;
  console.log(
    `\nratio ours / PyTorch (2 threads): ${(oursBest / pt).toFixed(2)}  (ours ${oursBest.toFixed(1)}, PyTorch ${pt.toFixed(1)} samples/s)`,
  );
}
