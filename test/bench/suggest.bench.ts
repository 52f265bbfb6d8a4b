/**
 * What to label next, simulated (issue 13): does labeling the items `suggest` picks raise k-NN accuracy faster than
 * labeling items at random? On a labelled lab (the emoji set) under one embedding — the default backbone's features,
 * or a model's stored image embeddings with --model — the train split is the pool: 5 labels per class to start (at
 * random), then STEP more at a time chosen by each strategy (margin, diverse, mixed: core/knn/active.ts, the vote
 * of the labeled items with K = suggest's default) or at random, the oracle revealing each pick's true label. After
 * each step: k-NN accuracy (K = 5, cosine, uniform: evaluate's default) of the val and test items against the
 * labeled pool. Mean and spread over several seeds (the start and the random picks differ by seed).
 * Run: npx tsx test/bench/suggest.bench.ts [--lab EMOJI.lab] [--model ID] [--add 50] [--step 10] [--seeds 5]
 * Without --lab, a lab of ../shared/datasets/emoji-noto (else resources/sample) is imported into a temporary file
 * and its backbone features computed (minutes on two cores).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFolder } from '../../core/data/import/import-folder.ts';
import { KnnClassifier, matrix, type Matrix } from '../../core/knn/index.ts';
import { knnUncertainty, selectToLabel, type ActiveStrategy } from '../../core/knn/active.ts';
import { DEFAULT_BACKBONE } from '../../core/model/backbones/catalog.ts';
import { extractFeatures } from '../../core/model/features/extract.ts';
import { readEmbeddings } from '../../core/store/embeddings.ts';
import { readFeatures } from '../../core/store/features.ts';
import { Lab } from '../../core/store/lab.ts';
import { livePixelIndex } from '../../core/store/pixels.ts';
import { createRng, shuffleInPlace } from '../../core/util/random.ts';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ADD = Number(arg('add') ?? 50);
const STEP = Number(arg('step') ?? 10);
const SEEDS = Number(arg('seeds') ?? 5);
const START_PER_CLASS = 5;
/** suggest's default K for the vote whose margin ranks the candidates. */
const VOTE_K = 10;
/** evaluate's default K for the held-out accuracy. */
const EVAL_K = 5;
const modelId = arg('model') ? Number(arg('model')) : null;

async function openLab(): Promise<Lab> {
  const given = arg('lab');
  if (given) return Lab.open(given);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const emoji = join(root, '..', 'shared', 'datasets', 'emoji-noto');
  const folder = existsSync(emoji) ? emoji : join(root, 'resources', 'sample');
  const lab = Lab.open(join(mkdtempSync(join(tmpdir(), 'nearlab-suggest-bench-')), 'bench.lab'));
  console.error(`importing ${folder}…`);
  await importFolder(lab, folder);
  return lab;
}

const lab = await openLab();
const rows = livePixelIndex(lab.db).filter((r) => r.label !== null);
let vectors: Map<number, Float32Array>; // item id → vector
let source: string;
if (modelId !== null) {
  const e = readEmbeddings(lab.db, modelId, 'image');
  vectors = new Map(Array.from(e.ids, (id, r) => [id, e.data.subarray(r * e.dim, (r + 1) * e.dim)]));
  source = `model ${modelId} (${e.dim}-d image embeddings)`;
} else {
  if (readFeatures(lab.db, DEFAULT_BACKBONE, [rows[0].imageId]).dim === 0)
    await extractFeatures(lab, DEFAULT_BACKBONE, {
      onProgress: (p) => process.stderr.write(`\rfeatures ${p.done}/${p.total}   `),
    });
  const f = readFeatures(
    lab.db,
    DEFAULT_BACKBONE,
    rows.map((r) => r.imageId),
  );
  const byImage = new Map(Array.from(f.found, (id, i) => [id, f.data.subarray(i * f.dim, (i + 1) * f.dim)]));
  vectors = new Map(rows.filter((r) => byImage.has(r.imageId)).map((r) => [r.id, byImage.get(r.imageId)!]));
  source = `${DEFAULT_BACKBONE} backbone features (${f.dim}-d)`;
}
const kept = rows.filter((r) => vectors.has(r.id));
const pool = kept.filter((r) => r.split === 'train');
const heldOut = kept.filter((r) => r.split !== 'train');
const classes = [...new Set(kept.map((r) => r.label!))].sort();

function rowsOf(items: readonly { id: number }[]): Matrix {
  const dim = vectors.get(items[0].id)!.length;
  const data = new Float32Array(items.length * dim);
  items.forEach((r, i) => data.set(vectors.get(r.id)!, i * dim));
  return matrix(data, items.length, dim);
}
const poolM = rowsOf(pool);
const heldM = rowsOf(heldOut);
const dim = poolM.dim;
const sub = (idx: readonly number[]): Matrix => {
  const data = new Float32Array(idx.length * dim);
  idx.forEach((r, i) => data.set(poolM.data.subarray(r * dim, (r + 1) * dim), i * dim));
  return matrix(data, idx.length, dim);
};

/** k-NN accuracy of the held-out items against the labeled pool rows. */
function accuracy(labeled: readonly number[]): number {
  const pred = new KnnClassifier()
    .fit(
      sub(labeled),
      labeled.map((r) => pool[r].label!),
      'cosine',
    )
    .predictBatch(heldM, { k: EVAL_K, metric: 'cosine' });
  return pred.filter((p, i) => p.label === heldOut[i].label).length / heldOut.length;
}

/** Pool rows to start from: START_PER_CLASS of each class at random (all of a smaller class). */
function start(seed: number): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  for (const c of classes) {
    const of = pool.flatMap((r, i) => (r.label === c ? [i] : []));
    shuffleInPlace(of, rng);
    out.push(...of.slice(0, START_PER_CLASS));
  }
  return out.sort((a, b) => a - b);
}

type Arm = ActiveStrategy | 'random';
const ARMS: Arm[] = ['margin', 'diverse', 'mixed', 'random'];

/** Accuracy after 0, STEP, 2·STEP, … ADD more labels chosen by `arm`. */
function simulate(arm: Arm, seed: number): number[] {
  const labeled = start(seed);
  const rng = createRng(seed * 7919 + 1);
  const curve = [accuracy(labeled)];
  for (let added = 0; added < ADD; added += STEP) {
    const isLabeled = new Set(labeled);
    const unlabeled = pool.map((_, i) => i).filter((i) => !isLabeled.has(i));
    const n = Math.min(STEP, ADD - added);
    let picks: number[];
    if (arm === 'random') {
      shuffleInPlace(unlabeled, rng);
      picks = unlabeled.slice(0, n);
    } else {
      const candidates = sub(unlabeled);
      const done = sub(labeled);
      const margins =
        arm === 'diverse'
          ? null
          : knnUncertainty(
              candidates,
              done,
              labeled.map((r) => pool[r].label!),
              Math.min(VOTE_K, labeled.length),
            ).map((u) => u.margin);
      picks = selectToLabel({ candidates, labeled: done, strategy: arm, n, margins }).map((p) => unlabeled[p.index]);
    }
    labeled.push(...picks); // the oracle: each pick's true label is its pool label
    curve.push(accuracy(labeled));
  }
  return curve;
}

const t0 = performance.now();
const curves = new Map<Arm, number[][]>(ARMS.map((a) => [a, []]));
for (let seed = 1; seed <= SEEDS; seed++) for (const arm of ARMS) curves.get(arm)!.push(simulate(arm, seed));
const startCount = start(1).length;
console.log(
  `${source}; pool: ${pool.length} train items of ${classes.length} classes, held out: ${heldOut.length} val+test items; ` +
    `start ${START_PER_CLASS}/class (${startCount} labels), +${ADD} in steps of ${STEP}; vote K = ${VOTE_K}, ` +
    `accuracy k-NN K = ${EVAL_K} cosine; mean ± sd over ${SEEDS} seeds (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);
const fmt = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${(100 * m).toFixed(1)} ± ${(100 * sd).toFixed(1)}`.padEnd(12);
};
console.log(`| labels | ${ARMS.map((a) => a.padEnd(12)).join(' | ')} |`);
console.log(`| ---: | ${ARMS.map(() => '---:').join(' | ')} |`);
const steps = curves.get('random')![0].length;
for (let s = 0; s < steps; s++) {
  const n = startCount + Math.min(ADD, s * STEP);
  console.log(`| ${n} | ${ARMS.map((a) => fmt(curves.get(a)!.map((c) => c[s]))).join(' | ')} |`);
}
lab.close();
