/**
 * From density estimation to KNN: grow a ball around x until it holds K training points, read off
 * the class-conditional densities p(x|c) = n_c(x) / (n_c V_K(x)) and priors p(c) = n_c / n, and
 * apply Bayes' rule; the volume cancels and p(c|x) = n_c(x) / K, the KNN vote share.
 */
import { kBallDensity } from '../knn/kde.ts';
import type { Metric } from '../knn/metrics.ts';
import { assertDataset, classCounts, type LabeledPoints2D } from './datasets.ts';
import { assertPositiveInt } from './errors.ts';
import type { Vec2 } from './linalg2.ts';
import { ballArea } from './metrics.ts';
import { nearestNeighbours } from './playground.ts';

export interface KnnDensityEstimate {
  x: Vec2;
  /** K actually used, min(K, n). */
  K: number;
  n: number;
  numClasses: number;
  /** r_K(x): distance to the K-th nearest neighbour, the radius of the smallest ball holding K points. */
  radius: number;
  /** V_K(x): area of that ball in the chosen metric (πr² for L2). */
  volume: number;
  /** The K neighbours in ascending (distance, index) order (ties at r_K go to the lower index). */
  neighbours: Int32Array;
  distances: Float64Array;
  /** n_c(x): neighbours of class c inside the ball. */
  countsInBall: Int32Array;
  /** n_c: training points of class c. */
  classTotals: Int32Array;
  /** Unconditional density estimate p(x) = K / (n V_K(x)). */
  density: number;
  /** p(x | c) = n_c(x) / (n_c V_K(x)); 0 for a class with no training points. */
  likelihood: Float64Array;
  /** p(c) = n_c / n. */
  prior: Float64Array;
  /** p(c | x) = p(x|c) p(c) / Σ_c' p(x|c') p(c'), by Bayes' rule. */
  posterior: Float64Array;
  /** n_c(x) / K, the KNN vote share; equal to `posterior` up to rounding. */
  knnShare: Float64Array;
}

export function knnDensityAt(
  data: LabeledPoints2D,
  x: Vec2,
  K: number,
  metric: Metric = 'euclidean',
): KnnDensityEstimate {
  const n = assertDataset(data);
  const { neighbours, distances } = nearestNeighbours(data, x, K, metric);
  const k = neighbours.length;
  const M = data.numClasses;
  const radius = distances[k - 1];
  const volume = ballArea(metric, radius);
  const classTotals = classCounts(data);
  const codes = Int32Array.from(neighbours, (i) => data.labels[i]);
  const ball = kBallDensity(codes, classTotals, Math.log(volume));
  const countsInBall = ball.inBall;
  const knnShare = Float64Array.from(countsInBall, (cnt) => cnt / k);
  return {
    x: [x[0], x[1]],
    K: k,
    n,
    numClasses: M,
    radius,
    volume,
    neighbours,
    distances,
    countsInBall,
    classTotals,
    density: Math.exp(ball.logDensity),
    likelihood: ball.logLikelihood.map(Math.exp),
    prior: ball.prior,
    posterior: ball.posterior,
    knnShare,
  };
}

export interface BallGrowth {
  x: Vec2;
  n: number;
  numClasses: number;
  /** Number of steps, min(kMax, n); step s (0-based) is the ball holding s + 1 points. */
  steps: number;
  /** Radius at each step: the sorted neighbour distances r_1 ≤ r_2 ≤ … */
  radii: Float64Array;
  /** The point that enters the ball at each step, and its class. */
  neighbours: Int32Array;
  labels: Int32Array;
  /** Ball area at each step. */
  volumes: Float64Array;
  /** Cumulative n_c(x) after each step, step-major (index = step · numClasses + c). */
  counts: Int32Array;
  /** p(x) = k / (n V) at each step. */
  density: Float64Array;
  /** Vote share n_c(x) / k after each step (= Bayes p(c|x)), step-major like `counts`. */
  posterior: Float64Array;
}

/** Animation frames for the growing ball around x, from 1 up to kMax points. */
export function ballGrowth(data: LabeledPoints2D, x: Vec2, kMax: number, metric: Metric = 'euclidean'): BallGrowth {
  const n = assertDataset(data);
  assertPositiveInt('kMax', kMax);
  const { neighbours, distances } = nearestNeighbours(data, x, kMax, metric);
  const steps = neighbours.length;
  const M = data.numClasses;
  const labels = Int32Array.from(neighbours, (i) => data.labels[i]);
  const volumes = Float64Array.from(distances, (r) => ballArea(metric, r));
  const counts = new Int32Array(steps * M);
  const posterior = new Float64Array(steps * M);
  const density = new Float64Array(steps);
  const running = new Int32Array(M);
  for (let s = 0; s < steps; s++) {
    running[labels[s]]++;
    for (let c = 0; c < M; c++) {
      counts[s * M + c] = running[c];
      posterior[s * M + c] = running[c] / (s + 1);
    }
    density[s] = (s + 1) / (n * volumes[s]);
  }
  return {
    x: [x[0], x[1]],
    n,
    numClasses: M,
    steps,
    radii: distances,
    neighbours,
    labels,
    volumes,
    counts,
    density,
    posterior,
  };
}
