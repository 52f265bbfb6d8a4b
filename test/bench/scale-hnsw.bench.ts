/**
 * HNSW build time at size, side by side in one run: `npx tsx test/bench/scale-hnsw.bench.ts [--rows 200000]
 * [--configs 1:128,2:128,2:64:i8] [--ef 128,256]` (threads:expansion_add[:connectivity][:quantization]).
 * Embedding-like 128-d unit vectors (as bench:knn: around 1,000 cluster centres), cosine; recall@10 at each ef_search
 * of `--ef` against exact search for 300 other such vectors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AnnIndex, measureRecall, type AnnQuantization } from '../../core/knn/ann.ts';
import type { Matrix } from '../../core/knn/matrix.ts';
import { createRng } from '../../core/util/random.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    configs: { type: 'string', default: '1:128,2:128,2:64' },
    ef: { type: 'string', default: '128,256' },
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
const efs = values.ef.split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'nearlab-hnsw-'));
console.log(
  `| threads | expansion_add | connectivity | vectors | build | ${efs.map((e) => `recall@10 (ef ${e})`).join(' | ')} |`,
);
console.log(`| --- | --- | --- | --- | --- | ${efs.map(() => '---').join(' | ')} |`);
for (const c of values.configs.split(',')) {
  const parts = c.split(':');
  const quantization = (/^[a-z]/.test(parts.at(-1) ?? '') ? parts.pop() : 'f32') as AnnQuantization;
  const [threads, expansionAdd, connectivity = 16] = parts.map(Number);
  const t = performance.now();
  const index = AnnIndex.build(gallery, { metric: 'cosine', threads, expansionAdd, connectivity, quantization });
  const seconds = (performance.now() - t) / 1000;
  // ef_search is fixed when an index is made: the other values search the saved graph loaded with them.
  const path = join(dir, 'index.usearch');
  index.save(path);
  const recalls = efs.map((expansionSearch) =>
    measureRecall(AnnIndex.load(path, { expansionSearch }), gallery, { k: 10, sample: queries }).recall.toFixed(3),
  );
  console.log(
    `| ${threads} | ${expansionAdd} | ${connectivity} | ${quantization} | ${seconds.toFixed(1)} s | ${recalls.join(' | ')} |`,
  );
}
rmSync(dir, { recursive: true, force: true });
