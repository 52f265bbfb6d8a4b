/**
 * Which backbone to default to: for each registered backbone, its features of a labelled lab (computed here when
 * missing, timed: features/s on both cores) and k-NN category accuracy (k = 5 and 1, cosine) of the test split's
 * items against the train split as gallery, beside the same k-NN on the stored 96×96 pixels.
 * Run: npx tsx test/bench/backbones.bench.ts --lab EMOJI.nearlab [--backbones a,b]
 */
import { loadavg } from 'node:os';
import { KnnClassifier, matrix } from '../../core/knn/index.ts';
import { backboneNames } from '../../core/model/backbones/index.ts';
import { extractFeatures } from '../../core/model/features/extract.ts';
import { readFeatures } from '../../core/store/features.ts';
import { Lab } from '../../core/store/lab.ts';
import { imagePixelsReader, livePixelIndex, type LivePixelRow } from '../../core/store/pixels.ts';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const labPath = arg('lab');
if (!labPath) throw new Error('usage: backbones.bench.ts --lab FILE [--backbones a,b]');
const names = arg('backbones')?.split(',') ?? backboneNames();
const lab = Lab.open(labPath);
const rows = livePixelIndex(lab.db, ['train', 'test']).filter((r) => r.label !== null);
const train = rows.filter((r) => r.split === 'train');
const test = rows.filter((r) => r.split === 'test');
console.log(
  `${labPath}: ${train.length} train, ${test.length} test items with a label; load ${loadavg()[0].toFixed(1)}`,
);

/** Vectors of `of` from `vectorOf` (by image id); items whose image has none are left out. */
function knn(vectorOf: (r: LivePixelRow) => Float32Array | undefined, k: number): number {
  const pick = (set: LivePixelRow[]) => {
    const kept = set.filter((r) => vectorOf(r) !== undefined);
    const dim = vectorOf(kept[0])!.length;
    const data = new Float32Array(kept.length * dim);
    kept.forEach((r, i) => data.set(vectorOf(r)!, i * dim));
    return { m: matrix(data, kept.length, dim), labels: kept.map((r) => r.label!) };
  };
  const g = pick(train);
  const q = pick(test);
  const pred = new KnnClassifier().fit(g.m, g.labels, 'cosine').predictBatch(q.m, { k });
  return pred.filter((p, i) => p.label === q.labels[i]).length / q.labels.length;
}

const pixels = imagePixelsReader(lab.db);
const pixelOf = (r: LivePixelRow) => Float32Array.from(pixels(r.imageId)!, (v) => v / 255);
console.log(`stored pixels 96×96: k-NN@5 ${knn(pixelOf, 5).toFixed(3)}, @1 ${knn(pixelOf, 1).toFixed(3)}`);

for (const name of names) {
  const r = await extractFeatures(lab, name, {
    onProgress: (p) => process.stderr.write(`\r${name} ${p.done}/${p.total} ${p.rate.toFixed(1)}/s   `),
  });
  process.stderr.write('\n');
  const speed =
    r.computed > 0
      ? `${(r.computed / r.seconds).toFixed(1)} images/s (${r.computed} in ${r.seconds.toFixed(1)} s)`
      : 'already computed';
  const ids = rows.map((x) => x.imageId);
  const f = readFeatures(lab.db, name, ids, 0);
  const at = new Map<number, Float32Array>();
  f.found.forEach((id, i) => at.set(id, f.data.subarray(i * f.dim, (i + 1) * f.dim)));
  const of = (x: LivePixelRow) => at.get(x.imageId);
  console.log(
    `${name} (${f.dim}-d): k-NN@5 ${knn(of, 5).toFixed(3)}, @1 ${knn(of, 1).toFixed(3)}; ${speed}; load ${loadavg()[0].toFixed(1)}`,
  );
}
lab.close();
