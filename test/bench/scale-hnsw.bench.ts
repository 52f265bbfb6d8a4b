/**
 * HNSW build time at size, side by side in one run: `npx tsx test/bench/scale-hnsw.bench.ts [--rows 200000]
 * [--configs 1:128,2:128,2:64:i8]` (threads:expansion_add[:connectivity][:quantization], e.g. 2:64:16:i8). Embedding-like 128-d unit vectors (as bench:knn: around
 * 1,000 cluster centres), cosine; recall@10 at ef_search 128 against exact search for 300 other such vectors.
 */
import { parseArgs } from 'node:util';
import { AnnIndex, measureRecall, type AnnQuantization } from '../../core/knn/ann.ts';
import type { Matrix } from '../../core/knn/matrix.ts';
import { createRng } from '../../core/util/random.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    configs: { type: 'string', default: '1:128,2:128,2:64' },
  },
});
const rows = Number(values.rows);
const dim = 128;

function embeddingLike(n: number, seed: number): Matrix {
  const g = createRng(7).normal;
  const centres = Float32Array.from({ length: 1000 * dim }, () => g());
  const noise = createRng(seed).normal;
  const pick = createRng(seed + 1).next;
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(pick() * 1000) * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = centres[c + j] + noise();
      data[i * dim + j] = v;
      s += v * v;
    }
    for (let j = 0; j < dim; j++) data[i * dim + j] /= Math.sqrt(s);
  }
  return { data, rows: n, dim };
}

const gallery = embeddingLike(rows, rows);
const queries = embeddingLike(300, 99);
console.log(`${rows} × ${dim}-d, cosine; machine shared (noisy): compare rows of this run only`);
console.log('| threads | expansion_add | connectivity | vectors | build | recall@10 (ef 128) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const c of values.configs.split(',')) {
  const parts = c.split(':');
  const quantization = (/^[a-z]/.test(parts.at(-1) ?? '') ? parts.pop() : 'f32') as AnnQuantization;
  const [threads, expansionAdd, connectivity = 16] = parts.map(Number);
  const t = performance.now();
  const index = AnnIndex.build(gallery, { metric: 'cosine', threads, expansionAdd, connectivity, quantization });
  const seconds = (performance.now() - t) / 1000;
  const r = measureRecall(index, gallery, { k: 10, sample: queries });
  console.log(
    `| ${threads} | ${expansionAdd} | ${connectivity} | ${quantization} | ${seconds.toFixed(1)} s | ${r.recall.toFixed(3)} |`,
  );
}
