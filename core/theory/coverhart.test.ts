import { describe, expect, it } from 'vitest';
import {
  bayesError,
  bayesErrorTwoGaussians,
  coverHartBounds,
  mahalanobisBetweenMeans,
  monteCarloRisks,
  oneNnTestError,
  sampleFromModel,
  simulateOneNnError,
  type GaussianClassModel,
} from './coverhart.ts';
import { covarianceFromAxes, inverse2, type Mat2, type Vec2 } from './linalg2.ts';
import { errorVsK } from './playground.ts';
import { normalCdf } from './special.ts';

/** Error of the linear Bayes rule on a fresh sample: an estimate independent of the posterior code. */
function countedBayesError(mu0: Vec2, mu1: Vec2, cov: Mat2, prior0: number, n: number, seed: number): number {
  const model: GaussianClassModel = {
    classes: [
      { mean: mu0, cov, prior: prior0 },
      { mean: mu1, cov, prior: 1 - prior0 },
    ],
  };
  const data = sampleFromModel(model, n, seed);
  const inv = inverse2(cov);
  const dx = mu1[0] - mu0[0];
  const dy = mu1[1] - mu0[1];
  const w: Vec2 = [inv[0] * dx + inv[1] * dy, inv[2] * dx + inv[3] * dy];
  const threshold = (w[0] * (mu0[0] + mu1[0])) / 2 + (w[1] * (mu0[1] + mu1[1])) / 2 + Math.log(prior0 / (1 - prior0));
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    const predicted = w[0] * data.points[2 * i] + w[1] * data.points[2 * i + 1] > threshold ? 1 : 0;
    if (predicted !== data.labels[i]) wrong++;
  }
  return wrong / n;
}

describe('Bayes error of two Gaussians', () => {
  it('is Φ(−Δ/2) with Δ the Mahalanobis distance of the means', () => {
    // Isotropic: Σ = σ² I, |μ1 − μ0| = 3, σ = 1.5 → Δ = 2 → R* = Φ(−1)
    const r = bayesErrorTwoGaussians([0, 0], [3, 0], [2.25, 0, 0, 2.25]);
    expect(r).toBeCloseTo(0.15865525393145707, 14);
    const cov = covarianceFromAxes(2, 0.5, 0.7);
    const delta = mahalanobisBetweenMeans([1, 1], [2, -1], cov);
    expect(bayesErrorTwoGaussians([1, 1], [2, -1], cov)).toBeCloseTo(normalCdf(-delta / 2), 15);
    expect(bayesErrorTwoGaussians([0, 0], [0, 0], [1, 0, 0, 1], 0.3)).toBeCloseTo(0.3, 15);
  });

  const cases: [string, Vec2, Vec2, Mat2, number][] = [
    ['isotropic, equal priors', [0, 0], [2, 0], [1, 0, 0, 1], 0.5],
    ['shared anisotropic Σ, equal priors', [0, 0], [1, 1.5], covarianceFromAxes(1.5, 0.6, 0.4), 0.5],
    ['shared Σ, unequal priors', [0, 0], [1.2, 0], [1, 0.3, 0.3, 0.8], 0.8],
  ];
  it.each(cases)('matches a Monte-Carlo count of Bayes-rule errors (%s)', (_, mu0, mu1, cov, prior0) => {
    const closed = bayesErrorTwoGaussians(mu0, mu1, cov, prior0);
    const n = 120_000;
    const counted = countedBayesError(mu0, mu1, cov, prior0, n, 41);
    const se = Math.sqrt((closed * (1 - closed)) / n);
    expect(Math.abs(counted - closed)).toBeLessThan(4 * se);
    const mc = monteCarloRisks(
      {
        classes: [
          { mean: mu0, cov, prior: prior0 },
          { mean: mu1, cov, prior: 1 - prior0 },
        ],
      },
      { samples: 60_000, seed: 42 },
    );
    expect(Math.abs(mc.bayesError - closed)).toBeLessThan(4 * mc.bayesErrorStandardError);
  });

  it('bayesError picks the closed form when it exists, Monte Carlo otherwise', () => {
    const two: GaussianClassModel = {
      classes: [
        { mean: [0, 0], cov: [1, 0, 0, 1] },
        { mean: [2, 0], cov: [1, 0, 0, 1] },
      ],
    };
    expect(bayesError(two)).toEqual({ value: normalCdf(-1), method: 'closed-form', standardError: 0 });
    const three: GaussianClassModel = { classes: [...two.classes, { mean: [1, 2], cov: [0.5, 0, 0, 0.5] }] };
    const r = bayesError(three, { samples: 20_000, seed: 1 });
    expect(r.method).toBe('monte-carlo');
    expect(r.standardError).toBeGreaterThan(0);
  });
});

describe('Cover–Hart bounds', () => {
  it('upper = R*(2 − M R*/(M − 1)); equals 2R*(1 − R*) for M = 2 and R* at the extremes', () => {
    expect(coverHartBounds(0.1, 2)).toEqual({ lower: 0.1, upper: 2 * 0.1 * 0.9 });
    expect(coverHartBounds(0, 3).upper).toBe(0);
    expect(coverHartBounds(2 / 3, 3).upper).toBeCloseTo(2 / 3, 15);
    expect(coverHartBounds(0.2, 5).upper).toBeCloseTo(0.2 * (2 - (5 * 0.2) / 4), 15);
    expect(() => coverHartBounds(0.6, 2)).toThrow(/lies in \[0, 0.5000\]/);
    expect(() => coverHartBounds(0.1, 1)).toThrow(/at least 2 classes/);
  });

  it('the asymptotic 1-NN error E[1 − Σ p(c|x)²] lies between R* and the bound (3 classes, unequal Σ)', () => {
    const model: GaussianClassModel = {
      classes: [
        { mean: [0, 0], cov: [1, 0.2, 0.2, 0.6], prior: 2 },
        { mean: [1.5, 0.5], cov: [0.5, 0, 0, 1.5] },
        { mean: [0.2, 1.8], cov: covarianceFromAxes(1.2, 0.4, 1) },
      ],
    };
    const mc = monteCarloRisks(model, { samples: 50_000, seed: 43 });
    const { upper } = coverHartBounds(mc.bayesError, 3);
    expect(mc.asymptoticOneNn).toBeGreaterThan(mc.bayesError);
    expect(mc.asymptoticOneNn).toBeLessThan(upper);
  });
});

describe('simulateOneNnError', () => {
  const model: GaussianClassModel = {
    classes: [
      { mean: [0, 0], cov: [1, 0, 0, 1] },
      { mean: [2, 0], cov: [1, 0, 0, 1] },
    ],
  };

  it('measured 1-NN error approaches the Cover–Hart band as n grows', () => {
    const sim = simulateOneNnError(model, {
      ns: [5, 50, 2000],
      repeats: 6,
      testSize: 1000,
      seed: 44,
      mcSamples: 50_000,
    });
    expect(sim.bayesErrorMethod).toBe('closed-form');
    expect(sim.bayesError).toBeCloseTo(normalCdf(-1), 15);
    expect(sim.upperBound).toBeCloseTo(2 * normalCdf(-1) * (1 - normalCdf(-1)), 15);
    expect(sim.asymptoticOneNn).toBeGreaterThan(sim.bayesError);
    expect(sim.asymptoticOneNn).toBeLessThan(sim.upperBound);
    const last = sim.mean[2];
    expect(last).toBeGreaterThan(sim.bayesError);
    expect(last).toBeLessThan(sim.upperBound + 0.01);
    expect(Math.abs(last - sim.asymptoticOneNn)).toBeLessThan(0.02);
    expect(sim.mean[0]).toBeGreaterThan(last); // tiny training sets do worse
    expect(sim.errors).toHaveLength(18);
    for (let a = 0; a < 3; a++) {
      expect(sim.std[a]).toBeGreaterThan(0);
      expect(sim.min[a]).toBeLessThanOrEqual(sim.mean[a]);
      expect(sim.max[a]).toBeGreaterThanOrEqual(sim.mean[a]);
    }
  });

  it('is deterministic per seed', () => {
    const a = simulateOneNnError(model, { ns: [30], repeats: 3, testSize: 200, seed: 7, mcSamples: 1000 });
    const b = simulateOneNnError(model, { ns: [30], repeats: 3, testSize: 200, seed: 7, mcSamples: 1000 });
    const c = simulateOneNnError(model, { ns: [30], repeats: 3, testSize: 200, seed: 8, mcSamples: 1000 });
    expect(a).toEqual(b);
    expect(a.errors).not.toEqual(c.errors);
  });

  it('uses Monte Carlo R* for three classes', () => {
    const three: GaussianClassModel = { classes: [...model.classes, { mean: [1, 2], cov: [1, 0, 0, 1] }] };
    const sim = simulateOneNnError(three, { ns: [100], repeats: 2, testSize: 300, seed: 9, mcSamples: 20_000 });
    expect(sim.bayesErrorMethod).toBe('monte-carlo');
    expect(sim.upperBound).toBeCloseTo(sim.bayesError * (2 - (3 * sim.bayesError) / 2), 15);
  });

  it('oneNnTestError agrees with the K = 1 test error of errorVsK', () => {
    const train = sampleFromModel(model, 150, 1);
    const test = sampleFromModel(model, 120, 2);
    expect(oneNnTestError(train, test)).toBe(errorVsK(train, test, { ks: [1] }).testError[0]);
  });
});
