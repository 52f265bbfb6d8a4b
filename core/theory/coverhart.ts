/**
 * Cover–Hart: the asymptotic 1-NN error R_1NN lies between the Bayes error R* and
 * R*(2 − M R* / (M − 1)). Gaussian class models with known (or Monte-Carlo) R*, and a simulation of
 * the measured 1-NN test error as the training size grows.
 */
import { sampleDataset, type LabeledPoints2D } from './datasets.ts';
import { assertPositiveInt, TheoryInputError } from './errors.ts';
import { assertPsd2, det2, inverse2, quadForm2, type Mat2, type Vec2 } from './linalg2.ts';
import { createRng, deriveSeed, sampleCategorical } from '../util/random.ts';
import { normalCdf } from './special.ts';

export interface GaussianClass {
  mean: Vec2;
  /** Positive definite covariance. */
  cov: Mat2;
  /** Relative prior weight; default 1 (equal priors). */
  prior?: number;
}

export interface GaussianClassModel {
  classes: GaussianClass[];
}

/** Δ = √((μ1 − μ0)ᵀ Σ⁻¹ (μ1 − μ0)). */
export function mahalanobisBetweenMeans(mu0: Vec2, mu1: Vec2, cov: Mat2): number {
  assertPsd2('Covariance', cov, true);
  return Math.sqrt(Math.max(0, quadForm2(inverse2(cov), mu1[0] - mu0[0], mu1[1] - mu0[1])));
}

/**
 * Bayes error of two Gaussian classes with a shared covariance Σ (closed form). With equal priors
 * this is Φ(−Δ/2); in general π0 Φ(−Δ/2 − t/Δ) + π1 Φ(−Δ/2 + t/Δ) with t = ln(π0/π1).
 */
export function bayesErrorTwoGaussians(mu0: Vec2, mu1: Vec2, cov: Mat2, prior0 = 0.5): number {
  if (!(prior0 >= 0 && prior0 <= 1)) throw new TheoryInputError(`prior0 must lie in [0, 1], got ${prior0}.`);
  const prior1 = 1 - prior0;
  const delta = mahalanobisBetweenMeans(mu0, mu1, cov);
  if (prior0 === 0 || prior1 === 0) return 0;
  if (delta === 0) return Math.min(prior0, prior1);
  const t = Math.log(prior0 / prior1);
  return prior0 * normalCdf(-delta / 2 - t / delta) + prior1 * normalCdf(-delta / 2 + t / delta);
}

export interface CoverHartBounds {
  /** R* (the Bayes error itself). */
  lower: number;
  /** R*(2 − M R* / (M − 1)). */
  upper: number;
}

export function coverHartBounds(bayesError: number, numClasses: number): CoverHartBounds {
  assertPositiveInt('numClasses', numClasses);
  if (numClasses < 2) throw new TheoryInputError('The Cover–Hart bound needs at least 2 classes.');
  const maxR = (numClasses - 1) / numClasses;
  if (!(bayesError >= 0 && bayesError <= maxR + 1e-12)) {
    throw new TheoryInputError(
      `A Bayes error with ${numClasses} classes lies in [0, ${maxR.toFixed(4)}], got ${bayesError}.`,
    );
  }
  return { lower: bayesError, upper: bayesError * (2 - (numClasses * bayesError) / (numClasses - 1)) };
}

interface PreparedClass {
  mean: Vec2;
  inv: Mat2;
  logNorm: number;
  logPrior: number;
}

function prepare(model: GaussianClassModel): { classes: PreparedClass[]; priors: number[] } {
  const { classes } = model;
  if (classes.length < 2) throw new TheoryInputError('A class model needs at least 2 classes.');
  const raw = classes.map((c, i) => {
    const w = c.prior ?? 1;
    if (!Number.isFinite(w) || w <= 0) throw new TheoryInputError(`Class ${i} has prior ${w}; priors must be > 0.`);
    return w;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  const priors = raw.map((w) => w / total);
  const prepared = classes.map((c, i) => {
    assertPsd2(`Covariance of class ${i}`, c.cov, true);
    return {
      mean: c.mean,
      inv: inverse2(c.cov),
      logNorm: -Math.log(2 * Math.PI) - 0.5 * Math.log(det2(c.cov)),
      logPrior: Math.log(priors[i]),
    };
  });
  return { classes: prepared, priors };
}

/** Writes the exact posterior p(c | x) of the model into `out`. */
function posteriorInto(classes: PreparedClass[], x: number, y: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < classes.length; c++) {
    const k = classes[c];
    const l = k.logPrior + k.logNorm - 0.5 * quadForm2(k.inv, x - k.mean[0], y - k.mean[1]);
    out[c] = l;
    if (l > max) max = l;
  }
  let sum = 0;
  for (let c = 0; c < classes.length; c++) sum += out[c] = Math.exp(out[c] - max);
  for (let c = 0; c < classes.length; c++) out[c] /= sum;
}

export interface MonteCarloRisks {
  /** R* ≈ E[1 − max_c p(c|x)] (conditional expectation, lower variance than counting errors). */
  bayesError: number;
  bayesErrorStandardError: number;
  /** Asymptotic 1-NN error R_1NN = E[1 − Σ_c p(c|x)²] (Cover & Hart 1967). */
  asymptoticOneNn: number;
  asymptoticOneNnStandardError: number;
  samples: number;
}

/** Monte-Carlo estimates of the Bayes error and the n → ∞ 1-NN error from x ~ Σ_c p(c) N(μ_c, Σ_c). */
export function monteCarloRisks(
  model: GaussianClassModel,
  options: { samples: number; seed: number },
): MonteCarloRisks {
  assertPositiveInt('samples', options.samples);
  const { classes, priors } = prepare(model);
  const roots = model.classes.map((c) => cholesky2(c.cov));
  const rng = createRng(options.seed);
  const post = new Float64Array(classes.length);
  let s1 = 0;
  let s1sq = 0;
  let s2 = 0;
  let s2sq = 0;
  for (let s = 0; s < options.samples; s++) {
    const c = sampleCategorical(priors, rng);
    const [l00, l10, l11] = roots[c];
    const z1 = rng.normal();
    const z2 = rng.normal();
    posteriorInto(classes, classes[c].mean[0] + l00 * z1, classes[c].mean[1] + l10 * z1 + l11 * z2, post);
    let max = 0;
    let sq = 0;
    for (let k = 0; k < post.length; k++) {
      if (post[k] > max) max = post[k];
      sq += post[k] * post[k];
    }
    s1 += 1 - max;
    s1sq += (1 - max) ** 2;
    s2 += 1 - sq;
    s2sq += (1 - sq) ** 2;
  }
  const n = options.samples;
  const se = (sum: number, sumSq: number): number =>
    Math.sqrt(Math.max(0, sumSq / n - (sum / n) ** 2) / Math.max(1, n - 1));
  return {
    bayesError: s1 / n,
    bayesErrorStandardError: se(s1, s1sq),
    asymptoticOneNn: s2 / n,
    asymptoticOneNnStandardError: se(s2, s2sq),
    samples: n,
  };
}

/** [l00, l10, l11] with L Lᵀ = Σ. */
function cholesky2(m: Mat2): [number, number, number] {
  const l00 = Math.sqrt(m[0]);
  const l10 = m[2] / l00;
  return [l00, l10, Math.sqrt(Math.max(0, m[3] - l10 * l10))];
}

export type BayesErrorMethod = 'closed-form' | 'monte-carlo';

export interface BayesErrorResult {
  value: number;
  method: BayesErrorMethod;
  /** 0 for the closed form. */
  standardError: number;
}

function sharedCovariance(model: GaussianClassModel): Mat2 | null {
  const [first, ...rest] = model.classes;
  return rest.every((c) => c.cov.every((v, i) => v === first.cov[i])) ? first.cov : null;
}

/** True when R* has a closed form here: two classes sharing one covariance. */
export function hasClosedForm(model: GaussianClassModel): boolean {
  return model.classes.length === 2 && sharedCovariance(model) !== null;
}

/** Exact R* for two classes with a shared covariance, otherwise a Monte-Carlo estimate. */
export function bayesError(
  model: GaussianClassModel,
  options: { samples?: number; seed?: number } = {},
): BayesErrorResult {
  const { priors } = prepare(model);
  const shared = sharedCovariance(model);
  if (model.classes.length === 2 && shared) {
    return {
      value: bayesErrorTwoGaussians(model.classes[0].mean, model.classes[1].mean, shared, priors[0]),
      method: 'closed-form',
      standardError: 0,
    };
  }
  const mc = monteCarloRisks(model, { samples: options.samples ?? 200_000, seed: options.seed ?? 1 });
  return { value: mc.bayesError, method: 'monte-carlo', standardError: mc.bayesErrorStandardError };
}

/** Draws n labelled points from the model (labels i.i.d. from the priors). */
export function sampleFromModel(model: GaussianClassModel, n: number, seed: number): LabeledPoints2D {
  const { priors } = prepare(model);
  return sampleDataset(
    {
      kind: 'mixture',
      components: model.classes.map((c, i) => ({ mean: c.mean, cov: c.cov, weight: priors[i], label: i })),
      numClasses: model.classes.length,
      sampling: 'iid',
    },
    { n, seed },
  );
}

/** Fraction of test points whose nearest (L2) training point has another label; ties → lower index. */
export function oneNnTestError(train: LabeledPoints2D, test: LabeledPoints2D): number {
  const nTrain = train.labels.length;
  const nTest = test.labels.length;
  if (nTrain === 0 || nTest === 0) throw new TheoryInputError('oneNnTestError needs non-empty training and test sets.');
  const p = train.points;
  let wrong = 0;
  for (let t = 0; t < nTest; t++) {
    const x = test.points[2 * t];
    const y = test.points[2 * t + 1];
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < nTrain; j++) {
      const dx = x - p[2 * j];
      const dy = y - p[2 * j + 1];
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (train.labels[best] !== test.labels[t]) wrong++;
  }
  return wrong / nTest;
}

export interface OneNnSimulationOptions {
  /** Training sizes to try. */
  ns: readonly number[];
  /** Independent training (and test) samples per n. */
  repeats: number;
  /** Test points per repeat; default 1000. */
  testSize?: number;
  seed: number;
  /** Monte-Carlo samples for R* (when no closed form) and for the asymptotic 1-NN error; default 100 000. */
  mcSamples?: number;
}

export interface OneNnSimulation {
  ns: Int32Array;
  repeats: number;
  testSize: number;
  numClasses: number;
  /** Mean, sample standard deviation, min and max of the measured 1-NN test error per n. */
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Every measured error, n-major (index = nIndex · repeats + repeat). */
  errors: Float64Array;
  bayesError: number;
  bayesErrorMethod: BayesErrorMethod;
  /** Cover–Hart upper bound R*(2 − M R* / (M − 1)). */
  upperBound: number;
  /** Monte-Carlo estimate of lim_{n→∞} R_1NN = E[1 − Σ p(c|x)²]. */
  asymptoticOneNn: number;
}

export function simulateOneNnError(model: GaussianClassModel, options: OneNnSimulationOptions): OneNnSimulation {
  const { repeats, seed } = options;
  const testSize = options.testSize ?? 1000;
  assertPositiveInt('repeats', repeats);
  assertPositiveInt('testSize', testSize);
  if (options.ns.length === 0) throw new TheoryInputError('ns is empty; give at least one training size.');
  options.ns.forEach((n) => assertPositiveInt('each training size in ns', n));
  const M = model.classes.length;
  const mcSamples = options.mcSamples ?? 100_000;
  const mc = monteCarloRisks(model, { samples: mcSamples, seed: deriveSeed(seed, 0x5eed) });
  const closed = hasClosedForm(model) ? bayesError(model) : null;
  const rStar = closed ? closed.value : mc.bayesError;
  const ns = Int32Array.from(options.ns);
  const errors = new Float64Array(ns.length * repeats);
  const mean = new Float64Array(ns.length);
  const std = new Float64Array(ns.length);
  const min = new Float64Array(ns.length);
  const max = new Float64Array(ns.length);
  for (let a = 0; a < ns.length; a++) {
    for (let r = 0; r < repeats; r++) {
      const train = sampleFromModel(model, ns[a], deriveSeed(seed, ns[a], r, 1));
      const test = sampleFromModel(model, testSize, deriveSeed(seed, ns[a], r, 2));
      errors[a * repeats + r] = oneNnTestError(train, test);
    }
    const row = errors.subarray(a * repeats, (a + 1) * repeats);
    const m = row.reduce((s, v) => s + v, 0) / repeats;
    mean[a] = m;
    std[a] = repeats > 1 ? Math.sqrt(row.reduce((s, v) => s + (v - m) ** 2, 0) / (repeats - 1)) : 0;
    min[a] = Math.min(...row);
    max[a] = Math.max(...row);
  }
  return {
    ns,
    repeats,
    testSize,
    numClasses: M,
    mean,
    std,
    min,
    max,
    errors,
    bayesError: rStar,
    bayesErrorMethod: closed ? 'closed-form' : 'monte-carlo',
    upperBound: coverHartBounds(Math.min(rStar, (M - 1) / M), M).upper,
    asymptoticOneNn: mc.asymptoticOneNn,
  };
}
