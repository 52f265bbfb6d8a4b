/**
 * API methods of the Theory lab (issue 6): merged into contract.ts's `params` and `Results`.
 * Everything crosses the process boundary as JSON: point sets are interleaved number arrays and
 * rasters are base64 byte strings. Sizes are capped (theory-limits.ts) so that no single request
 * can keep the core busy for long; the service also refuses simulations whose total work exceeds a
 * budget.
 */
import { z } from 'zod';
import { THEORY_LIMITS } from './theory-limits.ts';

export { THEORY_LIMITS } from './theory-limits.ts';

const L = THEORY_LIMITS;
const coord = z.number().min(-1e6).max(1e6);
const int = z.number().int();
export const VEC2 = z.tuple([coord, coord]);
/** A 2×2 matrix, row-major [m00, m01, m10, m11]. */
export const MAT2 = z.tuple([coord, coord, coord, coord]);
const seed = int
  .min(0)
  .max(2 ** 31 - 1)
  .default(1);
const classCount = int.min(1).max(L.classes);

export const DATASET_2D = z
  .object({
    /** Interleaved [x0, y0, x1, y1, …]. */
    points: z.array(coord).max(2 * L.points),
    labels: z.array(int.min(0).max(L.classes - 1)).max(L.points),
    numClasses: classCount,
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.points.length !== 2 * d.labels.length) {
      ctx.addIssue({
        code: 'custom',
        message: `points must hold 2 numbers per label (${2 * d.labels.length}), got ${d.points.length}`,
      });
    }
    const bad = d.labels.findIndex((l) => l >= d.numClasses);
    if (bad >= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `labels[${bad}] = ${d.labels[bad]} is not below numClasses ${d.numClasses}`,
      });
    }
  });
const nonEmpty = DATASET_2D.refine((d) => d.labels.length > 0, { message: 'add at least one point first' });

export const PLANE_METRIC = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('l1') }).strict(),
    z.object({ kind: z.literal('l2') }).strict(),
    /** √((a−b)ᵀ M (a−b)); M must be symmetric positive semi-definite (checked by core). */
    z.object({ kind: z.literal('mahalanobis'), M: MAT2 }).strict(),
  ])
  .default({ kind: 'l2' });

export const BOX = z
  .object({ xmin: coord, xmax: coord, ymin: coord, ymax: coord })
  .strict()
  .refine((b) => b.xmin < b.xmax && b.ymin < b.ymax, { message: 'the box needs xmin < xmax and ymin < ymax' });

const GRID = z
  .object({ box: BOX, width: int.min(2).max(L.grid).default(160), height: int.min(2).max(L.grid).default(160) })
  .strict();

const noise = z.number().min(0).max(5);
export const SHAPE = z.discriminatedUnion('kind', [
  /** A Gaussian mixture: M isotropic classes with means on a circle. */
  z
    .object({
      kind: z.literal('blobs'),
      numClasses: int.min(2).max(8).default(3),
      radius: z.number().min(0).max(100).default(2),
      spread: z.number().min(0.01).max(50).default(0.8),
      noise: noise.default(0),
    })
    .strict(),
  /** A Gaussian mixture with explicit components (several components may share a class). */
  z
    .object({
      kind: z.literal('mixture'),
      components: z
        .array(
          z
            .object({
              mean: VEC2,
              cov: MAT2,
              weight: z.number().min(0).max(1e6).optional(),
              label: int
                .min(0)
                .max(L.classes - 1)
                .optional(),
            })
            .strict(),
        )
        .min(1)
        .max(16),
      numClasses: classCount.optional(),
      noise: noise.default(0),
    })
    .strict(),
  z.object({ kind: z.literal('moons'), noise: noise.default(0.15) }).strict(),
  z
    .object({
      kind: z.literal('rings'),
      numClasses: int.min(2).max(6).default(2),
      radii: z.array(z.number().min(0).max(1e4)).min(2).max(6).optional(),
      noise: noise.default(0.15),
    })
    .strict(),
]);

const GAUSSIAN_CLASS = z.object({ mean: VEC2, cov: MAT2, prior: z.number().positive().max(1e6).optional() }).strict();

const dims = (max: number, count: number) => z.array(int.min(1).max(max)).min(1).max(count);

export const theoryParams = {
  /** Seeded toy data in the plane, and optionally an independent test sample from the same law. */
  theoryDataset: z
    .object({
      shape: SHAPE,
      n: int.min(1).max(L.points).default(200),
      testN: int.min(0).max(L.points).default(0),
      seed,
    })
    .strict(),
  /** KNN decision regions over a grid; with K = 1 also the Voronoi cells (exact edges for L2 / Mahalanobis). */
  theoryRegions: z
    .object({
      data: nonEmpty,
      K: int.min(1).max(L.points),
      metric: PLANE_METRIC,
      grid: GRID,
      /** Compute exact Voronoi edges when K = 1 (skipped above THEORY_LIMITS.voronoiPoints points). */
      voronoi: z.boolean().default(true),
    })
    .strict(),
  /** p(y = c | x) at one point, with its K neighbours. */
  theoryPosterior: z.object({ data: nonEmpty, x: VEC2, K: int.min(1).max(L.points), metric: PLANE_METRIC }).strict(),
  /** Training and test error against K (test: the given sample, or a random split of `train`). */
  theoryErrorCurve: z
    .object({
      train: nonEmpty,
      test: DATASET_2D.optional(),
      testFraction: z.number().min(0.05).max(0.5).default(0.3),
      seed,
      kMax: int.min(1).max(L.kMax).default(50),
      metric: PLANE_METRIC,
    })
    .strict(),
  /** The K-nearest-neighbour density estimate at x, Bayes' rule, and the growing ball's frames. */
  theoryKde: z
    .object({
      data: nonEmpty,
      x: VEC2,
      K: int.min(1).max(L.points),
      /** Frames of the growing ball: 1 … growthMax points. */
      growthMax: int.min(1).max(L.growth).default(50),
      metric: PLANE_METRIC,
    })
    .strict(),
  /** Measured 1-NN error against n for Gaussian classes, with R* and the Cover–Hart bounds. */
  theoryCoverHart: z
    .object({
      classes: z.array(GAUSSIAN_CLASS).min(2).max(6),
      ns: z.array(int.min(1).max(L.coverHartN)).min(1).max(24).default([5, 10, 20, 50, 100, 200, 500, 1000, 2000]),
      repeats: int.min(1).max(L.coverHartRepeats).default(5),
      testSize: int.min(10).max(L.coverHartTestSize).default(1000),
      mcSamples: int.min(1000).max(L.mcSamples).default(100_000),
      seed,
    })
    .strict(),
  /** Closed-form curves against d: unit-ball volume, shell fraction, sub-cube edge for K of n points. */
  theoryCurseCurves: z
    .object({
      dims: dims(L.dimension, 200).default([1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 70, 100, 200, 500, 1000]),
      eps: z.number().min(0).max(1).default(0.05),
      K: int.min(1).max(1e9).default(10),
      n: int.min(1).max(1e9).default(1000),
    })
    .strict()
    .refine((p) => p.K <= p.n, { message: 'K cannot exceed n' }),
  /** Simulated farthest / nearest distance ratio from random queries, against d. */
  theoryConcentration: z
    .object({
      dims: dims(L.concentrationDimension, 32).default([1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000]),
      n: int.min(2).max(L.concentrationN).default(500),
      queries: int.min(1).max(L.concentrationQueries).default(20),
      distribution: z.enum(['uniform-cube', 'gaussian']).default('uniform-cube'),
      seed,
    })
    .strict(),
  /** KNN test accuracy on a 2-D problem as pure-noise dimensions are appended. */
  theoryNoiseDims: z
    .object({
      shape: SHAPE.default({ kind: 'moons', noise: 0.15 }),
      nTrain: int.min(2).max(L.noiseTrain).default(400),
      nTest: int.min(1).max(L.noiseTest).default(200),
      K: int.min(1).max(200).default(5),
      noiseDims: z.array(int.min(0).max(L.noiseDims)).min(1).max(24).default([0, 1, 2, 4, 8, 16, 32, 64, 128, 256]),
      noiseStd: z.number().min(0).max(1e3).optional(),
      repeats: int.min(1).max(L.noiseRepeats).default(3),
      seed,
    })
    .strict(),
  /**
   * The lab's labelled images projected to 2-D by PCA: the newest model's embedding (when a model
   * exists) and the raw pixels of the same images, each with its error-vs-K curve.
   */
  theoryYourData: z
    .object({
      limit: int.min(10).max(L.yourDataItems).default(600),
      /** Raw pixels are box-averaged to pixelSize × pixelSize × RGB before PCA. */
      pixelSize: z.union([z.literal(8), z.literal(16), z.literal(24), z.literal(32), z.literal(48)]).default(32),
      /** Keep the most frequent classes only (the rest are left out and counted). */
      maxClasses: int.min(2).max(L.classes).default(10),
      kMax: int.min(1).max(500).default(50),
      seed,
    })
    .strict(),
} as const;

/** A 2-D labelled point set as it crosses the API. */
export interface Dataset2D {
  /** Interleaved [x0, y0, x1, y1, …]. */
  points: number[];
  labels: number[];
  numClasses: number;
}

export interface Box2D {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

/** One edge of the Voronoi diagram: the segment between two sites. */
export interface VoronoiEdgeResult {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** The two sites this edge separates, siteA < siteB. */
  siteA: number;
  siteB: number;
  /** True when the two sites have different labels: the edge is part of the 1-NN decision boundary. */
  betweenClasses: boolean;
}

export interface RegionsResult {
  width: number;
  height: number;
  box: Box2D;
  /** K actually used: min(K, n). */
  K: number;
  numClasses: number;
  /** Predicted class per cell, base64 of one byte per cell, row-major, row 0 at the top (y = ymax). */
  argmax: string;
  /** round(255 · max_c p(c | cell)), base64 bytes. */
  confidence: string;
  /** 1 where the top vote is shared by several classes, base64 bytes. */
  tied: string;
  /** K = 1 only: index of the nearest point per cell (its Voronoi cell), base64 of little-endian uint16. */
  nearest: string | null;
  /** K = 1 with L2 / Mahalanobis and few enough points: the exact Voronoi edges. */
  voronoi: VoronoiEdgeResult[] | null;
  /** Class prior n_c / n: what every cell predicts once K ≥ n. */
  prior: number[];
  /** Why `voronoi` is null when the caller asked for it, else null. */
  voronoiNote: string | null;
}

export interface PosteriorResult {
  K: number;
  probabilities: number[];
  predicted: number;
  tied: boolean;
  neighbours: number[];
  distances: number[];
}

export interface ErrorCurveResult {
  ks: number[];
  trainError: number[];
  testError: number[];
  /** n / K. */
  complexity: number[];
  nTrain: number;
  nTest: number;
  bestK: number;
  /** Training class prior n_c / n. */
  prior: number[];
  /** Test error of always predicting the most frequent training class (the K ≥ n limit). */
  priorError: number;
  testSource: 'given' | 'split';
  /** The training / test points actually used (a split of the input when testSource is 'split'). */
  train: Dataset2D;
  test: Dataset2D;
}

export interface KdeResult {
  x: [number, number];
  K: number;
  n: number;
  numClasses: number;
  radius: number;
  /** V_K(x): area of the ball (πr² for L2, 2r² for L1, πr²/√det M for Mahalanobis). */
  volume: number;
  neighbours: number[];
  distances: number[];
  /** n_c(x). */
  countsInBall: number[];
  /** n_c. */
  classTotals: number[];
  /** p(x) = K / (n V_K). */
  density: number;
  /** p(x | c) = n_c(x) / (n_c V_K). */
  likelihood: number[];
  /** p(c) = n_c / n. */
  prior: number[];
  /** Bayes: p(x|c) p(c) / Σ p(x|c') p(c'). */
  posterior: number[];
  /** n_c(x) / K. */
  knnShare: number[];
  /** The ball at 1 … steps points. */
  growth: {
    steps: number;
    radii: number[];
    neighbours: number[];
    labels: number[];
    volumes: number[];
    /** Cumulative n_c(x), step-major (index = step · numClasses + c). */
    counts: number[];
    density: number[];
    posterior: number[];
  };
}

export interface CoverHartResult {
  ns: number[];
  repeats: number;
  testSize: number;
  numClasses: number;
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  bayesError: number;
  bayesErrorMethod: 'closed-form' | 'monte-carlo';
  /** R*·(2 − M·R* / (M − 1)). */
  upperBound: number;
  /** Monte-Carlo lim_{n→∞} of the 1-NN error, E[1 − Σ p(c|x)²]. */
  asymptoticOneNn: number;
  /** The bound as a function of R* over [0, (M−1)/M], for the classic figure. */
  boundCurve: { rStar: number[]; upper: number[] };
}

export interface CurseCurvesResult {
  dims: number[];
  ballVolume: number[];
  logBallVolume: number[];
  ballToCubeRatio: number[];
  shellFraction: number[];
  /** (K/n)^(1/d). */
  subcubeEdge: number[];
  eps: number;
  fraction: number;
}

export interface ConcentrationResult {
  dims: number[];
  meanRatio: number[];
  stdRatio: number[];
  meanRelativeContrast: number[];
  meanNearest: number[];
  meanFarthest: number[];
}

export interface NoiseDimsResult {
  noiseDims: number[];
  meanAccuracy: number[];
  stdAccuracy: number[];
  majorityBaseline: number;
  repeats: number;
}

export interface YourDataSpace {
  kind: 'embedding' | 'pixels';
  title: string;
  /** Columns of the matrix before projection. */
  dim: number;
  /** Share of the total variance along each of the two PCA axes. */
  explainedVariance: [number, number];
  /** The 2-D projection, aligned with YourDataResult.itemIds. */
  data: Dataset2D;
  box: Box2D;
  curve: ErrorCurveResult;
}

export interface YourDataResult {
  /** Shown to the user, e.g. why only raw pixels are shown. */
  note: string | null;
  classNames: string[];
  itemIds: number[];
  /** True for the held-out (val / test) items used for the test error. */
  isTest: boolean[];
  /** Labelled items left out because their class is not among the maxClasses most frequent. */
  leftOut: number;
  spaces: YourDataSpace[];
}

export interface TheoryResults {
  theoryDataset: { train: Dataset2D; test: Dataset2D | null; box: Box2D };
  theoryRegions: RegionsResult;
  theoryPosterior: PosteriorResult;
  theoryErrorCurve: ErrorCurveResult;
  theoryKde: KdeResult;
  theoryCoverHart: CoverHartResult;
  theoryCurseCurves: CurseCurvesResult;
  theoryConcentration: ConcentrationResult;
  theoryNoiseDims: NoiseDimsResult;
  theoryYourData: YourDataResult;
}
