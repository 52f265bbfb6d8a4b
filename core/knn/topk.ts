import { exactSearch, MetricKind, type Matches } from 'usearch';
import { KnnArgumentError, ShapeError } from './errors.ts';
import { HeapSet, sortPairs } from './heap.ts';
import { keyErrorScale, scanDotsJs, scanL1, type ScanMode, type Shard } from './kernel.ts';
import { asQueryMatrix, assertFinite, rowSquaredNorms, type Matrix } from './matrix.ts';
import { applyMap, canonicalMetric, type MahalanobisMetric, type Metric } from './metrics.ts';

/** Rows allowed in results: a mask (1 = allowed, one byte per gallery row) or a predicate on the row index. */
export type RowFilter = Uint8Array | ((row: number) => boolean);

export interface TopKOptions {
  /** Default 'cosine'. */
  metric?: Metric;
  filter?: RowFilter;
}

/**
 * k nearest gallery rows of every query, best first; ties are broken by the lower row index.
 * `indices[q*k + i]` / `distances[q*k + i]`; when a filter leaves fewer than k rows the tail is −1 / Infinity.
 */
export interface TopKResult {
  queries: number;
  k: number;
  indices: Int32Array;
  distances: Float64Array;
}

export interface Neighbour {
  row: number;
  distance: number;
}

/** Candidate rows kept per query beyond k, so near-ties of the approximate key are settled by exact distances. */
export const CANDIDATE_PAD = 8;

type Canonical = ReturnType<typeof canonicalMetric>;

/** A gallery with the per-row data every search needs, computed once. */
export interface PreparedGallery {
  metric: Canonical;
  /** Vectors actually compared: the gallery, or its image under L for Mahalanobis. */
  vectors: Matrix;
  /** Squared L2 norms of `vectors` rows. */
  norms: Float64Array;
  maxNorm: number;
  /** Some row is all zeros (its cosine distance is 1 to everything, which the native scan does not give). */
  hasZeroRow: boolean;
  /** Input dimension expected from queries. */
  inputDim: number;
}

export function prepareGallery(gallery: Matrix, metric: Metric = 'cosine'): PreparedGallery {
  const m = canonicalMetric(metric);
  assertFinite(gallery, 'gallery');
  const vectors = typeof m === 'string' ? gallery : applyMap(gallery, m);
  const norms = rowSquaredNorms(vectors);
  let maxNorm = 0;
  let hasZeroRow = false;
  for (let i = 0; i < norms.length; i++) {
    if (norms[i] > maxNorm) maxNorm = norms[i];
    if (norms[i] === 0) hasZeroRow = true;
  }
  return { metric: m, vectors, norms, maxNorm, hasZeroRow, inputDim: gallery.dim };
}

/** Kernel family for a metric: dot-product modes, or the exact L1 scan. */
export function scanModeOf(metric: Canonical): ScanMode | 'l1' {
  if (metric === 'l1') return 'l1';
  return metric === 'cosine' ? 'cos' : 'l2';
}

/** Queries in the compared space (mapped for Mahalanobis) plus their squared norms. */
export function prepareQueries(
  prep: PreparedGallery,
  queries: Matrix | Float32Array,
): { q: Matrix; norms: Float64Array } {
  const qm = asQueryMatrix(queries);
  if (qm.dim !== prep.inputDim) throw new ShapeError(`queries are ${qm.dim}-d but the gallery is ${prep.inputDim}-d`);
  assertFinite(qm, 'queries');
  const q = typeof prep.metric === 'string' ? qm : applyMap(qm, prep.metric as MahalanobisMetric);
  return { q, norms: rowSquaredNorms(q) };
}

export function toMask(filter: RowFilter | undefined, rows: number): Uint8Array | null {
  if (filter === undefined) return null;
  if (filter instanceof Uint8Array) {
    if (filter.length !== rows)
      throw new ShapeError(`filter mask has ${filter.length} entries but the gallery has ${rows} rows`);
    return filter;
  }
  const mask = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) mask[i] = filter(i) ? 1 : 0;
  return mask;
}

export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new KnnArgumentError(`k must be a positive integer, got ${k}`);
}

/** Exact top-k on the calling thread. For big batches use ExactIndex (worker threads). */
export function topK(
  queries: Matrix | Float32Array,
  gallery: Matrix,
  k: number,
  options: TopKOptions = {},
): TopKResult {
  checkK(k);
  const prep = prepareGallery(gallery, options.metric ?? 'cosine');
  return searchPrepared(prep, queries, k, toMask(options.filter, gallery.rows));
}

/** Exact top-k against a prepared gallery on the calling thread. */
export function searchPrepared(
  prep: PreparedGallery,
  queries: Matrix | Float32Array,
  k: number,
  mask: Uint8Array | null,
): TopKResult {
  checkK(k);
  const { q, norms: qNorms } = prepareQueries(prep, queries);
  const kk = Math.min(k, prep.vectors.rows);
  const mode = scanModeOf(prep.metric);
  const shard: Shard = {
    gallery: prep.vectors.data,
    dim: prep.vectors.dim,
    start: 0,
    end: prep.vectors.rows,
    norms: prep.norms,
    mode: mode === 'l1' ? 'l2' : mode,
    mask,
  };
  if (kk === 0) return emptyResult(q.rows, 0);
  if (mode === 'cos' && q.rows === 1 && prep.vectors.rows >= NATIVE_MIN_ROWS) {
    const native = nativeCosineTop(prep, q.data, qNorms[0], kk, mask);
    if (native) return native;
  }
  if (mode === 'l1') {
    const heaps = new HeapSet(q.rows, kk);
    scanL1(shard, q.data, q.rows, heaps);
    return mergeExact(q.rows, kk, [heaps]);
  }
  const heaps = new HeapSet(q.rows, Math.min(kk + CANDIDATE_PAD, prep.vectors.rows));
  scanDotsJs(shard, q.data, q.rows, qNorms, heaps);
  return refine(prep, q, qNorms, kk, [{ heaps, errScale: keyErrorScale('js', q.dim) }], mask);
}

/** From this many gallery rows a single cosine query goes through usearch's native SIMD scan (4× the JS scan). */
export const NATIVE_MIN_ROWS = 4096;
/** Candidates asked of the native scan beyond k, so that the proof below rarely fails on near-ties. */
const NATIVE_PAD = 64;
/** Bound on |usearch's f32 cosine distance − the exact one| (measured ≤ 3e-8 at 128-d; a wide margin). */
const NATIVE_ERROR = 1e-5;

/**
 * One cosine query's exact top-k with the candidates found by usearch's native scan (f32, every row, one thread):
 * the candidates' distances are recomputed in float64 and sorted by (distance, row), and the answer is proven as in
 * refine() — the k-th exact distance lies below the f32 distance of the last candidate less its error bound, so no
 * row left out could have entered. With a mask, more candidates are asked for (by the share of rows allowed) until
 * k allowed ones are among them. Null when it cannot prove the answer, or for a zero vector: the caller scans.
 */
function nativeCosineTop(
  prep: PreparedGallery,
  q: Float32Array,
  qn: number,
  k: number,
  mask: Uint8Array | null,
): TopKResult | null {
  const { data: g, rows, dim } = prep.vectors;
  if (qn === 0 || prep.hasZeroRow) return null;
  let allowed = rows;
  if (mask) {
    allowed = 0;
    for (let i = 0; i < rows; i++) allowed += mask[i];
    if (allowed === 0) return emptyResult(1, k);
  }
  let want = Math.min(rows, Math.ceil(((k + NATIVE_PAD) * rows) / allowed));
  for (let attempt = 0; attempt < 3 && want <= rows; attempt++) {
    const found = exactSearch(g, q, dim, want, MetricKind.Cos, 1) as Matches;
    const n = found.keys.length;
    const idx = new Int32Array(n);
    const cmp = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const row = Number(found.keys[i]);
      if (mask && !mask[row]) continue;
      idx[m] = row;
      cmp[m++] = exactCmp(q, 0, g, row * dim, dim, true, qn, prep.norms[row]);
    }
    const everyRow = n >= rows;
    if (m >= k || everyRow) {
      sortPairs(cmp, idx, 0, m);
      const kept = Math.min(k, m);
      if (everyRow || cmp[kept - 1] < found.distances[n - 1] - NATIVE_ERROR) {
        const out = emptyResult(1, k);
        for (let i = 0; i < kept; i++) {
          out.indices[i] = idx[i];
          out.distances[i] = cmp[i];
        }
        return out;
      }
    }
    if (want === rows) break;
    want = Math.min(rows, want * 4);
  }
  return null;
}

export function emptyResult(nq: number, k: number): TopKResult {
  const indices = new Int32Array(nq * k).fill(-1);
  const distances = new Float64Array(nq * k).fill(Infinity);
  return { queries: nq, k, indices, distances };
}

/** Merges per-shard exact heaps (L1) into the final result. */
export function mergeExact(nq: number, k: number, shards: HeapSet[]): TopKResult {
  const out = emptyResult(nq, k);
  const cap = shards.reduce((s, h) => s + h.cap, 0);
  const idx = new Int32Array(cap);
  const key = new Float64Array(cap);
  for (let q = 0; q < nq; q++) {
    let n = 0;
    for (const h of shards) n += h.drainSorted(q, idx, key, n);
    sortPairs(key, idx, 0, n);
    for (let i = 0; i < Math.min(k, n); i++) {
      out.indices[q * k + i] = idx[i];
      out.distances[q * k + i] = key[i];
    }
  }
  return out;
}

/** Counts kept by an index across searches. */
export interface SearchStats {
  /** Queries whose candidates could not prove the answer and were settled by a full exact scan. */
  fullScans: number;
}

export interface ShardCandidates {
  heaps: HeapSet;
  /** Multiplies (‖q‖² + max‖g‖²) for 'l2', or 1 for 'cos', to bound the error of a key. */
  errScale: number;
}

/**
 * Turns approximate candidates into the exact answer: recomputes candidate distances in float64, keeps the k best
 * by (distance, row), and proves no row left out could have entered — a full shard's worst key, less its error
 * bound, must lie beyond the k-th exact distance. Queries failing that proof get an exact full scan.
 */
export function refine(
  prep: PreparedGallery,
  q: Matrix,
  qNorms: Float64Array,
  k: number,
  shards: ShardCandidates[],
  mask: Uint8Array | null,
  stats?: SearchStats,
): TopKResult {
  const out = emptyResult(q.rows, k);
  const isCos = prep.metric === 'cosine';
  const total = shards.reduce((s, c) => s + c.heaps.cap, 0);
  const idx = new Int32Array(total);
  const cmp = new Float64Array(total);
  const g = prep.vectors.data;
  const d = q.dim;
  for (let qi = 0; qi < q.rows; qi++) {
    let n = 0;
    for (const { heaps } of shards) {
      const base = qi * heaps.cap;
      for (let i = 0; i < heaps.size[qi]; i++) idx[n++] = heaps.idx[base + i];
    }
    for (let i = 0; i < n; i++)
      cmp[i] = exactCmp(q.data, qi * d, g, idx[i] * d, d, isCos, qNorms[qi], prep.norms[idx[i]]);
    sortPairs(cmp, idx, 0, n);
    const kept = Math.min(k, n);
    let proven = true;
    if (kept === k) {
      const dk = cmp[k - 1];
      for (const { heaps, errScale } of shards) {
        if (heaps.size[qi] < heaps.cap) continue;
        const worst = heaps.keys[qi * heaps.cap];
        const approx = isCos ? 1 + worst : worst + qNorms[qi];
        const bound = errScale * (isCos ? 1 : qNorms[qi] + prep.maxNorm);
        if (!(approx - bound > dk)) proven = false;
      }
    }
    if (!proven) {
      fullScan(prep, q, qi, qNorms[qi], k, mask, idx, cmp);
      if (stats) stats.fullScans++;
    }
    for (let i = 0; i < kept; i++) {
      out.indices[qi * k + i] = idx[i];
      out.distances[qi * k + i] = finalDistance(prep.metric, cmp[i]);
    }
  }
  return out;
}

function exactCmp(
  q: Float32Array,
  qo: number,
  g: Float32Array,
  go: number,
  d: number,
  isCos: boolean,
  qn: number,
  gn: number,
): number {
  if (isCos) {
    if (qn === 0 || gn === 0) return 1;
    let dot = 0;
    for (let p = 0; p < d; p++) dot += q[qo + p] * g[go + p];
    return Math.min(2, Math.max(0, 1 - dot / (Math.sqrt(qn) * Math.sqrt(gn))));
  }
  let s = 0;
  for (let p = 0; p < d; p++) {
    const t = q[qo + p] - g[go + p];
    s += t * t;
  }
  return s;
}

function fullScan(
  prep: PreparedGallery,
  q: Matrix,
  qi: number,
  qn: number,
  k: number,
  mask: Uint8Array | null,
  idx: Int32Array,
  cmp: Float64Array,
): void {
  const heap = new HeapSet(1, k);
  const isCos = prep.metric === 'cosine';
  const d = q.dim;
  const g = prep.vectors.data;
  let thr = Infinity;
  for (let j = 0; j < prep.vectors.rows; j++) {
    if (mask !== null && mask[j] !== 1) continue;
    const c = exactCmp(q.data, qi * d, g, j * d, d, isCos, qn, prep.norms[j]);
    if (c < thr) thr = heap.push(0, c, j);
  }
  heap.drainSorted(0, idx, cmp, 0);
}

function finalDistance(metric: Canonical, cmp: number): number {
  if (typeof metric !== 'string') return Math.sqrt(cmp);
  return metric === 'euclidean' ? Math.sqrt(cmp) : cmp;
}

/** The neighbours of query q as objects, without padding. */
export function neighboursOf(result: TopKResult, q: number): Neighbour[] {
  const out: Neighbour[] = [];
  for (let i = 0; i < result.k; i++) {
    const row = result.indices[q * result.k + i];
    if (row < 0) break;
    out.push({ row, distance: result.distances[q * result.k + i] });
  }
  return out;
}
