import { describe, expect, it } from 'vitest';
import { logUnitBallVolume } from '../knn/balls.ts';
import {
  dimensionCurves,
  distanceConcentration,
  knnAccuracyWithNoiseDims,
  shellFraction,
  subcubeEdge,
  subcubeEdgeForK,
} from './curse.ts';
import { sampleDataset, type DatasetShape } from './datasets.ts';
import { errorVsK } from './playground.ts';
import { createRng, deriveSeed } from '../util/random.ts';

describe('shell volume', () => {
  it('is 1 − (1 − ε)^d', () => {
    expect(shellFraction(1, 0.1)).toBeCloseTo(0.1, 15);
    expect(shellFraction(10, 0.1)).toBeCloseTo(1 - 0.9 ** 10, 15);
    expect(shellFraction(500, 0.01)).toBeCloseTo(1 - 0.99 ** 500, 14);
    expect(shellFraction(3, 0)).toBe(0);
    expect(shellFraction(3, 1)).toBe(1);
    expect(() => shellFraction(3, 1.5)).toThrow(/\[0, 1\]/);
  });

  it('matches Monte Carlo (rejection sampling in the cube) for d = 2, 3, 4', () => {
    const rng = createRng(51);
    for (const d of [2, 3, 4]) {
      const eps = 0.2;
      let inside = 0;
      let shell = 0;
      const x = new Float64Array(d);
      for (let s = 0; s < 60_000; s++) {
        let r2 = 0;
        for (let c = 0; c < d; c++) {
          x[c] = 2 * rng.next() - 1;
          r2 += x[c] * x[c];
        }
        if (r2 > 1) continue;
        inside++;
        if (Math.sqrt(r2) > 1 - eps) shell++;
      }
      const p = shellFraction(d, eps);
      expect(Math.abs(shell / inside - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / inside));
      // The accepted share estimates V_d / 2^d.
      const ratio = Math.exp(logUnitBallVolume(d)) / 2 ** d;
      expect(Math.abs(inside / 60_000 - ratio)).toBeLessThan(4 * Math.sqrt((ratio * (1 - ratio)) / 60_000));
    }
  });
});

describe('sub-cube edge', () => {
  it('is p^(1/d) and (K/n)^(1/d)', () => {
    expect(subcubeEdge(0.1, 1)).toBeCloseTo(0.1, 15);
    expect(subcubeEdge(0.1, 10)).toBeCloseTo(0.1 ** 0.1, 15);
    expect(subcubeEdgeForK(10, 1000, 2)).toBeCloseTo(0.1, 15);
    expect(subcubeEdgeForK(5, 5, 7)).toBe(1);
    expect(() => subcubeEdgeForK(6, 5, 2)).toThrow(/cannot exceed/);
  });

  it('a cube of edge p^(1/d) captures a fraction p of uniform data (d = 5)', () => {
    const rng = createRng(52);
    const e = subcubeEdge(0.05, 5);
    let hit = 0;
    for (let s = 0; s < 40_000; s++) {
      let inCube = true;
      for (let c = 0; c < 5; c++) if (rng.next() >= e) inCube = false;
      if (inCube) hit++;
    }
    expect(Math.abs(hit / 40_000 - 0.05)).toBeLessThan(4 * Math.sqrt((0.05 * 0.95) / 40_000));
  });

  it('dimensionCurves bundles the closed forms', () => {
    const c = dimensionCurves([1, 2, 3, 10], { eps: 0.1, p: 0.01 });
    expect(c.ballVolume[1]).toBeCloseTo(Math.PI, 12);
    expect(c.ballToCubeRatio[1]).toBeCloseTo(Math.PI / 4, 12);
    expect(c.shellFraction[3]).toBeCloseTo(1 - 0.9 ** 10, 14);
    expect(c.subcubeEdge[3]).toBeCloseTo(0.01 ** 0.1, 14);
  });
});

describe('distance concentration', () => {
  it.each(['uniform-cube', 'gaussian'] as const)('farthest/nearest → 1 as d grows (%s)', (distribution) => {
    const dims = [2, 10, 100, 1000];
    const r = distanceConcentration({ dims, n: 300, queries: 8, distribution, seed: 53 });
    for (let a = 1; a < dims.length; a++) {
      expect(r.meanRatio[a]).toBeLessThan(r.meanRatio[a - 1]);
      expect(r.meanRelativeContrast[a]).toBeCloseTo(r.meanRatio[a] - 1, 12);
    }
    expect(r.meanRatio[0]).toBeGreaterThan(10);
    expect(r.meanRatio[3]).toBeLessThan(1.35);
    expect(r.meanNearest[3]).toBeLessThan(r.meanFarthest[3]);
  });
});

describe('KNN with pure-noise dimensions', () => {
  const shape: DatasetShape = { kind: 'blobs', numClasses: 2, radius: 1.5, spread: 0.6 };

  it('accuracy falls from the 2-D value towards chance as noise dimensions are added', () => {
    const r = knnAccuracyWithNoiseDims({
      shape,
      nTrain: 150,
      nTest: 150,
      K: 5,
      noiseDims: [0, 4, 32, 256],
      repeats: 3,
      seed: 54,
    });
    expect(r.meanAccuracy[0]).toBeGreaterThan(0.9);
    expect(r.meanAccuracy[3]).toBeLessThan(r.meanAccuracy[0] - 0.15);
    expect(r.meanAccuracy[3]).toBeLessThan(0.8);
    expect(r.majorityBaseline).toBeGreaterThan(0.4);
    expect(r.majorityBaseline).toBeLessThan(0.6);
    expect(r.accuracies).toHaveLength(12);
  });

  it('with 0 noise dimensions it is the 2-D KNN accuracy on the same samples', () => {
    const seed = 55;
    const r = knnAccuracyWithNoiseDims({ shape, nTrain: 80, nTest: 60, K: 3, noiseDims: [0], repeats: 2, seed });
    for (let rep = 0; rep < 2; rep++) {
      const train = sampleDataset(shape, { n: 80, seed: deriveSeed(seed, rep, 1) });
      const test = sampleDataset(shape, { n: 60, seed: deriveSeed(seed, rep, 2) });
      expect(r.accuracies[rep]).toBeCloseTo(1 - errorVsK(train, test, { ks: [3] }).testError[0], 15);
    }
  });

  it('rejects negative noise counts', () => {
    expect(() =>
      knnAccuracyWithNoiseDims({ shape, nTrain: 10, nTest: 10, K: 1, noiseDims: [-1], repeats: 1, seed: 1 }),
    ).toThrow(/non-negative integer/);
  });
});
