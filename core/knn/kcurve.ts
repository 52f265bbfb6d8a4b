import { KnnArgumentError, ShapeError } from './errors.ts';
import { encodeLabels } from './labels.ts';
import type { Metric } from './metrics.ts';
import { matrix, type Matrix } from './matrix.ts';
import { prepareGallery, searchPrepared, type TopKResult } from './topk.ts';
import { neighbourWeights, vote, type Weights } from './vote.ts';

export interface KCurvePoint {
  k: number;
  accuracy: number;
}

export interface KCurve {
  curve: KCurvePoint[];
  /** K with the highest accuracy (the smallest such K on ties). */
  bestK: number;
  bestAccuracy: number;
}

export interface KCurveOptions {
  /** K values to score (default 1..min(30, n−1)). */
  kValues?: readonly number[];
  metric?: Metric;
  weights?: Weights;
}

/**
 * Leave-one-out accuracy of KNN classification for every K in a grid, from ONE search of the gallery against
 * itself for Kmax+1 neighbours with each query's own row removed.
 */
export function looKCurve(gallery: Matrix, labels: readonly string[], options: KCurveOptions = {}): KCurve {
  if (labels.length !== gallery.rows) throw new ShapeError(`${labels.length} labels for ${gallery.rows} gallery rows`);
  if (gallery.rows < 2) throw new KnnArgumentError('leave-one-out needs at least 2 gallery rows');
  const kValues = checkGrid(options.kValues ?? defaultGrid(gallery.rows), gallery.rows);
  const kMax = Math.max(...kValues);
  const self = searchPrepared(prepareGallery(gallery, options.metric ?? 'cosine'), gallery, kMax + 1, null);
  return looKCurveFromNeighbours(self, labels, kValues, options.weights ?? 'uniform');
}

export interface SampledKCurve extends KCurve {
  /** Queries scored: every gallery row, or a seeded sample of `maxQueries` of them. */
  queries: number;
  sampled: boolean;
}

/**
 * looKCurve on at most `maxQueries` queries: when the gallery has more rows, a seeded random sample of them is
 * scored (each left out of its own vote) against the whole gallery, which costs maxQueries/n of the full
 * leave-one-out; otherwise it is exactly looKCurve.
 */
export function sampledLooKCurve(
  gallery: Matrix,
  labels: readonly string[],
  options: KCurveOptions & { maxQueries: number; seed?: number },
): SampledKCurve {
  const n = gallery.rows;
  if (options.maxQueries >= n) return { ...looKCurve(gallery, labels, options), queries: n, sampled: false };
  if (labels.length !== n) throw new ShapeError(`${labels.length} labels for ${n} gallery rows`);
  if (!Number.isInteger(options.maxQueries) || options.maxQueries < 1)
    throw new KnnArgumentError(`maxQueries must be a positive integer, got ${options.maxQueries}`);
  const kValues = checkGrid(options.kValues ?? defaultGrid(n), n);
  const kMax = Math.max(...kValues);
  const picked = sampleRows(n, options.maxQueries, options.seed ?? 1);
  const d = gallery.dim;
  const q = new Float32Array(picked.length * d);
  picked.forEach((r, i) => q.set(gallery.data.subarray(r * d, (r + 1) * d), i * d));
  const prep = prepareGallery(gallery, options.metric ?? 'cosine');
  const self = searchPrepared(prep, matrix(q, picked.length, d), kMax + 1, null);
  const curve = kCurveOf(self, labels, kValues, options.weights ?? 'uniform', picked);
  return { ...curve, queries: picked.length, sampled: true };
}

/** `m` distinct rows of 0..n−1, in increasing order, by a seeded partial Fisher–Yates shuffle. */
export function sampleRows(n: number, m: number, seed: number): Int32Array {
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  const next = () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(next() * (n - i));
    const t = rows[i];
    rows[i] = rows[j];
    rows[j] = t;
  }
  return rows.subarray(0, m).sort();
}

/** Same as looKCurve from a self-search (query i = gallery row i) that returned at least Kmax+1 neighbours. */
export function looKCurveFromNeighbours(
  self: TopKResult,
  labels: readonly string[],
  kValues: readonly number[],
  weights: Weights = 'uniform',
): KCurve {
  const n = labels.length;
  if (self.queries !== n) throw new ShapeError(`self-search has ${self.queries} queries but there are ${n} labels`);
  return kCurveOf(self, labels, checkGrid(kValues, n), weights, null);
}

/** The K curve of a self-search whose query i is gallery row `queryRows[i]` (row i when null). */
function kCurveOf(
  self: TopKResult,
  labels: readonly string[],
  grid: readonly number[],
  weights: Weights,
  queryRows: Int32Array | null,
): KCurve {
  const n = labels.length;
  const kMax = Math.max(...grid);
  if (self.k < Math.min(kMax + 1, n))
    throw new KnnArgumentError(`self-search returned ${self.k} neighbours; K up to ${kMax} needs ${kMax + 1}`);
  const { classes, codes } = encodeLabels(labels);
  const correct = new Float64Array(grid.length);
  const rows = new Int32Array(kMax);
  const dist = new Float64Array(kMax);
  const nbCodes = new Int32Array(kMax);
  const w = new Float64Array(kMax);
  const proba = new Float64Array(classes.length);
  for (let q = 0; q < self.queries; q++) {
    const selfRow = queryRows ? queryRows[q] : q;
    const m = withoutSelf(self, q, kMax, rows, dist, selfRow);
    for (let i = 0; i < m; i++) nbCodes[i] = codes[rows[i]];
    grid.forEach((k, gi) => {
      const kk = Math.min(k, m);
      neighbourWeights(dist, kk, weights, w);
      if (vote(nbCodes, w, kk, classes.length, proba) === codes[selfRow]) correct[gi]++;
    });
  }
  const curve = grid.map((k, i) => ({ k, accuracy: correct[i] / self.queries }));
  let best = curve[0];
  for (const p of curve) if (p.accuracy > best.accuracy || (p.accuracy === best.accuracy && p.k < best.k)) best = p;
  return { curve, bestK: best.k, bestAccuracy: best.accuracy };
}

/** Leave-one-out accuracy for one K. */
export function looAccuracy(
  gallery: Matrix,
  labels: readonly string[],
  k: number,
  options: Omit<KCurveOptions, 'kValues'> = {},
): number {
  return looKCurve(gallery, labels, { ...options, kValues: [k] }).bestAccuracy;
}

/**
 * Neighbours of query q minus its own gallery row (`selfRow`, default q: the self-search of the whole gallery): if
 * that row is among them it is dropped, otherwise (more than Kmax duplicates ranked before it) the last one is.
 * Writes them into `rows` and `dist`, best first, and returns how many.
 */
export function withoutSelf(
  self: TopKResult,
  q: number,
  kMax: number,
  rows: Int32Array,
  dist: Float64Array,
  selfRow = q,
): number {
  let m = 0;
  for (let i = 0; i < self.k && m < kMax; i++) {
    const r = self.indices[q * self.k + i];
    if (r < 0) break;
    if (r === selfRow) continue;
    rows[m] = r;
    dist[m] = self.distances[q * self.k + i];
    m++;
  }
  return m;
}

function defaultGrid(n: number): number[] {
  return Array.from({ length: Math.min(30, n - 1) }, (_, i) => i + 1);
}

function checkGrid(kValues: readonly number[], n: number): number[] {
  if (kValues.length === 0) throw new KnnArgumentError('the K grid is empty');
  for (const k of kValues) {
    if (!Number.isInteger(k) || k < 1) throw new KnnArgumentError(`K values must be positive integers, got ${k}`);
    if (k > n - 1) throw new KnnArgumentError(`K = ${k} exceeds the ${n - 1} other rows available in leave-one-out`);
  }
  return [...kValues];
}
