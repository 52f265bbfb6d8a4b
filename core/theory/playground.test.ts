import { describe, expect, it } from 'vitest';
import { classCounts, sampleDataset, type LabeledPoints2D } from './datasets.ts';
import type { Vec2 } from './linalg2.ts';
import { distance, type Metric } from '../knn/metrics.ts';
import { planeMahalanobis } from './metrics.ts';
import type { TieBreak } from '../knn/vote.ts';
import {
  cellCenter,
  classPrior,
  decisionRaster,
  errorVsK,
  knnPosterior,
  nearestNeighbours,
  oneNnRaster,
  type GridSpec,
} from './playground.ts';

const METRICS: Metric[] = ['l1', 'euclidean', planeMahalanobis([2, 0.7, 0.7, 0.5])];

const RULES: TieBreak[] = ['lowest-index', 'nearest'];

/** Reference: full sort by (distance, index), then majority vote with the given tie rule. */
function bruteKnn(
  data: LabeledPoints2D,
  x: Vec2,
  K: number,
  metric: Metric,
  exclude = -1,
  rule: TieBreak = 'lowest-index',
): { probs: number[]; pred: number } {
  const d = (ax: number, ay: number, bx: number, by: number): number => distance([ax, ay], [bx, by], metric);
  const order = Array.from(data.labels, (_, i) => i)
    .filter((i) => i !== exclude)
    .map((i) => ({ i, d: d(x[0], x[1], data.points[2 * i], data.points[2 * i + 1]) }))
    .sort((a, b) => a.d - b.d || a.i - b.i);
  const chosen = exclude >= 0 ? [{ i: exclude, d: 0 }, ...order].slice(0, K) : order.slice(0, K);
  const counts = new Array(data.numClasses).fill(0);
  const first = new Array(data.numClasses).fill(Infinity);
  chosen.forEach(({ i, d: dist }) => {
    const c = data.labels[i];
    counts[c]++;
    first[c] = Math.min(first[c], dist);
  });
  let pred = 0;
  for (let c = 1; c < counts.length; c++) {
    if (counts[c] > counts[pred] || (rule === 'nearest' && counts[c] === counts[pred] && first[c] < first[pred])) {
      pred = c;
    }
  }
  return { probs: counts.map((c) => c / chosen.length), pred };
}

const tiny: LabeledPoints2D = {
  points: Float64Array.from([0, 0, 1, 0, 0, 2, 3, 3]),
  labels: Int32Array.from([0, 0, 1, 1]),
  numClasses: 2,
};

describe('knnPosterior', () => {
  it('counts the K nearest: worked example', () => {
    // From (0, 0.9): distances 0.9 (#0), 1.1 (#2), √1.81 (#1), √13.41 (#3).
    const r = knnPosterior(tiny, [0, 0.9], 3);
    expect(Array.from(r.neighbours)).toEqual([0, 2, 1]);
    expect(r.distances[1]).toBeCloseTo(1.1, 14);
    expect(Array.from(r.probabilities)).toEqual([2 / 3, 1 / 3]);
    expect(r.predicted).toBe(0);
    // From (0, 1.2): #2 (class 1) at 0.8, #0 (class 0) at 1.2 → a 1–1 tie.
    const tie = knnPosterior(tiny, [0, 1.2], 2);
    expect([tie.predicted, tie.tied]).toEqual([0, true]);
    expect(knnPosterior(tiny, [0, 1.2], 2, 'euclidean', 'nearest').predicted).toBe(1);
    expect(r.tied).toBe(false);
  });

  it('K ≥ n gives the class prior everywhere', () => {
    const data = sampleDataset({ kind: 'blobs', numClasses: 3 }, { n: 40, seed: 1 });
    const prior = Array.from(classPrior(data));
    for (const x of [
      [0, 0],
      [10, -3],
      [-100, 50],
    ] as Vec2[]) {
      for (const K of [40, 41, 1000]) {
        const r = knnPosterior(data, x, K);
        expect(r.K).toBe(40);
        Array.from(r.probabilities).forEach((p, c) => expect(p).toBeCloseTo(prior[c], 15));
      }
    }
  });

  it('agrees with a brute-force full sort for every metric', () => {
    const data = sampleDataset({ kind: 'moons', noise: 0.25 }, { n: 80, seed: 2 });
    for (const metric of METRICS) {
      for (const K of [1, 2, 5, 17]) {
        for (const x of [
          [0.5, 0.2],
          [-1, 1],
          [2, -0.3],
        ] as Vec2[]) {
          for (const rule of RULES) {
            const r = knnPosterior(data, x, K, metric, rule);
            const ref = bruteKnn(data, x, K, metric, -1, rule);
            expect(Array.from(r.probabilities)).toEqual(ref.probs);
            expect(r.predicted).toBe(ref.pred);
          }
        }
      }
    }
  });

  it('rejects K = 0 and an empty training set', () => {
    expect(() => knnPosterior(tiny, [0, 0], 0)).toThrow(/positive integer/);
    expect(() =>
      nearestNeighbours({ points: new Float64Array(), labels: new Int32Array(), numClasses: 2 }, [0, 0], 1),
    ).toThrow(/empty/);
  });
});

describe('decisionRaster', () => {
  const data = sampleDataset({ kind: 'blobs', numClasses: 3, spread: 0.9 }, { n: 60, seed: 3 });
  const grid: GridSpec = { box: { xmin: -4, xmax: 4, ymin: -3, ymax: 3 }, width: 17, height: 13 };

  it('matches brute-force KNN at every cell centre (argmax, max probability, all probabilities)', () => {
    for (const metric of METRICS) {
      for (const [K, tieBreak] of [
        [1, 'lowest-index'],
        [4, 'nearest'],
        [9, 'lowest-index'],
        [2, 'nearest'],
      ] as const) {
        const r = decisionRaster(data, { grid, K, metric, tieBreak, includeProbabilities: true });
        expect(r.argmax.length).toBe(17 * 13);
        for (let row = 0; row < 13; row++) {
          for (let col = 0; col < 17; col++) {
            const cell = row * 17 + col;
            const ref = bruteKnn(data, cellCenter(grid, col, row), K, metric, -1, tieBreak);
            expect(r.argmax[cell]).toBe(ref.pred);
            expect(r.tied[cell]).toBe(ref.probs.filter((p) => p === ref.probs[ref.pred]).length > 1 ? 1 : 0);
            expect(r.maxProb[cell]).toBeCloseTo(ref.probs[ref.pred], 6);
            ref.probs.forEach((p, c) => expect(r.probabilities![cell * 3 + c]).toBeCloseTo(p, 6));
          }
        }
      }
    }
  });

  it('orients rows top-down: row 0 is near ymax', () => {
    // cells are 8/17 wide and 6/13 tall
    expect(cellCenter(grid, 0, 0)[1]).toBeCloseTo(3 - 3 / 13, 12);
    const last = cellCenter(grid, 16, 12);
    expect(last[0]).toBeCloseTo(4 - 4 / 17, 12);
    expect(last[1]).toBeCloseTo(-3 + 3 / 13, 12);
  });

  it('K ≥ n colours the whole box with the majority class at its prior', () => {
    const skewed = sampleDataset(
      {
        kind: 'mixture',
        components: [0, 1, 2].map((c) => ({ mean: [c, 0] as Vec2, cov: [1, 0, 0, 1] as const, weight: c + 1 })),
      },
      { n: 60, seed: 3 },
    );
    const r = decisionRaster(skewed, { grid, K: 500, includeProbabilities: true });
    expect(r.K).toBe(60);
    expect(new Set(r.argmax)).toEqual(new Set([2]));
    expect(new Set(r.maxProb)).toEqual(new Set([Math.fround(30 / 60)]));
    expect(new Set(r.tied)).toEqual(new Set([0]));
    const prior = classPrior(skewed);
    for (let cell = 0; cell < 17 * 13; cell += 11) {
      for (let c = 0; c < 3; c++) expect(r.probabilities![cell * 3 + c]).toBe(Math.fround(prior[c]));
    }
  });

  it('balanced classes with K ≥ n: every cell is flagged as a tie, and lowest-index gives class 0', () => {
    const r = decisionRaster(data, { grid, K: 60, tieBreak: 'lowest-index' });
    expect(new Set(r.tied)).toEqual(new Set([1]));
    expect(new Set(r.argmax)).toEqual(new Set([0]));
    expect(new Set(r.maxProb)).toEqual(new Set([Math.fround(1 / 3)]));
  });

  it('a Mahalanobis M = diag(1, 0) ignores y: every column has one class', () => {
    const r = decisionRaster(data, { grid, K: 3, metric: planeMahalanobis([1, 0, 0, 0]) });
    for (let col = 0; col < 17; col++) {
      for (let row = 1; row < 13; row++) expect(r.argmax[row * 17 + col]).toBe(r.argmax[col]);
    }
  });

  it('oneNnRaster gives the nearest point and agrees with K = 1', () => {
    const one = oneNnRaster(data, grid);
    const k1 = decisionRaster(data, { grid, K: 1 });
    expect(one.argmax).toEqual(k1.argmax);
    for (let cell = 0; cell < one.nearest.length; cell += 7) {
      const [x, y] = cellCenter(grid, cell % 17, Math.floor(cell / 17));
      expect(one.nearest[cell]).toBe(nearestNeighbours(data, [x, y], 1).neighbours[0]);
    }
  });

  it('rejects a degenerate box', () => {
    expect(() =>
      decisionRaster(data, { grid: { ...grid, box: { xmin: 1, xmax: 1, ymin: 0, ymax: 1 } }, K: 1 }),
    ).toThrow(/xmin < xmax/);
  });
});

describe('errorVsK', () => {
  const shape = {
    kind: 'mixture' as const,
    components: [
      { mean: [0, 0] as Vec2, cov: [1, 0, 0, 1] as const, weight: 3 },
      { mean: [1.5, 1] as Vec2, cov: [1, 0.3, 0.3, 0.6] as const, weight: 2 },
    ],
  };
  const train = sampleDataset(shape, { n: 120, seed: 4 });
  const test = sampleDataset(shape, { n: 90, seed: 5 });

  it.each(RULES)('matches brute force for every K (train error with the point itself included; ties: %s)', (rule) => {
    const curve = errorVsK(train, test, { kMax: 30, tieBreak: rule });
    expect(Array.from(curve.ks)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const K of [1, 2, 3, 4, 5, 8, 13, 21, 30]) {
      const j = K - 1;
      let wrongTrain = 0;
      for (let i = 0; i < 120; i++) {
        const ref = bruteKnn(train, [train.points[2 * i], train.points[2 * i + 1]], K, 'euclidean', i, rule);
        if (ref.pred !== train.labels[i]) wrongTrain++;
      }
      let wrongTest = 0;
      for (let t = 0; t < 90; t++) {
        if (
          bruteKnn(train, [test.points[2 * t], test.points[2 * t + 1]], K, 'euclidean', -1, rule).pred !==
          test.labels[t]
        )
          wrongTest++;
      }
      expect(curve.trainError[j]).toBe(wrongTrain / 120);
      expect(curve.testError[j]).toBe(wrongTest / 90);
      expect(curve.complexity[j]).toBe(120 / K);
    }
    expect(curve.trainError[0]).toBe(0);
    expect(curve.testError[curve.ks.indexOf(curve.bestK)]).toBe(Math.min(...curve.testError));
  });

  it('K ≥ n predicts the majority class for every point', () => {
    const counts = classCounts(train);
    expect(counts[0]).toBeGreaterThan(counts[1]);
    const major = 0;
    const curve = errorVsK(train, test, { ks: [1, 200, 120] });
    expect(Array.from(curve.ks)).toEqual([1, 120]);
    const testMinority = Array.from(test.labels).filter((l) => l !== major).length / 90;
    const trainMinority = Array.from(train.labels).filter((l) => l !== major).length / 120;
    expect(curve.testError[1]).toBe(testMinority);
    expect(curve.trainError[1]).toBe(trainMinority);
    expect(curve.complexity[1]).toBe(1);
  });

  it('balanced classes at K = n: the error is the prior baseline, not the 1-NN error', () => {
    const moonsTrain = sampleDataset({ kind: 'moons', noise: 0.3 }, { n: 100, seed: 6 });
    const moonsTest = sampleDataset({ kind: 'moons', noise: 0.3 }, { n: 200, seed: 7 });
    expect(Array.from(classCounts(moonsTrain))).toEqual([50, 50]);
    const curve = errorVsK(moonsTrain, moonsTest, { ks: [1, 100] });
    const notClass0 = Array.from(moonsTest.labels).filter((l) => l !== 0).length / 200;
    expect(curve.testError[1]).toBe(notClass0);
    expect(curve.testError[0]).toBeLessThan(notClass0 - 0.2);
  });

  it('training error at K = 1 is 0 even with duplicated points of different classes', () => {
    const dup: LabeledPoints2D = {
      points: Float64Array.from([0, 0, 0, 0, 1, 1]),
      labels: Int32Array.from([0, 1, 1]),
      numClasses: 2,
    };
    expect(errorVsK(dup, dup, { ks: [1] }).trainError[0]).toBe(0);
  });

  it('rejects mismatched class sets and empty ks', () => {
    expect(() => errorVsK(train, { ...test, numClasses: 3 })).toThrow(/same class set/);
    expect(() => errorVsK(train, test, { ks: [] })).toThrow(/at least one K/);
  });
});
