import { KnnArgumentError, ShapeError } from './errors.ts';
import { encodeLabels } from './labels.ts';
import type { Matrix } from './matrix.ts';
import type { Metric } from './metrics.ts';
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

/** Same as looKCurve from a self-search (query i = gallery row i) that returned at least Kmax+1 neighbours. */
export function looKCurveFromNeighbours(
  self: TopKResult,
  labels: readonly string[],
  kValues: readonly number[],
  weights: Weights = 'uniform',
): KCurve {
  const n = labels.length;
  if (self.queries !== n) throw new ShapeError(`self-search has ${self.queries} queries but there are ${n} labels`);
  const grid = checkGrid(kValues, n);
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
  for (let q = 0; q < n; q++) {
    const m = withoutSelf(self, q, kMax, rows, dist);
    for (let i = 0; i < m; i++) nbCodes[i] = codes[rows[i]];
    grid.forEach((k, gi) => {
      const kk = Math.min(k, m);
      neighbourWeights(dist, kk, weights, w);
      if (vote(nbCodes, w, kk, classes.length, proba) === codes[q]) correct[gi]++;
    });
  }
  const curve = grid.map((k, i) => ({ k, accuracy: correct[i] / n }));
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
