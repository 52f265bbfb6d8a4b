import { KnnArgumentError, MetricMatrixError, ShapeError } from './errors.ts';
import { gram, symmetricEigen } from './linalg.ts';
import type { Matrix } from './matrix.ts';

/** Metrics with a closed form. 'l1' and 'manhattan' are the same metric. */
export type BasicMetric = 'cosine' | 'euclidean' | 'sqeuclidean' | 'l1' | 'manhattan';

/**
 * Mahalanobis metric d_M(x, y) = sqrt((x−y)ᵀ M (x−y)) with M = LᵀL. Neighbour search maps every vector
 * through L (rank × dim) and runs the Euclidean fast path.
 */
export interface MahalanobisMetric {
  readonly kind: 'mahalanobis';
  readonly dim: number;
  /** M, dim×dim row-major. */
  readonly M: Float64Array;
  /** L, rank×dim row-major, with LᵀL = M. */
  readonly L: Float64Array;
  readonly rank: number;
}

export type Metric = BasicMetric | MahalanobisMetric;

export const BASIC_METRICS: readonly BasicMetric[] = ['cosine', 'euclidean', 'sqeuclidean', 'l1', 'manhattan'];

export interface MahalanobisOptions {
  /** Relative tolerance for symmetry and for negative eigenvalues (default 1e-6). */
  tolerance?: number;
}

/**
 * Validates M (symmetric within tolerance, positive semi-definite by its eigenvalues) and factors it as
 * M = LᵀL with L = Λ^½Vᵀ, keeping only directions with a positive eigenvalue.
 */
export function mahalanobis(M: ArrayLike<number> | Matrix, options: MahalanobisOptions = {}): MahalanobisMetric {
  const tol = options.tolerance ?? 1e-6;
  const values: ArrayLike<number> = isMatrix(M) ? M.data : M;
  const n = Math.round(Math.sqrt(values.length));
  if (isMatrix(M) ? M.rows !== M.dim : n * n !== values.length || n === 0) {
    const shape = isMatrix(M) ? `${M.rows}×${M.dim}` : `${values.length} values`;
    throw new MetricMatrixError(`Mahalanobis matrix must be square and non-empty, got ${shape}`);
  }
  const m = new Float64Array(n * n);
  let maxAbs = 0;
  for (let i = 0; i < n * n; i++) {
    const v = values[i];
    if (!Number.isFinite(v))
      throw new MetricMatrixError(`Mahalanobis matrix has a non-finite entry at (${Math.floor(i / n)}, ${i % n})`);
    m[i] = v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const symTol = tol * Math.max(maxAbs, Number.MIN_VALUE);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const diff = Math.abs(m[i * n + j] - m[j * n + i]);
      if (diff > symTol) {
        throw new MetricMatrixError(
          `Mahalanobis matrix is not symmetric: M[${i}][${j}] = ${m[i * n + j]} but M[${j}][${i}] = ${m[j * n + i]}`,
        );
      }
      const avg = 0.5 * (m[i * n + j] + m[j * n + i]);
      m[i * n + j] = avg;
      m[j * n + i] = avg;
    }
  }
  const eig = symmetricEigen(m, n);
  const largest = eig.values[0];
  const smallest = eig.values[n - 1];
  const scale = Math.max(Math.abs(largest), Math.abs(smallest));
  if (smallest < -tol * scale) {
    throw new MetricMatrixError(
      `Mahalanobis matrix is not positive semi-definite: smallest eigenvalue ${smallest.toPrecision(4)} ` +
        `(largest ${largest.toPrecision(4)}); use e.g. AᵀA or a covariance inverse`,
    );
  }
  let rank = 0;
  while (rank < n && eig.values[rank] > 1e-12 * scale) rank++;
  const L = new Float64Array(rank * n);
  for (let r = 0; r < rank; r++) {
    const s = Math.sqrt(eig.values[r]);
    for (let j = 0; j < n; j++) L[r * n + j] = s * eig.vectors[r * n + j];
  }
  return { kind: 'mahalanobis', dim: n, M: m, L, rank };
}

/** Mahalanobis metric for a given linear map L (rows × dim), so M = LᵀL (e.g. an NCA projection). */
export function mahalanobisFromMap(L: ArrayLike<number>, rows: number, dim: number): MahalanobisMetric {
  if (L.length !== rows * dim) throw new ShapeError(`map has ${L.length} values, expected ${rows}×${dim}`);
  const l = Float64Array.from(L);
  return { kind: 'mahalanobis', dim, M: gram(l, rows, dim), L: l, rank: rows };
}

function isMatrix(x: ArrayLike<number> | Matrix): x is Matrix {
  return typeof (x as Matrix).rows === 'number' && (x as Matrix).data instanceof Float32Array;
}

/** Canonical name: 'manhattan' → 'l1'. */
export function canonicalMetric(metric: Metric): Exclude<BasicMetric, 'manhattan'> | MahalanobisMetric {
  if (typeof metric !== 'string') return metric;
  if (!BASIC_METRICS.includes(metric)) {
    throw new KnnArgumentError(
      `unknown metric '${String(metric)}'; use one of ${BASIC_METRICS.join(', ')} or mahalanobis(M)`,
    );
  }
  return metric === 'manhattan' ? 'l1' : metric;
}

export function metricLabel(metric: Metric): string {
  return typeof metric === 'string' ? metric : `mahalanobis(rank ${metric.rank})`;
}

/** Maps every row x to Lx (float64 arithmetic, float32 result). */
export function applyMap(m: Matrix, metric: MahalanobisMetric): Matrix {
  if (m.dim !== metric.dim) throw new ShapeError(`Mahalanobis metric is ${metric.dim}-d but vectors are ${m.dim}-d`);
  const { L, rank, dim } = metric;
  const out = new Float32Array(m.rows * rank);
  for (let i = 0; i < m.rows; i++) {
    const o = i * dim;
    for (let r = 0; r < rank; r++) {
      let s = 0;
      const lo = r * dim;
      for (let j = 0; j < dim; j++) s += L[lo + j] * m.data[o + j];
      out[i * rank + r] = s;
    }
  }
  return { data: out, rows: m.rows, dim: rank };
}

/** Exact distance between two vectors, in float64. Cosine distance of a zero vector is 1 (as in sklearn). */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>, metric: Metric): number {
  if (a.length !== b.length) throw new ShapeError(`vectors differ in length (${a.length} vs ${b.length})`);
  const m = canonicalMetric(metric);
  const n = a.length;
  if (typeof m !== 'string') {
    if (m.dim !== n) throw new ShapeError(`Mahalanobis metric is ${m.dim}-d but vectors are ${n}-d`);
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) delta[i] = a[i] - b[i];
    let s = 0;
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += m.M[i * n + j] * delta[j];
      s += delta[i] * t;
    }
    return Math.sqrt(Math.max(0, s));
  }
  switch (m) {
    case 'euclidean':
      return Math.sqrt(squaredEuclidean(a, b, 0, 0, n));
    case 'sqeuclidean':
      return squaredEuclidean(a, b, 0, 0, n);
    case 'l1':
      return manhattan(a, b, 0, 0, n);
    case 'cosine':
      return cosineDistance(a, b, 0, 0, n);
  }
}

export function squaredEuclidean(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  ao: number,
  bo: number,
  n: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const t = a[ao + i] - b[bo + i];
    s += t * t;
  }
  return s;
}

export function manhattan(a: ArrayLike<number>, b: ArrayLike<number>, ao: number, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(a[ao + i] - b[bo + i]);
  return s;
}

export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>, ao: number, bo: number, n: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[ao + i];
    const y = b[bo + i];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 1;
  return Math.min(2, Math.max(0, 1 - dot / (Math.sqrt(na) * Math.sqrt(nb))));
}
