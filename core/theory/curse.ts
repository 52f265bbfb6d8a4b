/**
 * The curse of dimensionality, numerically: distance concentration, the volume in the outer shell,
 * unit-ball volumes, the sub-cube edge needed to capture a fraction of the data, and KNN accuracy
 * as pure-noise dimensions are added to an informative 2-D problem.
 */
import { logUnitBallVolume } from '../knn/balls.ts';
import { sampleDataset, type DatasetShape } from './datasets.ts';
import { assertNonNegativeInt, assertPositiveInt, TheoryInputError } from './errors.ts';
import { knnPredictND } from './nd.ts';
import { createRng, deriveSeed } from '../util/random.ts';

/** Fraction of a d-ball's volume within ε of its surface: 1 − (1 − ε)^d. */
export function shellFraction(d: number, eps: number): number {
  assertPositiveInt('dimension d', d);
  if (!(eps >= 0 && eps <= 1)) throw new TheoryInputError(`Shell thickness ε must lie in [0, 1], got ${eps}.`);
  return eps === 1 ? 1 : -Math.expm1(d * Math.log1p(-eps));
}

/** Edge of the sub-cube of [0,1]^d that holds a fraction p of uniform data: p^(1/d). */
export function subcubeEdge(p: number, d: number): number {
  assertPositiveInt('dimension d', d);
  if (!(p >= 0 && p <= 1)) throw new TheoryInputError(`The fraction p must lie in [0, 1], got ${p}.`);
  return Math.pow(p, 1 / d);
}

/** Edge of the sub-cube expected to hold K of n uniform points: (K/n)^(1/d). */
export function subcubeEdgeForK(K: number, n: number, d: number): number {
  assertPositiveInt('K', K);
  assertPositiveInt('n', n);
  if (K > n) throw new TheoryInputError(`K (${K}) cannot exceed n (${n}).`);
  return subcubeEdge(K / n, d);
}

export interface DimensionCurves {
  dims: Int32Array;
  /** ln V_d of the unit d-ball. */
  logBallVolume: Float64Array;
  ballVolume: Float64Array;
  /** V_d / 2^d: share of the cube [−1, 1]^d taken by the inscribed ball. */
  ballToCubeRatio: Float64Array;
  /** 1 − (1 − ε)^d for the given ε. */
  shellFraction: Float64Array;
  /** p^(1/d) for the given p. */
  subcubeEdge: Float64Array;
}

/** The closed-form curves for a list of dimensions, ready to plot. */
export function dimensionCurves(dims: readonly number[], options: { eps: number; p: number }): DimensionCurves {
  dims.forEach((d) => assertPositiveInt('each dimension', d));
  const logV = Float64Array.from(dims, (d) => logUnitBallVolume(d));
  return {
    dims: Int32Array.from(dims),
    logBallVolume: logV,
    ballVolume: logV.map(Math.exp),
    ballToCubeRatio: Float64Array.from(dims, (d, i) => Math.exp(logV[i] - d * Math.LN2)),
    shellFraction: Float64Array.from(dims, (d) => shellFraction(d, options.eps)),
    subcubeEdge: Float64Array.from(dims, (d) => subcubeEdge(options.p, d)),
  };
}

export type PointDistribution = 'uniform-cube' | 'gaussian';

export interface DistanceConcentrationOptions {
  dims: readonly number[];
  /** Data points per query set. */
  n: number;
  /** Independent query points (each with its own fresh data) per dimension. */
  queries: number;
  distribution: PointDistribution;
  seed: number;
}

export interface DistanceConcentration {
  dims: Int32Array;
  /** Mean over queries of max_i ‖x_i − q‖ / min_i ‖x_i − q‖ (→ 1 as d grows). */
  meanRatio: Float64Array;
  stdRatio: Float64Array;
  /** Mean of (max − min) / min, the relative contrast (→ 0). */
  meanRelativeContrast: Float64Array;
  meanNearest: Float64Array;
  meanFarthest: Float64Array;
}

/** How the farthest/nearest distance ratio from a random query shrinks towards 1 as d grows. */
export function distanceConcentration(options: DistanceConcentrationOptions): DistanceConcentration {
  const { dims, n, queries, distribution, seed } = options;
  assertPositiveInt('n', n);
  assertPositiveInt('queries', queries);
  if (n < 2) throw new TheoryInputError('Distance ratios need at least 2 data points.');
  const out: DistanceConcentration = {
    dims: Int32Array.from(dims),
    meanRatio: new Float64Array(dims.length),
    stdRatio: new Float64Array(dims.length),
    meanRelativeContrast: new Float64Array(dims.length),
    meanNearest: new Float64Array(dims.length),
    meanFarthest: new Float64Array(dims.length),
  };
  const draw = (rng: ReturnType<typeof createRng>): number => (distribution === 'gaussian' ? rng.normal() : rng.next());
  dims.forEach((d, a) => {
    assertPositiveInt('each dimension', d);
    const rng = createRng(deriveSeed(seed, d));
    const q = new Float64Array(d);
    const ratios = new Float64Array(queries);
    let contrast = 0;
    let near = 0;
    let far = 0;
    for (let s = 0; s < queries; s++) {
      for (let c = 0; c < d; c++) q[c] = draw(rng);
      let min = Infinity;
      let max = 0;
      for (let i = 0; i < n; i++) {
        let sq = 0;
        for (let c = 0; c < d; c++) {
          const diff = draw(rng) - q[c];
          sq += diff * diff;
        }
        const dist = Math.sqrt(sq);
        if (dist < min) min = dist;
        if (dist > max) max = dist;
      }
      ratios[s] = max / min;
      contrast += (max - min) / min;
      near += min;
      far += max;
    }
    const mean = ratios.reduce((x, y) => x + y, 0) / queries;
    out.meanRatio[a] = mean;
    out.stdRatio[a] = queries > 1 ? Math.sqrt(ratios.reduce((x, r) => x + (r - mean) ** 2, 0) / (queries - 1)) : 0;
    out.meanRelativeContrast[a] = contrast / queries;
    out.meanNearest[a] = near / queries;
    out.meanFarthest[a] = far / queries;
  });
  return out;
}

export interface NoiseDimensionOptions {
  /** The informative 2-D problem. */
  shape: DatasetShape;
  nTrain: number;
  nTest: number;
  K: number;
  /** Numbers of pure-noise dimensions to append, e.g. [0, 2, 8, 32, 128]. */
  noiseDims: readonly number[];
  /** Std of every noise coordinate; default: the pooled std of the two informative coordinates of each training sample. */
  noiseStd?: number;
  repeats: number;
  seed: number;
}

export interface NoiseDimensionResult {
  noiseDims: Int32Array;
  /** Mean and sample std of the KNN test accuracy over repeats. */
  meanAccuracy: Float64Array;
  stdAccuracy: Float64Array;
  /** Every accuracy, setting-major (index = setting · repeats + repeat). */
  accuracies: Float64Array;
  /** Accuracy of always predicting the most frequent training class, averaged over repeats. */
  majorityBaseline: number;
  repeats: number;
}

/**
 * KNN (L2) accuracy on a fixed informative 2-D problem as noise dimensions are appended. Within a
 * repeat the noise columns are nested: the setting with k noise dimensions uses the first k columns.
 */
export function knnAccuracyWithNoiseDims(options: NoiseDimensionOptions): NoiseDimensionResult {
  const { shape, nTrain, nTest, K, noiseDims, repeats, seed } = options;
  assertPositiveInt('nTrain', nTrain);
  assertPositiveInt('nTest', nTest);
  assertPositiveInt('K', K);
  assertPositiveInt('repeats', repeats);
  if (noiseDims.length === 0) throw new TheoryInputError('noiseDims is empty; give at least one count (0 means none).');
  noiseDims.forEach((k) => assertNonNegativeInt('each noise dimension count', k));
  if (options.noiseStd !== undefined && !(options.noiseStd >= 0)) {
    throw new TheoryInputError(`noiseStd must be ≥ 0, got ${options.noiseStd}.`);
  }
  const maxNoise = Math.max(...noiseDims);
  const D = 2 + maxNoise;
  const accuracies = new Float64Array(noiseDims.length * repeats);
  let baseline = 0;
  for (let r = 0; r < repeats; r++) {
    const train = sampleDataset(shape, { n: nTrain, seed: deriveSeed(seed, r, 1) });
    const test = sampleDataset(shape, { n: nTest, seed: deriveSeed(seed, r, 2) });
    const std = options.noiseStd ?? pooledStd(train.points);
    const rng = createRng(deriveSeed(seed, r, 3));
    const embed = (pts: Float64Array, count: number): Float64Array => {
      const X = new Float64Array(count * D);
      for (let i = 0; i < count; i++) {
        X[i * D] = pts[2 * i];
        X[i * D + 1] = pts[2 * i + 1];
        for (let c = 2; c < D; c++) X[i * D + c] = std * rng.normal();
      }
      return X;
    };
    const trainX = embed(train.points, nTrain);
    const testX = embed(test.points, nTest);
    const M = train.numClasses;
    noiseDims.forEach((k, a) => {
      const pred = knnPredictND(trainX, train.labels, testX, D, K, M, 2 + k);
      let right = 0;
      for (let t = 0; t < nTest; t++) if (pred[t] === test.labels[t]) right++;
      accuracies[a * repeats + r] = right / nTest;
    });
    const counts = new Int32Array(M);
    train.labels.forEach((l) => counts[l]++);
    let major = 0;
    for (let c = 1; c < M; c++) if (counts[c] > counts[major]) major = c;
    baseline += test.labels.reduce((s, l) => s + (l === major ? 1 : 0), 0) / nTest;
  }
  const meanAccuracy = new Float64Array(noiseDims.length);
  const stdAccuracy = new Float64Array(noiseDims.length);
  noiseDims.forEach((_, a) => {
    const row = accuracies.subarray(a * repeats, (a + 1) * repeats);
    const m = row.reduce((s, v) => s + v, 0) / repeats;
    meanAccuracy[a] = m;
    stdAccuracy[a] = repeats > 1 ? Math.sqrt(row.reduce((s, v) => s + (v - m) ** 2, 0) / (repeats - 1)) : 0;
  });
  return {
    noiseDims: Int32Array.from(noiseDims),
    meanAccuracy,
    stdAccuracy,
    accuracies,
    majorityBaseline: baseline / repeats,
    repeats,
  };
}

/** √(mean of the two coordinate variances) of interleaved 2-D points. */
function pooledStd(points: Float64Array): number {
  const n = points.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i];
    my += points[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (points[2 * i] - mx) ** 2 + (points[2 * i + 1] - my) ** 2;
  return Math.sqrt(v / (2 * Math.max(1, n - 1)));
}
