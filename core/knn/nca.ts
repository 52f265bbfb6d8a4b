import { KnnArgumentError, ShapeError } from './errors.ts';
import { looKCurve } from './kcurve.ts';
import { encodeLabels } from './labels.ts';
import { columnMeans, covariance, gram, symmetricEigen } from './linalg.ts';
import type { Matrix } from './matrix.ts';
import { mahalanobisFromMap, type MahalanobisMetric } from './metrics.ts';
import { createRng, deriveSeed, sampleDistinct } from '../util/random.ts';

export interface NcaProgress {
  iteration: number;
  /** Mean p_i over this iteration's anchors: the expected leave-one-out accuracy of the soft 1-NN rule. */
  objective: number;
  /** Exponential moving average of the objective, used for the stopping rule. */
  smoothed: number;
}

export interface NcaOptions {
  /** Output dimension r ≤ d (default d). */
  dimsOut?: number;
  /** Start from the identity (first r rows), the top-r principal axes, or a seeded Gaussian matrix. Default 'pca'. */
  init?: 'identity' | 'pca' | 'random';
  seed?: number;
  maxIterations?: number;
  /** Stop when the smoothed objective moved less than this over the last 10 iterations. */
  tolerance?: number;
  /** Anchors per iteration (default min(n, 256)); all points are always the candidate neighbours. */
  batchSize?: number;
  /** Adam step size (default 0.02). */
  learningRate?: number;
  /** Called after every iteration; return false to stop early. */
  onProgress?: (p: NcaProgress) => boolean | void;
}

export interface NcaResult {
  /** r×d row-major map; project with x ↦ Ax. */
  A: Float64Array;
  /** d×d row-major Mahalanobis matrix M = AᵀA. */
  M: Float64Array;
  dimsOut: number;
  dim: number;
  iterations: number;
  converged: boolean;
  /** Objective per iteration. */
  history: number[];
}

/**
 * Neighbourhood Components Analysis (Goldberger, Roweis, Hinton & Salakhutdinov 2004): maximises
 * f(A) = Σ_i Σ_{j: y_j = y_i} p_ij with p_ij = softmax_{j≠i}(−‖Ax_i − Ax_j‖²), by Adam ascent on mini-batches of
 * anchors. Gradient: ∂f/∂A = 2 Σ_i Σ_j w_ij (Ax_ij) x_ijᵀ with w_ij = p_i p_ij − [y_j = y_i] p_ij.
 * Standardise features first: A acts on raw distances.
 */
export function nca(X: Matrix, labels: readonly string[], options: NcaOptions = {}): NcaResult {
  const n = X.rows;
  const d = X.dim;
  if (labels.length !== n) throw new ShapeError(`${labels.length} labels for ${n} rows`);
  if (n < 2) throw new KnnArgumentError('NCA needs at least 2 rows');
  const r = options.dimsOut ?? d;
  if (!Number.isInteger(r) || r < 1 || r > d)
    throw new KnnArgumentError(`dimsOut must be an integer in 1..${d}, got ${r}`);
  const seed = options.seed ?? 0;
  const maxIter = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-4;
  const batch = Math.min(n, options.batchSize ?? 256);
  const lr = options.learningRate ?? 0.02;
  const { codes } = encodeLabels(labels);
  const x = Float64Array.from(X.data);
  const A = initialMap(x, n, d, r, options.init ?? 'pca', seed);

  const ws = workspace(n, d, r);
  const G = ws.G;
  const m1 = new Float64Array(r * d);
  const m2 = new Float64Array(r * d);
  const rng = createRng(deriveSeed(seed, 0x9e3779b9));
  const history: number[] = [];
  const smooth: number[] = [];
  let ema = NaN;
  let converged = false;
  let it = 0;
  while (it < maxIter) {
    it++;
    const anchors = batch === n ? null : sampleDistinct(n, batch, rng);
    const objective = objectiveAndGradient(x, codes, A, n, d, r, anchors, ws);
    // Adam ascent on the mean objective.
    const c1 = 1 - 0.9 ** it;
    const c2 = 1 - 0.999 ** it;
    for (let e = 0; e < r * d; e++) {
      const g = G[e];
      m1[e] = 0.9 * m1[e] + 0.1 * g;
      m2[e] = 0.999 * m2[e] + 0.001 * g * g;
      A[e] += (lr * (m1[e] / c1)) / (Math.sqrt(m2[e] / c2) + 1e-8);
    }
    history.push(objective);
    ema = Number.isNaN(ema) ? objective : 0.9 * ema + 0.1 * objective;
    smooth.push(ema);
    if (options.onProgress?.({ iteration: it, objective, smoothed: ema }) === false) break;
    if (it >= 20 && Math.abs(smooth[it - 1] - smooth[it - 11]) < tol) {
      converged = true;
      break;
    }
  }
  const M = gram(A, r, d);
  return { A, M, dimsOut: r, dim: d, iterations: it, converged, history };
}

interface Workspace {
  Z: Float64Array;
  P: Float64Array;
  colW: Float64Array;
  WX: Float64Array;
  WZ: Float64Array;
  /** Gradient of the mean objective, r×d. */
  G: Float64Array;
}

function workspace(n: number, d: number, r: number): Workspace {
  return {
    Z: new Float64Array(n * r),
    P: new Float64Array(n),
    colW: new Float64Array(n),
    WX: new Float64Array(d),
    WZ: new Float64Array(r),
    G: new Float64Array(r * d),
  };
}

/** Mean p_i over the anchors (all rows when null); leaves the gradient of that mean in ws.G. */
function objectiveAndGradient(
  x: Float64Array,
  codes: Int32Array,
  A: Float64Array,
  n: number,
  d: number,
  r: number,
  anchors: number[] | null,
  ws: Workspace,
): number {
  const { Z, P, colW, WX, WZ, G } = ws;
  const batch = anchors === null ? n : anchors.length;
  project(x, A, n, d, r, Z);
  G.fill(0);
  colW.fill(0);
  let objective = 0;
  for (let b = 0; b < batch; b++) {
    const i = anchors === null ? b : anchors[b];
    const zi = i * r;
    let minD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let t = 0; t < r; t++) {
        const u = Z[zi + t] - Z[j * r + t];
        s += u * u;
      }
      P[j] = s;
      if (s < minD) minD = s;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) {
        P[j] = 0;
        continue;
      }
      P[j] = Math.exp(minD - P[j]);
      sum += P[j];
    }
    let pi = 0;
    for (let j = 0; j < n; j++) {
      P[j] /= sum;
      if (codes[j] === codes[i]) pi += P[j];
    }
    objective += pi;
    WX.fill(0);
    WZ.fill(0);
    for (let j = 0; j < n; j++) {
      const p = P[j];
      if (p < 1e-14) continue;
      const w = pi * p - (codes[j] === codes[i] ? p : 0);
      colW[j] += w;
      for (let t = 0; t < d; t++) WX[t] += w * x[j * d + t];
      for (let t = 0; t < r; t++) WZ[t] += w * Z[j * r + t];
    }
    // Σ_j w_ij (z_i − z_j)(x_i − x_j)ᵀ with Σ_j w_ij = 0 reduces to −z_i·WXᵀ − WZ·x_iᵀ + (column terms below).
    for (let s = 0; s < r; s++) {
      const zs = Z[zi + s];
      const wz = WZ[s];
      const g = s * d;
      for (let t = 0; t < d; t++) G[g + t] -= zs * WX[t] + wz * x[i * d + t];
    }
  }
  for (let j = 0; j < n; j++) {
    const c = colW[j];
    if (c === 0) continue;
    for (let s = 0; s < r; s++) {
      const zc = c * Z[j * r + s];
      const g = s * d;
      for (let t = 0; t < d; t++) G[g + t] += zc * x[j * d + t];
    }
  }
  const scale = 2 / batch;
  for (let e = 0; e < r * d; e++) G[e] *= scale;
  return objective / batch;
}

/** Mean soft leave-one-out accuracy of the map A (r×d) over all rows, and its gradient (for checks and reports). */
export function ncaObjective(
  X: Matrix,
  labels: readonly string[],
  A: Float64Array,
  dimsOut: number,
): { objective: number; gradient: Float64Array } {
  if (A.length !== dimsOut * X.dim) throw new ShapeError(`A has ${A.length} values, expected ${dimsOut}×${X.dim}`);
  const ws = workspace(X.rows, X.dim, dimsOut);
  const objective = objectiveAndGradient(
    Float64Array.from(X.data),
    encodeLabels(labels).codes,
    A,
    X.rows,
    X.dim,
    dimsOut,
    null,
    ws,
  );
  return { objective, gradient: ws.G };
}

function project(x: Float64Array, A: Float64Array, n: number, d: number, r: number, Z: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < r; s++) {
      let acc = 0;
      for (let t = 0; t < d; t++) acc += A[s * d + t] * x[i * d + t];
      Z[i * r + s] = acc;
    }
  }
}

function initialMap(
  x: Float64Array,
  n: number,
  d: number,
  r: number,
  init: 'identity' | 'pca' | 'random',
  seed: number,
): Float64Array {
  const A = new Float64Array(r * d);
  if (init === 'identity') {
    for (let s = 0; s < r; s++) A[s * d + s] = 1;
  } else if (init === 'random') {
    const g = createRng(seed).normal;
    for (let e = 0; e < r * d; e++) A[e] = g() / Math.sqrt(d);
  } else {
    // The top r principal axes are the first r eigenvector rows.
    const axes = symmetricEigen(covariance(x, n, d, columnMeans(x, n, d)), d).vectors;
    A.set(axes.subarray(0, r * d));
  }
  return A;
}

/** Rows mapped through A (x ↦ Ax). */
export function ncaTransform(X: Matrix, result: NcaResult): Matrix {
  if (X.dim !== result.dim) throw new ShapeError(`NCA map expects ${result.dim}-d rows, got ${X.dim}-d`);
  const { A, dimsOut: r, dim: d } = result;
  const out = new Float32Array(X.rows * r);
  for (let i = 0; i < X.rows; i++) {
    for (let s = 0; s < r; s++) {
      let acc = 0;
      for (let t = 0; t < d; t++) acc += A[s * d + t] * X.data[i * d + t];
      out[i * r + s] = acc;
    }
  }
  return { data: out, rows: X.rows, dim: r };
}

/** The learned metric as a Mahalanobis metric usable by every search function. */
export function ncaMetric(result: NcaResult): MahalanobisMetric {
  return mahalanobisFromMap(result.A, result.dimsOut, result.dim);
}

export interface NcaReport {
  k: number;
  before: { oneNN: number; knn: number };
  after: { oneNN: number; knn: number };
}

/** Leave-one-out 1-NN and K-NN accuracy with Euclidean distance before and after the NCA map. */
export function ncaReport(X: Matrix, labels: readonly string[], result: NcaResult, k = 5): NcaReport {
  const score = (m: Matrix) => {
    const c = looKCurve(m, labels, { kValues: k === 1 ? [1] : [1, k], metric: 'euclidean' });
    return { oneNN: c.curve[0].accuracy, knn: c.curve[c.curve.length - 1].accuracy };
  };
  return { k, before: score(X), after: score(ncaTransform(X, result)) };
}
