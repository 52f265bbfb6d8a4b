/** Distances in the plane: L1, L2 and Mahalanobis √((a−b)ᵀ M (a−b)) with a PSD 2×2 M. */
import { TheoryInputError } from './errors.ts';
import { assertPsd2, det2, type Mat2 } from './linalg2.ts';

export type Metric = { kind: 'l1' } | { kind: 'l2' } | { kind: 'mahalanobis'; M: Mat2 };

export type Distance2 = (ax: number, ay: number, bx: number, by: number) => number;

/** Validates the metric (M must be symmetric PSD) and returns a distance function. */
export function distanceFunction(metric: Metric): Distance2 {
  switch (metric.kind) {
    case 'l1':
      return (ax, ay, bx, by) => Math.abs(ax - bx) + Math.abs(ay - by);
    case 'l2':
      return (ax, ay, bx, by) => {
        const dx = ax - bx;
        const dy = ay - by;
        return Math.sqrt(dx * dx + dy * dy);
      };
    case 'mahalanobis': {
      assertPsd2('Mahalanobis matrix M', metric.M);
      const [a, b, , d] = metric.M;
      const b2 = 2 * b;
      return (ax, ay, bx, by) => {
        const dx = ax - bx;
        const dy = ay - by;
        // max(0, ·) guards tiny negative rounding for singular M.
        return Math.sqrt(Math.max(0, a * dx * dx + b2 * dx * dy + d * dy * dy));
      };
    }
    default: {
      const m: never = metric;
      throw new TheoryInputError(
        `Unknown metric ${String((m as { kind: unknown }).kind)}; use 'l1', 'l2' or 'mahalanobis'.`,
      );
    }
  }
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
  distanceFunction(metric);
  if (metric.kind === 'l1') return { l1: true, a: 0, b2: 0, c: 0 };
  if (metric.kind === 'l2') return { l1: false, a: 1, b2: 0, c: 1 };
  return { l1: false, a: metric.M[0], b2: 2 * metric.M[1], c: metric.M[3] };
}

/** Turns a rank value from `rankKernel` back into a distance. */
export function rankToDistance(kernel: RankKernel, rank: number): number {
  return kernel.l1 ? rank : Math.sqrt(Math.max(0, rank));
}

/** Throws a TheoryInputError if the metric is invalid (e.g. M not PSD). */
export function validateMetric(metric: Metric): void {
  distanceFunction(metric);
}

export function distance(metric: Metric, a: readonly [number, number], b: readonly [number, number]): number {
  return distanceFunction(metric)(a[0], a[1], b[0], b[1]);
}

/**
 * Area of the metric's ball of radius r in the plane: πr² (L2), 2r² (L1 diamond),
 * πr²/√det M (Mahalanobis ellipse; M must be positive definite).
 */
export function ballArea(metric: Metric, r: number): number {
  switch (metric.kind) {
    case 'l1':
      return 2 * r * r;
    case 'l2':
      return Math.PI * r * r;
    case 'mahalanobis': {
      assertPsd2('Mahalanobis matrix M', metric.M, true);
      return (Math.PI * r * r) / Math.sqrt(det2(metric.M));
    }
    default: {
      const m: never = metric;
      throw new TheoryInputError(`Unknown metric ${String((m as { kind: unknown }).kind)}.`);
    }
  }
}
