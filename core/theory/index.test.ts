import { describe, expect, it } from 'vitest';
import * as theory from './index.ts';

describe('core/theory public API', () => {
  it('runs a full lesson through the barrel and every result survives structuredClone', () => {
    const shape: theory.DatasetShape = { kind: 'moons', noise: 0.2 };
    const train = theory.sampleDataset(shape, { n: 120, seed: 1 });
    const test = theory.sampleDataset(shape, { n: 80, seed: 2 });
    const box = theory.boundingBox(train);
    const grid: theory.GridSpec = { box, width: 30, height: 20 };
    const results: unknown[] = [
      train,
      theory.knnPosterior(train, [0.5, 0.25], 7),
      theory.decisionRaster(train, { grid, K: 7, includeProbabilities: true }),
      theory.oneNnRaster(train, grid),
      theory.voronoiDiagram(train, box),
      theory.errorVsK(train, test, { kMax: 20 }),
      theory.knnDensityAt(train, [0.5, 0.25], 7),
      theory.ballGrowth(train, [0.5, 0.25], 10),
      theory.simulateOneNnError(
        {
          classes: [
            { mean: [0, 0], cov: [1, 0, 0, 1] },
            { mean: [2, 0], cov: [1, 0, 0, 1] },
          ],
        },
        { ns: [10, 40], repeats: 2, testSize: 50, seed: 3, mcSamples: 2000 },
      ),
      theory.dimensionCurves([1, 2, 5, 10], { eps: 0.1, p: 0.1 }),
      theory.distanceConcentration({ dims: [2, 20], n: 50, queries: 2, distribution: 'gaussian', seed: 4 }),
      theory.knnAccuracyWithNoiseDims({ shape, nTrain: 40, nTest: 40, K: 3, noiseDims: [0, 5], repeats: 1, seed: 5 }),
      theory.projectLabeled(
        Float32Array.from({ length: 60 }, (_, k) => Math.sin(k * 1.7)),
        [0, 1, 0, 1, 0, 1],
        10,
      ),
    ];
    for (const r of results) expect(structuredClone(r)).toEqual(r);
    const curve = results[5] as theory.ErrorCurve;
    expect(curve.ks.length).toBe(20);
    expect(curve.trainError[0]).toBe(0);
  });

  it('exposes typed errors', () => {
    expect(() => theory.planeMahalanobis([0, 1, 1, 0])).toThrow(theory.NotPositiveSemidefiniteError);
    expect(new theory.NotPositiveSemidefiniteError('x', [1, -1])).toBeInstanceOf(theory.TheoryInputError);
  });
});
