// Benchmark of the neighbour engine (core/knn). Run: npx tsx test/bench/knn.bench.ts [--quick] [--only=a|b]
//   [--sizes=10000,100000] [--ef=64,128,256] [--keep-index=DIR (reuse built HNSW files between runs)]
//  (a) exact top-k, 20,000 gallery × 2,000 queries × 128-d, k = 5, cosine and L2, side by side with faiss
//      IndexFlatIP/IndexFlatL2 and sklearn brute force timed inside /usr/bin/python3 (start-up excluded);
//  (b) single-query top-10 latency over 10k / 100k / 1M × 128-d (1M skipped with --quick): exact and usearch
//      HNSW, with the index's recall@10 against exact search and memory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnIndex, measureRecall } from '../../core/knn/ann.ts';
import { ExactIndex } from '../../core/knn/exact.ts';
import type { Matrix } from '../../core/knn/matrix.ts';
import { createRng } from '../../core/util/random.ts';
import { topK } from '../../core/knn/topk.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option('only');
const sizesArg = option('sizes');
const efs = (option('ef') ?? '64,128,256').split(',').map(Number);
const keepDir = option('keep-index');
const ROUNDS = 2;
const PY = '/usr/bin/python3';
const tmp = mkdtempSync(join(tmpdir(), 'knn-bench-'));

function gaussianMatrix(rows: number, dim: number, seed: number): Matrix {
  const g = createRng(seed).normal;
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = g();
  return { data, rows, dim };
}

/** Embedding-like data: unit vectors around 1,000 random cluster centres (centre + N(0, I) noise, normalised). */
function embeddingLike(rows: number, dim: number, seed: number, centres: Float32Array): Matrix {
  const g = createRng(seed).normal;
  const rng = createRng(seed + 1).next;
  const nc = centres.length / dim;
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(rng() * nc) * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = centres[c + j] + g();
      data[i * dim + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) data[i * dim + j] *= inv;
  }
  return { data, rows, dim };
}

const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;
const sec = (t: number) => `${(t / 1000).toFixed(3)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rss = () => process.memoryUsage().rss;

const PY_SCRIPT = String.raw`
import json, sys, time
import numpy as np
gpath, qpath, d, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
g = np.fromfile(gpath, dtype=np.float32).reshape(-1, d)
q = np.fromfile(qpath, dtype=np.float32).reshape(-1, d)
out = {}
def timed(fn, reps=3):
    ts = []
    res = None
    for _ in range(reps):
        t = time.perf_counter(); res = fn(); ts.append(time.perf_counter() - t)
    return ts, res
try:
    import faiss
    out["faiss_version"] = faiss.__version__
    out["faiss_threads"] = faiss.omp_get_max_threads()
    gn = g / np.linalg.norm(g, axis=1, keepdims=True)
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    for name, cls, G, Q in (("faiss_ip", faiss.IndexFlatIP, gn, qn), ("faiss_l2", faiss.IndexFlatL2, g, q)):
        index = cls(d); index.add(G)
        ts, (D, I) = timed(lambda: index.search(Q, k))
        out[name] = ts; out[name + "_I"] = I[:200].tolist()
except ImportError as e:
    out["faiss_error"] = str(e)
try:
    import sklearn
    from sklearn.neighbors import NearestNeighbors
    out["sklearn_version"] = sklearn.__version__
    for name, metric in (("sklearn_cos", "cosine"), ("sklearn_l2", "euclidean")):
        nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=metric).fit(g)
        ts, (D, I) = timed(lambda: nn.kneighbors(q))
        out[name] = ts
except ImportError as e:
    out["sklearn_error"] = str(e)
print(json.dumps(out))
`;

interface PyTimes {
  faiss_ip?: number[];
  faiss_l2?: number[];
  faiss_ip_I?: number[][];
  faiss_l2_I?: number[][];
  sklearn_cos?: number[];
  sklearn_l2?: number[];
  faiss_threads?: number;
  faiss_version?: string;
  sklearn_version?: string;
  faiss_error?: string;
  sklearn_error?: string;
}

function runPython(g: Matrix, q: Matrix, k: number): PyTimes | null {
  const probe = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(`  (skipping faiss/sklearn: ${PY} with numpy is not available)`);
    return null;
  }
  const gp = join(tmp, 'gallery.f32');
  const qp = join(tmp, 'queries.f32');
  const sp = join(tmp, 'time_refs.py');
  writeFileSync(gp, g.data);
  writeFileSync(qp, q.data);
  writeFileSync(sp, PY_SCRIPT);
  const r = spawnSync(PY, [sp, gp, qp, String(g.dim), String(k)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.log(`  (python reference failed: ${r.stderr.trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout) as PyTimes;
}

async function benchBatch(): Promise<void> {
  const n = 20_000;
  const nq = 2_000;
  const dim = 128;
  const k = 5;
  console.log(`\n(a) exact top-${k}: ${n} gallery × ${nq} queries × ${dim}-d, Gaussian random data`);
  const g = gaussianMatrix(n, dim, 1);
  const q = gaussianMatrix(nq, dim, 2);
  // Rounds alternate python and ours so that load from other processes hits both sides alike.
  const metrics = ['cosine', 'euclidean'] as const;
  const setups: number[] = [];
  const indexes: ExactIndex[] = [];
  for (const metric of metrics) {
    const t0 = performance.now();
    indexes.push(await ExactIndex.create(g, { metric }));
    setups.push(performance.now() - t0);
  }
  const ourTimes: number[][] = [[], []];
  const results = await Promise.all(indexes.map((index) => index.search(q, k)));
  let py: PyTimes | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    const r = runPython(g, q, k);
    if (r !== null) {
      if (py === null) py = r;
      else
        for (const key of ['faiss_ip', 'faiss_l2', 'sklearn_cos', 'sklearn_l2'] as const) {
          py[key] = [...(py[key] ?? []), ...(r[key] ?? [])];
        }
    }
    for (let m = 0; m < metrics.length; m++) {
      for (let rep = 0; rep < 3; rep++) {
        const t = performance.now();
        results[m] = await indexes[m].search(q, k);
        ourTimes[m].push(performance.now() - t);
      }
    }
  }
  if (py?.faiss_version)
    console.log(
      `  faiss ${py.faiss_version} (${py.faiss_threads} OpenMP threads), sklearn ${py.sklearn_version ?? '—'}; OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}`,
    );
  const rows: string[][] = [];
  metrics.forEach((metric, m) => {
    const times = ourTimes[m];
    const res = results[m];
    const ref = metric === 'cosine' ? py?.faiss_ip : py?.faiss_l2;
    const refI = metric === 'cosine' ? py?.faiss_ip_I : py?.faiss_l2_I;
    const sk = metric === 'cosine' ? py?.sklearn_cos : py?.sklearn_l2;
    let agree = '—';
    if (refI) {
      let same = 0;
      let total = 0;
      refI.forEach((row, qi) => row.forEach((r, i) => (total++, (same += res.indices[qi * k + i] === r ? 1 : 0))));
      agree = `${((100 * same) / total).toFixed(1)}%`;
    }
    const ours = Math.min(...times);
    const faiss = ref ? Math.min(...ref) * 1000 : NaN;
    const skl = sk ? Math.min(...sk) * 1000 : NaN;
    rows.push([
      metric,
      `${sec(ours)} (median ${sec(median(times))})`,
      ref ? `${sec(faiss)} (median ${sec(median(ref) * 1000)})` : 'n/a',
      sk ? `${sec(skl)} (median ${sec(median(sk) * 1000)})` : 'n/a',
      ref ? (ours / faiss).toFixed(2) : 'n/a',
      sk ? (ours / skl).toFixed(2) : 'n/a',
      agree,
      `${sec(setups[m])} [${indexes[m].kernels.join(', ')}]`,
    ]);
  });
  await Promise.all(indexes.map((index) => index.close()));
  printTable(
    [
      'metric',
      `ours (best of ${3 * ROUNDS})`,
      `faiss flat (best of ${3 * ROUNDS})`,
      'sklearn brute',
      'ours/faiss',
      'ours/sklearn',
      'same ids as faiss',
      'ours setup',
    ],
    rows,
  );
  // One-thread JS kernel on the same batch, for the kernel-choice record.
  const sub: Matrix = { data: q.data.subarray(0, 400 * dim), rows: 400, dim };
  const t = performance.now();
  topK(sub, g, k, { metric: 'euclidean' });
  const jsTime = ((performance.now() - t) * nq) / 400;
  console.log(`  calling-thread JS kernel (no workers), L2, extrapolated from 400 queries: ${sec(jsTime)} for ${nq}`);
}

async function benchLatency(): Promise<void> {
  const dim = 128;
  const sizes = sizesArg ? sizesArg.split(',').map(Number) : quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  if (keepDir) mkdirSync(keepDir, { recursive: true });
  const centres = gaussianMatrix(1000, dim, 7).data;
  const queries = embeddingLike(300, dim, 99, centres);
  console.log(
    `\n(b) single-query top-10 latency, cosine, ${dim}-d embedding-like data (unit vectors around 1,000 clusters), ${queries.rows} queries`,
  );
  const rows: string[][] = [];
  for (const n of sizes) {
    let t = performance.now();
    const g = embeddingLike(n, dim, n, centres);
    const genMs = performance.now() - t;
    const exact = await ExactIndex.create(g, { metric: 'cosine' });
    const exactLat: number[] = [];
    const truth = {
      queries: queries.rows,
      k: 10,
      indices: new Int32Array(queries.rows * 10),
      distances: new Float64Array(queries.rows * 10),
    };
    for (let i = 0; i < queries.rows; i++) {
      const qv = queries.data.subarray(i * dim, (i + 1) * dim);
      t = performance.now();
      const r = await exact.search(qv, 10);
      exactLat.push(performance.now() - t);
      truth.indices.set(r.indices, i * 10);
      truth.distances.set(r.distances, i * 10);
    }
    const rssExact = rss();
    const path = join(keepDir ?? tmp, `ann-cosine-${n}.usearch`);
    let build = 'loaded';
    if (!existsSync(path) || !existsSync(`${path}.json`)) {
      t = performance.now();
      const built = AnnIndex.build(g, { metric: 'cosine' });
      build = sec(performance.now() - t);
      built.save(path);
    }
    const fileSize = AnnIndex.fileSize(path);
    await exact.close();
    efs.forEach((ef, i) => {
      const ann = AnnIndex.load(path, { expansionSearch: ef });
      const annLat: number[] = [];
      for (let j = 0; j < queries.rows; j++) {
        const qv = queries.data.subarray(j * dim, (j + 1) * dim);
        t = performance.now();
        ann.search(qv, 10, 1);
        annLat.push(performance.now() - t);
      }
      const recall = measureRecall(ann, g, { k: 10, sample: queries, exact: truth });
      rows.push([
        i === 0 ? n.toLocaleString('en') : '',
        i === 0 ? `${ms(percentile(exactLat.slice(20), 50))} / ${ms(percentile(exactLat.slice(20), 95))}` : '',
        String(ef),
        `${ms(percentile(annLat.slice(20), 50))} / ${ms(percentile(annLat.slice(20), 95))}`,
        recall.recall.toFixed(3),
        i === 0 ? build : '',
        i === 0 ? mb(fileSize) : '',
        i === 0 ? `${mb(rssExact)} / ${mb(rss())}` : '',
        i === 0 ? `${exact.threads} [${exact.kernels.join(', ') || 'calling thread'}]` : '',
      ]);
    });
    console.log(`  ${n}: generated in ${sec(genMs)}, done`);
  }
  printTable(
    [
      'gallery',
      'exact p50 / p95',
      'ef_search',
      'usearch p50 / p95',
      'recall@10',
      'HNSW build',
      'index file',
      'RSS after exact / ann',
      'exact workers',
    ],
    rows,
  );
  console.log(
    '  (latencies exclude the first 20 queries as warm-up; usearch: M=16, ef_construction=128, 1 search thread; RSS = whole process)',
  );
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(head));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const r of rows) console.log(line(r));
}

try {
  console.log(
    `knn bench — node ${process.version}, ${(await import('node:os')).availableParallelism()} cores, load average ${(
      await import('node:os')
    )
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  if (only !== 'b') await benchBatch();
  if (only !== 'a') await benchLatency();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
