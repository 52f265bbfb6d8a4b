/** Cyclic Jacobi eigen-solver for small dense symmetric matrices (m up to a few dozen). */
import { assertPositiveInt, TheoryInputError } from './errors.ts';

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Unit eigenvectors, one per row in the same order (index = k · m + i). */
  vectors: Float64Array;
}

/** Eigen-decomposition of the symmetric m×m row-major matrix `a` (not modified). */
export function symmetricEigen(a: ArrayLike<number>, m: number): SymmetricEigen {
  assertPositiveInt('matrix size', m);
  if (a.length !== m * m)
    throw new TheoryInputError(`Expected ${m * m} entries for a ${m}×${m} matrix, got ${a.length}.`);
  const A = Float64Array.from(a);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const s = 0.5 * (A[i * m + j] + A[j * m + i]);
      A[i * m + j] = s;
      A[j * m + i] = s;
    }
  }
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  let norm = 0;
  for (let k = 0; k < m * m; k++) norm += A[k] * A[k];
  const tol = 1e-30 * Math.max(norm, 1e-300);

  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) off += A[i * m + j] ** 2;
    if (off <= tol) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = A[p * m + q];
        if (apq === 0) continue;
        const theta = (A[q * m + q] - A[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = A[k * m + p];
          const akq = A[k * m + q];
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = A[p * m + k];
          const aqk = A[q * m + k];
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p];
          const vkq = V[k * m + q];
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => A[j * m + j] - A[i * m + i] || i - j);
  const values = Float64Array.from(order, (i) => A[i * m + i]);
  const vectors = new Float64Array(m * m);
  order.forEach((col, k) => {
    for (let i = 0; i < m; i++) vectors[k * m + i] = V[i * m + col];
  });
  return { values, vectors };
}
