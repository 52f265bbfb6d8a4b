/**
 * The KNN playground: posterior p(y = c | x) at a point, decision-region rasters, the 1-NN raster
 * and training / test error as a function of K.
 */
import { HeapSet } from '../knn/heap.ts';
import type { Metric } from '../knn/metrics.ts';
import { isTied, voteWithTieBreak, type TieBreak } from '../knn/vote.ts';
import { assertDataset, classCounts, type Box, type LabeledPoints2D } from './datasets.ts';
import { assertPositiveInt, TheoryInputError } from './errors.ts';
import type { Vec2 } from './linalg2.ts';
import { rankKernel, rankToDistance, type RankKernel } from './metrics.ts';

export interface KnnPosterior {
  /** K actually used: min(K, n). With K ≥ n every point votes and p(c|x) is the class prior. */
  K: number;
  /** p(y = c | x) = (neighbours of class c) / K, length numClasses. */
  probabilities: Float64Array;
  /** Majority class, ties settled by the tie-break rule (default: the lowest tied class index). */
  predicted: number;
  /** True when the top vote count is shared by several classes. */
  tied: boolean;
  /** Neighbour indices in ascending (distance, index) order. */
  neighbours: Int32Array;
  distances: Float64Array;
}

/**
 * Offers every point except `skip` to a one-heap HeapSet, keyed by the kernel's rank value
 * (squared distance for L2 / Mahalanobis). The heap is emptied first.
 */
function scanNearest(
  heap: HeapSet,
  kernel: RankKernel,
  x: number,
  y: number,
  p: Float64Array,
  n: number,
  skip = -1,
): void {
  heap.clear(0);
  let worst = Infinity;
  if (kernel.l1) {
    for (let i = 0; i < n; i++) {
      const d = Math.abs(x - p[2 * i]) + Math.abs(y - p[2 * i + 1]);
      if (d <= worst && i !== skip) worst = heap.push(0, d, i);
    }
    return;
  }
  const { a, b2, c } = kernel;
  for (let i = 0; i < n; i++) {
    const dx = x - p[2 * i];
    const dy = y - p[2 * i + 1];
    const d = a * dx * dx + b2 * dx * dy + c * dy * dy;
    if (d <= worst && i !== skip) worst = heap.push(0, d, i);
  }
}

/** Fills `heap` with the nearest points of each cell centre in turn (row-major, row 0 at the top) and visits it. */
function scanCells(
  data: LabeledPoints2D,
  grid: GridSpec,
  kernel: RankKernel,
  heap: HeapSet,
  visit: (cell: number) => void,
): void {
  const { box, width, height } = grid;
  const n = data.labels.length;
  const dx = (box.xmax - box.xmin) / width;
  const dy = (box.ymax - box.ymin) / height;
  for (let row = 0; row < height; row++) {
    const y = box.ymax - (row + 0.5) * dy;
    for (let col = 0; col < width; col++) {
      scanNearest(heap, kernel, box.xmin + (col + 0.5) * dx, y, data.points, n);
      visit(row * width + col);
    }
  }
}

/** Sorted K nearest training points to (x, y); ties in distance go to the lower index. */
export function nearestNeighbours(
  data: LabeledPoints2D,
  x: Vec2,
  K: number,
  metric: Metric = 'euclidean',
): { neighbours: Int32Array; distances: Float64Array } {
  const n = assertDataset(data);
  assertPositiveInt('K', K);
  if (n === 0) throw new TheoryInputError('The training set is empty; add points before asking for neighbours.');
  const k = Math.min(K, n);
  const kernel = rankKernel(metric);
  const heap = new HeapSet(1, k);
  scanNearest(heap, kernel, x[0], x[1], data.points, n);
  const neighbours = new Int32Array(k);
  const distances = new Float64Array(k);
  heap.drainSorted(0, neighbours, distances, 0);
  for (let j = 0; j < k; j++) distances[j] = rankToDistance(kernel, distances[j]);
  return { neighbours, distances };
}

export function knnPosterior(
  data: LabeledPoints2D,
  x: Vec2,
  K: number,
  metric: Metric = 'euclidean',
  tieBreak: TieBreak = 'lowest-index',
): KnnPosterior {
  const { neighbours, distances } = nearestNeighbours(data, x, K, metric);
  const M = data.numClasses;
  const counts = new Int32Array(M);
  const minDist = new Float64Array(M).fill(Infinity);
  for (let j = 0; j < neighbours.length; j++) {
    const c = data.labels[neighbours[j]];
    counts[c]++;
    if (distances[j] < minDist[c]) minDist[c] = distances[j];
  }
  const probabilities = new Float64Array(M);
  for (let c = 0; c < M; c++) probabilities[c] = counts[c] / neighbours.length;
  const predicted = voteWithTieBreak(counts, minDist, tieBreak);
  return { K: neighbours.length, probabilities, predicted, tied: isTied(counts, predicted), neighbours, distances };
}

export interface GridSpec {
  box: Box;
  /** Number of columns. */
  width: number;
  /** Number of rows. */
  height: number;
}

/**
 * Centre of raster cell (col, row). Rows run top to bottom like an image: row 0 is at y near
 * box.ymax, column 0 at x near box.xmin.
 */
export function cellCenter(grid: GridSpec, col: number, row: number): Vec2 {
  const { box, width, height } = grid;
  return [
    box.xmin + ((col + 0.5) * (box.xmax - box.xmin)) / width,
    box.ymax - ((row + 0.5) * (box.ymax - box.ymin)) / height,
  ];
}

function assertGrid(grid: GridSpec): void {
  assertPositiveInt('grid width', grid.width);
  assertPositiveInt('grid height', grid.height);
  const { xmin, xmax, ymin, ymax } = grid.box;
  if (![xmin, xmax, ymin, ymax].every(Number.isFinite) || !(xmax > xmin) || !(ymax > ymin)) {
    throw new TheoryInputError(
      `The bounding box needs finite xmin < xmax and ymin < ymax, got x ∈ [${xmin}, ${xmax}], y ∈ [${ymin}, ${ymax}].`,
    );
  }
}

export interface DecisionRaster {
  width: number;
  height: number;
  box: Box;
  K: number;
  numClasses: number;
  /** Predicted class per cell, row-major (index = row · width + col, row 0 at the top). */
  argmax: Int32Array;
  /** max_c p(c | cell centre) per cell. */
  maxProb: Float32Array;
  /** 1 where several classes share the top vote (argmax then follows the tie-break rule), else 0. */
  tied: Uint8Array;
  /** All p(c | cell centre), cell-major (index = cell · numClasses + c); only when requested. */
  probabilities?: Float32Array;
}

export interface DecisionRasterOptions {
  grid: GridSpec;
  K: number;
  metric?: Metric;
  /** How to settle tied votes; default 'lowest-index', so K ≥ n predicts one class everywhere. */
  tieBreak?: TieBreak;
  includeProbabilities?: boolean;
}

/** KNN decision regions over a grid. Cost O(cells · n · log K); 200×200 cells over a few hundred points is interactive. */
export function decisionRaster(data: LabeledPoints2D, options: DecisionRasterOptions): DecisionRaster {
  const n = assertDataset(data);
  const { grid } = options;
  assertGrid(grid);
  assertPositiveInt('K', options.K);
  if (n === 0) throw new TheoryInputError('The training set is empty; add points before drawing decision regions.');
  const k = Math.min(options.K, n);
  const M = data.numClasses;
  const kernel = rankKernel(options.metric ?? 'euclidean');
  const { width, height, box } = grid;
  const cells = width * height;
  const argmax = new Int32Array(cells);
  const maxProb = new Float32Array(cells);
  const tied = new Uint8Array(cells);
  const tieBreak = options.tieBreak ?? 'lowest-index';
  const probabilities = options.includeProbabilities ? new Float32Array(cells * M) : undefined;
  const heap = new HeapSet(1, k);
  const counts = new Int32Array(M);
  const minDist = new Float64Array(M);
  const labels = data.labels;
  scanCells(data, grid, kernel, heap, (cell) => {
    counts.fill(0);
    minDist.fill(Infinity);
    for (let s = 0; s < k; s++) {
      const c = labels[heap.idx[s]];
      counts[c]++;
      const d = heap.keys[s];
      if (d < minDist[c]) minDist[c] = d;
    }
    const best = voteWithTieBreak(counts, minDist, tieBreak);
    argmax[cell] = best;
    tied[cell] = isTied(counts, best) ? 1 : 0;
    maxProb[cell] = counts[best] / k;
    if (probabilities) for (let c = 0; c < M; c++) probabilities[cell * M + c] = counts[c] / k;
  });
  return { width, height, box: { ...box }, K: k, numClasses: M, argmax, maxProb, tied, probabilities };
}

export interface OneNnRaster {
  width: number;
  height: number;
  box: Box;
  /** Class of the nearest training point per cell (row-major, row 0 at the top). */
  argmax: Int32Array;
  /** Index of the nearest training point per cell: its Voronoi cell (ties → lower index). */
  nearest: Int32Array;
}

/** The K = 1 regions: which training point, and hence which class, is nearest to each cell. */
export function oneNnRaster(data: LabeledPoints2D, grid: GridSpec, metric: Metric = 'euclidean'): OneNnRaster {
  const n = assertDataset(data);
  assertGrid(grid);
  if (n === 0) throw new TheoryInputError('The training set is empty; add points before drawing Voronoi cells.');
  const kernel = rankKernel(metric);
  const heap = new HeapSet(1, 1);
  const { width, height, box } = grid;
  const argmax = new Int32Array(width * height);
  const nearest = new Int32Array(width * height);
  scanCells(data, grid, kernel, heap, (cell) => {
    const best = heap.idx[0];
    nearest[cell] = best;
    argmax[cell] = data.labels[best];
  });
  return { width, height, box: { ...box }, argmax, nearest };
}

export interface ErrorCurve {
  /** The K values, ascending (clamped to the training size, duplicates removed). */
  ks: Int32Array;
  /** Training error with each point counted among its own neighbours (so K = 1 gives 0). */
  trainError: Float64Array;
  /** Error on the separate test sample. */
  testError: Float64Array;
  /** n / K, the "effective number of parameters" used as model complexity. */
  complexity: Float64Array;
  nTrain: number;
  nTest: number;
  /** K with the lowest test error (the smallest such K on ties). */
  bestK: number;
}

export interface ErrorCurveOptions {
  /** Explicit K values; default 1, 2, …, kMax. */
  ks?: readonly number[];
  /** Largest K when `ks` is not given; default min(nTrain, 50). */
  kMax?: number;
  metric?: Metric;
  /** How to settle tied votes; default 'lowest-index', so K ≥ n predicts one class everywhere. */
  tieBreak?: TieBreak;
}

/**
 * Training and test error against K. Each query's kMax nearest neighbours are selected once
 * (bounded heap, no full sort), then every K ≤ kMax is scored from running class counts.
 */
export function errorVsK(train: LabeledPoints2D, test: LabeledPoints2D, options: ErrorCurveOptions = {}): ErrorCurve {
  const nTrain = assertDataset(train, 'train');
  const nTest = assertDataset(test, 'test');
  if (nTrain === 0 || nTest === 0) throw new TheoryInputError('errorVsK needs a non-empty training set and test set.');
  if (test.numClasses !== train.numClasses) {
    throw new TheoryInputError(
      `train has ${train.numClasses} classes but test has ${test.numClasses}; use the same class set.`,
    );
  }
  const ks = resolveKs(options, nTrain);
  const kernel = rankKernel(options.metric ?? 'euclidean');
  const tieBreak = options.tieBreak ?? 'lowest-index';
  const kMax = ks[ks.length - 1];
  const M = train.numClasses;
  const p = train.points;

  const trainWrong = new Float64Array(ks.length);
  const testWrong = new Float64Array(ks.length);
  const idx = new Int32Array(kMax);
  const dst = new Float64Array(kMax);
  const counts = new Int32Array(M);
  const minDist = new Float64Array(M);
  const heapOthers = kMax > 1 ? new HeapSet(1, kMax - 1) : null;
  const heapAll = new HeapSet(1, kMax);

  const score = (count: number, truth: number, wrong: Float64Array): void => {
    counts.fill(0);
    minDist.fill(Infinity);
    let next = 0;
    for (let j = 0; j < count; j++) {
      const c = train.labels[idx[j]];
      counts[c]++;
      if (dst[j] < minDist[c]) minDist[c] = dst[j];
      while (next < ks.length && ks[next] === j + 1) {
        if (voteWithTieBreak(counts, minDist, tieBreak) !== truth) wrong[next]++;
        next++;
      }
    }
  };

  for (let i = 0; i < nTrain; i++) {
    const x = p[2 * i];
    const y = p[2 * i + 1];
    // The point itself is always its own first neighbour, even when duplicates share distance 0.
    idx[0] = i;
    dst[0] = 0;
    if (heapOthers) {
      scanNearest(heapOthers, kernel, x, y, p, nTrain, i);
      heapOthers.drainSorted(0, idx, dst, 1);
    }
    score(kMax, train.labels[i], trainWrong);
  }

  for (let t = 0; t < nTest; t++) {
    const x = test.points[2 * t];
    const y = test.points[2 * t + 1];
    scanNearest(heapAll, kernel, x, y, p, nTrain);
    heapAll.drainSorted(0, idx, dst, 0);
    score(kMax, test.labels[t], testWrong);
  }

  const trainError = trainWrong.map((w) => w / nTrain);
  const testError = testWrong.map((w) => w / nTest);
  const complexity = Float64Array.from(ks, (k) => nTrain / k);
  let best = 0;
  for (let j = 1; j < ks.length; j++) if (testError[j] < testError[best]) best = j;
  return { ks, trainError, testError, complexity, nTrain, nTest, bestK: ks[best] };
}

function resolveKs(options: ErrorCurveOptions, nTrain: number): Int32Array {
  let raw: number[];
  if (options.ks) {
    if (options.ks.length === 0) throw new TheoryInputError('ks is empty; give at least one K.');
    options.ks.forEach((k) => assertPositiveInt('each K in ks', k));
    raw = options.ks.map((k) => Math.min(k, nTrain));
  } else {
    const kMax = options.kMax ?? Math.min(nTrain, 50);
    assertPositiveInt('kMax', kMax);
    raw = Array.from({ length: Math.min(kMax, nTrain) }, (_, j) => j + 1);
  }
  return Int32Array.from(new Set(raw)).sort();
}

/** Class priors n_c / n: what KNN predicts everywhere once K ≥ n. */
export function classPrior(data: LabeledPoints2D): Float64Array {
  const n = assertDataset(data);
  if (n === 0) throw new TheoryInputError('The dataset is empty; the class prior is undefined.');
  return Float64Array.from(classCounts(data), (c) => c / n);
}
