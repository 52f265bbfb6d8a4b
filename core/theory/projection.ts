/**
 * Your data in the theory lab: a 2-D PCA projection of an n×D matrix (embeddings or raw pixels),
 * so the K curve, decision regions and Voronoi views can run on real data.
 */
import { columnMeans, covariance, symmetricEigen } from '../knn/linalg.ts';
import type { LabeledPoints2D } from './datasets.ts';
import { assertPositiveInt, TheoryInputError } from './errors.ts';
import { createRng } from '../util/random.ts';

export type Matrix = Float32Array | Float64Array;

export interface PcaOptions {
  /**
   * 'dense' forms the D×D covariance and diagonalises it (exact; default when D ≤ 64);
   * 'subspace' runs block power iteration (16 vectors) on Xᵀ X without forming it (default for larger D).
   */
  method?: 'dense' | 'subspace';
  /** Subspace iteration: relative residual ‖C u − λ u‖ / λ1 to stop at; default 1e-6. */
  tolerance?: number;
  /** Subspace iteration: default 100 (`converged` reports whether the tolerance was met). */
  maxIterations?: number;
  /** Seed of the random start block; default 1. */
  seed?: number;
}

export interface Pca2D {
  n: number;
  D: number;
  /** Column means, length D. */
  mean: Float64Array;
  /** The two principal axes as unit rows (index = k · D + j); each axis's largest-magnitude entry is positive. */
  components: Float64Array;
  /** Variance along each axis (sample variance, n − 1 denominator). */
  eigenvalues: Float64Array;
  /** Sum of all column variances. */
  totalVariance: number;
  explainedVarianceRatio: Float64Array;
  method: 'dense' | 'subspace';
  iterations: number;
  converged: boolean;
}

function checkMatrix(X: Matrix, n: number, D: number): void {
  assertPositiveInt('n (rows)', n);
  assertPositiveInt('D (columns)', D);
  if (X.length !== n * D) throw new TheoryInputError(`The matrix must hold n·D = ${n * D} numbers, got ${X.length}.`);
  if (n < 2) throw new TheoryInputError('PCA needs at least 2 rows.');
  if (D < 2) throw new TheoryInputError('A 2-D projection needs at least 2 columns.');
  for (let k = 0; k < X.length; k++) {
    if (!Number.isFinite(X[k])) {
      throw new TheoryInputError(`Row ${Math.floor(k / D)}, column ${k % D} is ${X[k]}; the matrix must be finite.`);
    }
  }
}

/** The two leading principal axes of the rows of X (n×D, row-major). */
export function pca2(X: Matrix, n: number, D: number, options: PcaOptions = {}): Pca2D {
  checkMatrix(X, n, D);
  const mean = columnMeans(X, n, D);
  let totalVariance = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) totalVariance += (X[i * D + j] - mean[j]) ** 2;
  totalVariance /= n - 1;

  const method = options.method ?? (D <= 64 ? 'dense' : 'subspace');
  const result = method === 'dense' ? densePca(X, n, D, mean) : subspacePca(X, n, D, mean, options);
  const { components } = result;
  for (let k = 0; k < 2; k++) {
    const row = components.subarray(k * D, (k + 1) * D);
    let big = 0;
    for (let j = 1; j < D; j++) if (Math.abs(row[j]) > Math.abs(row[big])) big = j;
    if (row[big] < 0) for (let j = 0; j < D; j++) row[j] = -row[j];
  }
  const eigenvalues = Float64Array.from(result.values, (v) => Math.max(0, v));
  return {
    n,
    D,
    mean,
    components,
    eigenvalues,
    totalVariance,
    explainedVarianceRatio: eigenvalues.map((v) => (totalVariance > 0 ? v / totalVariance : 0)),
    method,
    iterations: result.iterations,
    converged: result.converged,
  };
}

interface RawPca {
  components: Float64Array;
  values: [number, number];
  iterations: number;
  converged: boolean;
}

function densePca(X: Matrix, n: number, D: number, mean: Float64Array): RawPca {
  const { values, vectors } = symmetricEigen(covariance(X, n, D, mean), D);
  return { components: vectors.slice(0, 2 * D), values: [values[0], values[1]], iterations: 1, converged: true };
}

/** Y = C Q for the block Q (b rows of length D), C the sample covariance, without forming C. */
function applyCovariance(
  X: Matrix,
  n: number,
  D: number,
  mean: Float64Array,
  Q: Float64Array,
  b: number,
  Y: Float64Array,
): void {
  Y.fill(0);
  const row = new Float64Array(D);
  const s = new Float64Array(b);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < D; j++) row[j] = X[i * D + j] - mean[j];
    for (let k = 0; k < b; k++) {
      let acc = 0;
      for (let j = 0; j < D; j++) acc += row[j] * Q[k * D + j];
      s[k] = acc;
    }
    for (let k = 0; k < b; k++) {
      const sk = s[k] / (n - 1);
      for (let j = 0; j < D; j++) Y[k * D + j] += sk * row[j];
    }
  }
}

/** Modified Gram–Schmidt on the b rows of Q; a collapsed row is replaced by a fresh random direction. */
function orthonormalise(Q: Float64Array, b: number, D: number, rng: ReturnType<typeof createRng>): void {
  for (let k = 0; k < b; k++) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = norm(Q, k, D);
      for (let m = 0; m < k; m++) {
        let dot = 0;
        for (let j = 0; j < D; j++) dot += Q[k * D + j] * Q[m * D + j];
        for (let j = 0; j < D; j++) Q[k * D + j] -= dot * Q[m * D + j];
      }
      const after = norm(Q, k, D);
      if (after > 1e-10 * Math.max(before, 1e-300) && after > 1e-300) {
        for (let j = 0; j < D; j++) Q[k * D + j] /= after;
        break;
      }
      for (let j = 0; j < D; j++) Q[k * D + j] = rng.normal();
    }
  }
}

function norm(Q: Float64Array, k: number, D: number): number {
  let s = 0;
  for (let j = 0; j < D; j++) s += Q[k * D + j] ** 2;
  return Math.sqrt(s);
}

function subspacePca(X: Matrix, n: number, D: number, mean: Float64Array, options: PcaOptions): RawPca {
  const b = Math.min(D, 16);
  const tol = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 100;
  assertPositiveInt('maxIterations', maxIterations);
  const rng = createRng(options.seed ?? 1);
  const Q = new Float64Array(b * D);
  for (let k = 0; k < Q.length; k++) Q[k] = rng.normal();
  orthonormalise(Q, b, D, rng);
  const Y = new Float64Array(b * D);
  const T = new Float64Array(b * b);
  const components = new Float64Array(2 * D);
  const values: [number, number] = [0, 0];
  let converged = false;
  let it = 0;
  while (it < maxIterations) {
    it++;
    applyCovariance(X, n, D, mean, Q, b, Y);
    for (let k = 0; k < b; k++) {
      for (let m = 0; m < b; m++) {
        let dot = 0;
        for (let j = 0; j < D; j++) dot += Q[k * D + j] * Y[m * D + j];
        T[k * b + m] = dot;
      }
    }
    // Ritz pairs: u = Σ_k w_k Q_k, and C u = Σ_k w_k Y_k.
    const { values: theta, vectors: W } = symmetricEigen(T, b);
    let worst = 0;
    for (let r = 0; r < 2; r++) {
      let res = 0;
      for (let j = 0; j < D; j++) {
        let u = 0;
        let cu = 0;
        for (let k = 0; k < b; k++) {
          u += W[r * b + k] * Q[k * D + j];
          cu += W[r * b + k] * Y[k * D + j];
        }
        components[r * D + j] = u;
        res += (cu - theta[r] * u) ** 2;
      }
      values[r] = theta[r];
      worst = Math.max(worst, Math.sqrt(res));
    }
    if (worst <= tol * Math.max(theta[0], 1e-300) || theta[0] <= 0) {
      converged = true;
      break;
    }
    Q.set(Y);
    orthonormalise(Q, b, D, rng);
  }
  return { components, values, iterations: it, converged };
}

/** Projects the rows of X (m×D) onto the PCA axes: interleaved [x0, y0, x1, y1, …]. */
export function projectRows(pca: Pca2D, X: Matrix, m: number): Float64Array {
  const { D, mean, components } = pca;
  if (X.length !== m * D) throw new TheoryInputError(`Expected ${m} rows of ${D} numbers (${m * D}), got ${X.length}.`);
  const out = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    let a = 0;
    let c = 0;
    for (let j = 0; j < D; j++) {
      const v = X[i * D + j] - mean[j];
      a += v * components[j];
      c += v * components[D + j];
    }
    out[2 * i] = a;
    out[2 * i + 1] = c;
  }
  return out;
}

export interface LabeledProjection {
  pca: Pca2D;
  data: LabeledPoints2D;
}

/**
 * PCA to 2-D plus labels, ready for errorVsK, decisionRaster, voronoiDiagram, knnDensityAt.
 * Labels must be integers in [0, numClasses); numClasses defaults to 1 + the largest label.
 */
export function projectLabeled(
  X: Matrix,
  labels: ArrayLike<number>,
  D: number,
  options: PcaOptions & { numClasses?: number } = {},
): LabeledProjection {
  const n = labels.length;
  assertPositiveInt('D (columns)', D);
  if (X.length !== n * D) {
    throw new TheoryInputError(`${n} labels need an n×D matrix of ${n * D} numbers, got ${X.length}.`);
  }
  let maxLabel = -1;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) throw new TheoryInputError(`labels[${i}] = ${l}; labels must be integers ≥ 0.`);
    if (l > maxLabel) maxLabel = l;
  }
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (maxLabel >= numClasses) {
    throw new TheoryInputError(`Label ${maxLabel} does not fit numClasses = ${numClasses}; raise numClasses.`);
  }
  const pca = pca2(X, n, D, options);
  return { pca, data: { points: projectRows(pca, X, n), labels: Int32Array.from(labels), numClasses } };
}
