import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BatchMatches, Index, MetricKind, ScalarKind, type Matches } from 'usearch';
import { AnnIndexError, KnnArgumentError } from './errors.ts';
import { asQueryMatrix, assertFinite, type Matrix } from './matrix.ts';
import { createRng, sampleDistinct } from '../util/random.ts';
import { checkK, emptyResult, searchPrepared, prepareGallery, type TopKResult } from './topk.ts';

/**
 * Below this many gallery rows, callers should use exact search: it is exact and, on 2 cores, a single query
 * over 100k × 128-d still answers in a few milliseconds (see test/bench/knn.bench.ts), so an HNSW graph only
 * pays off beyond that — and costs minutes to build at 1M.
 */
export const ANN_MIN_ROWS = 200_000;

export type AnnMetric = 'cosine' | 'euclidean' | 'sqeuclidean';

export interface AnnOptions {
  metric?: AnnMetric;
  /** HNSW graph degree M (default 16). */
  connectivity?: number;
  /** Candidate list size while building (default 96: with f16 vectors, 1M rows build in about 200 s on 2 cores). */
  expansionAdd?: number;
  /**
   * Candidate list size while searching (default 256); raise it for recall, lower it for speed. Measured at
   * 1M × 128-d with the default build (test/bench/scale-hnsw.bench.ts): ef 128 → recall@10 0.95, 256 → 0.98–0.99.
   */
  expansionSearch?: number;
  /** Threads for building and batch search; 0 = all cores. */
  threads?: number;
  /**
   * How vectors are stored in the graph (default 'f16' for cosine, 'f32' otherwise). 'i8' or 'f16' store a quarter
   * or a half of the bytes and build faster; under cosine f16 keeps recall (0.999 at 100k) where i8 loses some
   * (0.934); f16's range and precision do not suit every L2 gallery (test/bench/scale-hnsw.bench.ts measures them).
   */
  quantization?: AnnQuantization;
}

export type AnnQuantization = 'f32' | 'f16' | 'i8';

const USEARCH_SCALAR: Record<AnnQuantization, ScalarKind> = {
  f32: ScalarKind.F32,
  f16: ScalarKind.F16,
  i8: ScalarKind.I8,
};

interface AnnMeta {
  format: 'nearlab-usearch';
  version: 1;
  metric: AnnMetric;
  dim: number;
  rows: number;
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  /** Absent in indexes written before it existed: those are f32. */
  quantization?: AnnQuantization;
}

/** Tells whether exact search or the approximate index suits a gallery of this size. */
export function chooseSearch(galleryRows: number, threshold: number = ANN_MIN_ROWS): 'exact' | 'ann' {
  return galleryRows < threshold ? 'exact' : 'ann';
}

const USEARCH_METRIC: Record<AnnMetric, MetricKind> = {
  cosine: MetricKind.Cos,
  euclidean: MetricKind.L2sq,
  sqeuclidean: MetricKind.L2sq,
};

/** Approximate nearest-neighbour index (usearch HNSW) over the rows of a matrix; keys are row indices. */
export class AnnIndex {
  private constructor(
    private readonly index: Index,
    private readonly meta: AnnMeta,
    /**
     * Threads usearch keeps search contexts for: those of the build (it reserves one per build thread), or every
     * core for a loaded index. Searching with more fails ("Reserve capacity ahead of searches").
     */
    private readonly contexts: number = availableParallelism(),
  ) {}

  static build(gallery: Matrix, options: AnnOptions = {}): AnnIndex {
    assertFinite(gallery, 'gallery');
    const meta = makeMeta(gallery.dim, gallery.rows, options);
    const index = newIndex(meta);
    // Both cores by default: usearch's add() inserts in parallel, one thread per core.
    const threads = options.threads || availableParallelism();
    if (gallery.rows > 0) {
      const keys = new BigUint64Array(gallery.rows);
      for (let i = 0; i < gallery.rows; i++) keys[i] = BigInt(i);
      index.add(keys, gallery.data, threads);
    }
    return new AnnIndex(index, meta, threads);
  }

  /** Loads an index written by save(); expansionSearch/threads may be changed at load time. */
  static load(path: string, options: Pick<AnnOptions, 'expansionSearch'> = {}): AnnIndex {
    const metaPath = metaPathOf(path);
    if (!existsSync(path)) throw new AnnIndexError(`no ANN index at ${path}`);
    if (!existsSync(metaPath))
      throw new AnnIndexError(`ANN index ${path} has no metadata file ${metaPath}; rebuild it`);
    let meta: AnnMeta;
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as AnnMeta;
    } catch (err) {
      throw new AnnIndexError(`cannot read ${metaPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (meta.format !== 'nearlab-usearch' || meta.version !== 1)
      throw new AnnIndexError(`${metaPath} is not a Nearlab ANN metadata file (version 1)`);
    if (options.expansionSearch !== undefined) meta = { ...meta, expansionSearch: options.expansionSearch };
    const index = newIndex(meta);
    try {
      index.load(path);
    } catch (err) {
      throw new AnnIndexError(`cannot load ANN index ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (index.dimensions() !== meta.dim || index.size() !== meta.rows) {
      throw new AnnIndexError(
        `ANN index ${path} does not match its metadata (${index.dimensions()}-d × ${index.size()} vs ${meta.dim}-d × ${meta.rows})`,
      );
    }
    return new AnnIndex(index, meta);
  }

  /** Writes the index to `path` and its metadata to `path + '.json'`. */
  save(path: string): void {
    try {
      this.index.save(path);
      writeFileSync(metaPathOf(path), JSON.stringify(this.meta, null, 2));
    } catch (err) {
      throw new AnnIndexError(`cannot save ANN index to ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  get rows(): number {
    return this.meta.rows;
  }

  get dim(): number {
    return this.meta.dim;
  }

  get metric(): AnnMetric {
    return this.meta.metric;
  }

  /** Size in bytes of the saved index file, if it has been saved at `path`. */
  static fileSize(path: string): number {
    return statSync(path).size;
  }

  /**
   * k approximate nearest rows per query, best first, with distances in the metric's units (1 − cos for cosine),
   * computed on the stored vectors (f16 ones: within about 1e-3). Missing results (k > rows) are −1 / Infinity.
   */
  search(queries: Matrix | Float32Array, k: number, threads = 0): TopKResult {
    checkK(k);
    const q = asQueryMatrix(queries);
    if (q.dim !== this.meta.dim)
      throw new KnnArgumentError(`queries are ${q.dim}-d but the index is ${this.meta.dim}-d`);
    const kk = Math.min(k, this.meta.rows);
    const out = emptyResult(q.rows, kk);
    if (kk === 0 || q.rows === 0) return out;
    const t = threads === 0 ? this.contexts : Math.min(threads, this.contexts);
    const res = this.index.search(q.data, kk, t) as Matches | BatchMatches;
    const sqrt = this.meta.metric === 'euclidean';
    for (let i = 0; i < q.rows; i++) {
      const m = res instanceof BatchMatches ? res.get(i) : res;
      for (let j = 0; j < m.keys.length && j < kk; j++) {
        out.indices[i * kk + j] = Number(m.keys[j]);
        const d = m.distances[j];
        out.distances[i * kk + j] = sqrt ? Math.sqrt(Math.max(0, d)) : d;
      }
    }
    return out;
  }
}

function makeMeta(dim: number, rows: number, options: AnnOptions): AnnMeta {
  const metric = options.metric ?? 'cosine';
  if (!(metric in USEARCH_METRIC))
    throw new KnnArgumentError(`ANN index supports cosine, euclidean and sqeuclidean, not '${String(metric)}'`);
  if (options.quantization !== undefined && !(options.quantization in USEARCH_SCALAR))
    throw new KnnArgumentError(`ANN index stores f32, f16 or i8 vectors, not '${String(options.quantization)}'`);
  return {
    format: 'nearlab-usearch',
    version: 1,
    metric,
    dim,
    rows,
    connectivity: options.connectivity ?? 16,
    expansionAdd: options.expansionAdd ?? 96,
    expansionSearch: options.expansionSearch ?? 256,
    quantization: options.quantization ?? (metric === 'cosine' ? 'f16' : 'f32'),
  };
}

function newIndex(meta: AnnMeta): Index {
  return new Index({
    dimensions: meta.dim,
    metric: USEARCH_METRIC[meta.metric],
    quantization: USEARCH_SCALAR[meta.quantization ?? 'f32'],
    connectivity: meta.connectivity,
    expansion_add: meta.expansionAdd,
    expansion_search: meta.expansionSearch,
    multi: false,
  });
}

function metaPathOf(path: string): string {
  return `${path}.json`;
}

export interface RecallReport {
  k: number;
  queries: number;
  /** Mean over queries of |ANN top-k ∩ exact top-k| / k. */
  recall: number;
}

/**
 * recall@k of the index against exact search, on `sample` gallery rows chosen with a seeded generator
 * (or on the given query matrix).
 */
export function measureRecall(
  index: AnnIndex,
  gallery: Matrix,
  options: { k?: number; sample?: number | Matrix; seed?: number; exact?: TopKResult } = {},
): RecallReport {
  const k = Math.min(options.k ?? 10, gallery.rows);
  const sample = options.sample ?? 200;
  let queries: Matrix;
  if (typeof sample === 'number') {
    const n = Math.min(sample, gallery.rows);
    const rows = sampleDistinct(gallery.rows, n, createRng(options.seed ?? 1));
    const data = new Float32Array(n * gallery.dim);
    rows.forEach((r, i) => data.set(gallery.data.subarray(r * gallery.dim, (r + 1) * gallery.dim), i * gallery.dim));
    queries = { data, rows: n, dim: gallery.dim };
  } else queries = sample;
  if (k === 0 || queries.rows === 0) return { k, queries: queries.rows, recall: 1 };
  // Exact answers may be passed in (e.g. from an ExactIndex) when `sample` is the matching query matrix.
  const exact = options.exact ?? searchPrepared(prepareGallery(gallery, index.metric), queries, k, null);
  if (exact.queries !== queries.rows || exact.k < k)
    throw new KnnArgumentError(
      `exact results cover ${exact.queries} queries × ${exact.k}, need ${queries.rows} × ${k}`,
    );
  const approx = index.search(queries, k);
  let hits = 0;
  for (let q = 0; q < queries.rows; q++) {
    const truth = new Set(exact.indices.subarray(q * exact.k, q * exact.k + k));
    for (let i = 0; i < k; i++) if (truth.has(approx.indices[q * approx.k + i])) hits++;
  }
  return { k, queries: queries.rows, recall: hits / (queries.rows * k) };
}
