/**
 * Metrics of the plane views: core/knn's Metric limited to 'l1', 'euclidean' and a 2×2 Mahalanobis metric
 * √((a−b)ᵀ M (a−b)), which planeMahalanobis builds after checking M with the Theory lab's messages.
 */
import { mahalanobis, type MahalanobisMetric, type Metric } from '../knn/metrics.ts';
import { TheoryInputError } from './errors.ts';
import { assertPsd2, det2, IDENTITY2, type Mat2 } from './linalg2.ts';

/** The Mahalanobis metric of a symmetric positive semi-definite 2×2 M (NotPositiveSemidefiniteError otherwise). */
export function planeMahalanobis(M: Mat2): MahalanobisMetric {
  assertPsd2('Mahalanobis matrix M', M);
  return mahalanobis(M);
}

/** 'l1', or the matrix M of the quadratic form (the identity for 'euclidean'). */
export function planeForm(metric: Metric): 'l1' | Mat2 {
  if (typeof metric !== 'string') {
    if (metric.dim !== 2) {
      throw new TheoryInputError(`The plane views need a 2×2 Mahalanobis matrix, got ${metric.dim}×${metric.dim}.`);
    }
    const m = metric.M;
    return [m[0], m[1], m[2], m[3]];
  }
  if (metric === 'l1' || metric === 'manhattan') return 'l1';
  if (metric === 'euclidean') return IDENTITY2;
  throw new TheoryInputError(
    `The plane views use 'l1', 'euclidean' or a 2×2 Mahalanobis metric, got '${String(metric)}'.`,
  );
}

/**
 * The metric reduced to numbers for tight loops: neighbours are ranked by |dx| + |dy| (L1) or by the
 * squared distance a·dx² + 2b·dx·dy + c·dy² (L2 and Mahalanobis), which orders points the same way.
 */
export interface RankKernel {
  l1: boolean;
  a: number;
  b2: number;
  c: number;
}

export function rankKernel(metric: Metric): RankKernel {
  const form = planeForm(metric);
  if (form === 'l1') return { l1: true, a: 0, b2: 0, c: 0 };
  return { l1: false, a: form[0], b2: 2 * form[1], c: form[3] };
}

/** Turns a rank value from `rankKernel` back into a distance. */
export function rankToDistance(kernel: RankKernel, rank: number): number {
  return kernel.l1 ? rank : Math.sqrt(Math.max(0, rank));
}

/**
 * Area of the metric's ball of radius r in the plane: πr² (L2), 2r² (L1 diamond),
 * πr²/√det M (Mahalanobis ellipse; M must be positive definite).
 */
export function ballArea(metric: Metric, r: number): number {
  if (metric === 'euclidean') return Math.PI * r * r;
  const form = planeForm(metric);
  if (form === 'l1') return 2 * r * r;
  assertPsd2('Mahalanobis matrix M', form, true);
  return (Math.PI * r * r) / Math.sqrt(det2(form));
}
