// Test support: compares core/knn against scikit-learn results written by scripts/gen-knn-fixtures.py.
import { expect } from 'vitest';
import { KnnClassifier } from '../classifier.ts';
import { mahalanobis, distance, type Metric } from '../metrics.ts';
import type { Matrix } from '../matrix.ts';
import { KnnRegressor } from '../regressor.ts';
import { topK } from '../topk.ts';

export interface SkCase {
  metric: 'euclidean' | 'manhattan' | 'cosine' | 'mahalanobis';
  k: number;
  indices: number[][];
  distances: number[][];
  ambiguous: boolean[];
  classes: string[];
  proba_uniform: number[][];
  proba_distance: number[][];
  pred_uniform: string[];
  pred_distance: string[];
  reg_uniform: number[];
  reg_distance: number[];
}

export interface SkDataset {
  name: string;
  d: number;
  xTrain: number[];
  yTrain: string[];
  yReg: number[];
  xTest: number[];
  M: number[];
  cases: SkCase[];
}

export interface SkDocument {
  sklearn: string;
  datasets: SkDataset[];
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), Math.abs(b)) + 1e-6;

export function metricOf(ds: SkDataset, name: SkCase['metric']): Metric {
  return name === 'mahalanobis' ? mahalanobis(ds.M) : name;
}

export interface CompareStats {
  queries: number;
  predictionsCompared: number;
}

/** Asserts our neighbours, classifier and regressor agree with sklearn on every case of the data set. */
export function compareDataset(ds: SkDataset): CompareStats {
  const train: Matrix = { data: Float32Array.from(ds.xTrain), rows: ds.yTrain.length, dim: ds.d };
  const test: Matrix = { data: Float32Array.from(ds.xTest), rows: ds.xTest.length / ds.d, dim: ds.d };
  const stats: CompareStats = { queries: 0, predictionsCompared: 0 };
  for (const c of ds.cases) {
    const where = `${ds.name}/${c.metric}/k=${c.k}`;
    const metric = metricOf(ds, c.metric);
    const res = topK(test, train, c.k, { metric });
    expect(res.k, where).toBe(c.k);
    for (let q = 0; q < test.rows; q++) {
      stats.queries++;
      const ours = Array.from(res.indices.subarray(q * c.k, (q + 1) * c.k));
      const oursD = Array.from(res.distances.subarray(q * c.k, (q + 1) * c.k));
      const skD = c.distances[q];
      const skI = c.indices[q];
      for (let i = 0; i < c.k; i++) {
        expect(close(oursD[i], skD[i]), `${where} q${q} distance #${i}: ${oursD[i]} vs sklearn ${skD[i]}`).toBe(true);
        // each reported distance is the true distance of the reported row
        const truth = distance(
          test.data.subarray(q * ds.d, (q + 1) * ds.d),
          train.data.subarray(ours[i] * ds.d, (ours[i] + 1) * ds.d),
          metric,
        );
        expect(
          close(oursD[i], truth),
          `${where} q${q} row ${ours[i]} distance ${oursD[i]} vs recomputed ${truth}`,
        ).toBe(true);
      }
      // index sets agree except for permutations among equal distances; rows tied with the k-th may differ
      const kth = skD[c.k - 1];
      const skInner = new Set(skI.filter((_, i) => !close(skD[i], kth)));
      const ourInner = new Set(ours.filter((_, i) => !close(oursD[i], kth)));
      expect(
        [...ourInner].sort((a, b) => a - b),
        `${where} q${q} neighbour set`,
      ).toEqual([...skInner].sort((a, b) => a - b));
      // determinism: equal distances are ordered by row index
      for (let i = 1; i < c.k; i++)
        if (oursD[i] === oursD[i - 1]) expect(ours[i], `${where} q${q} tie order`).toBeGreaterThan(ours[i - 1]);
    }
    for (const weights of ['uniform', 'distance'] as const) {
      const clf = new KnnClassifier().fit(train, ds.yTrain, metric);
      expect(clf.classes).toEqual(c.classes);
      const preds = clf.predictBatch(test, { k: c.k, weights });
      const reg = new KnnRegressor().fit(train, ds.yReg, metric).predictBatch(test, { k: c.k, weights });
      for (let q = 0; q < test.rows; q++) {
        if (c.ambiguous[q]) continue;
        stats.predictionsCompared++;
        const w = `${where} ${weights} q${q}`;
        const proba = weights === 'uniform' ? c.proba_uniform[q] : c.proba_distance[q];
        c.classes.forEach((label, j) =>
          expect(Math.abs(preds[q].probabilities[label] - proba[j]), `${w} p(${label})`).toBeLessThanOrEqual(1e-6),
        );
        const skLabel = weights === 'uniform' ? c.pred_uniform[q] : c.pred_distance[q];
        // Two classes whose weights differ by rounding only (float32 distances, 1/d sums) are a tie:
        // either arg-max is right. A real disagreement still fails.
        const gap = Math.abs(proba[c.classes.indexOf(skLabel)] - proba[c.classes.indexOf(preds[q].label)]);
        if (gap > 1e-6) expect(preds[q].label, `${w} label`).toBe(skLabel);
        const target = weights === 'uniform' ? c.reg_uniform[q] : c.reg_distance[q];
        expect(Math.abs(reg[q] - target), `${w} regression ${reg[q]} vs ${target}`).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Math.abs(target)),
        );
      }
    }
  }
  return stats;
}
