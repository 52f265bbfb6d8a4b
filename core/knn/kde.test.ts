import { describe, expect, it } from 'vitest';
import { KnnClassifier } from './classifier.ts';
import { kBallDensity, kdeAt, kdeFromNeighbours } from './kde.ts';
import { createRng } from '../util/random.ts';

describe('KDE view of KNN', () => {
  it('has p(c|x) equal to the uniform KNN probability, and p(x|c) = n_c(x)/(n_c·V)', () => {
    const g = createRng(4).normal;
    const n = 200;
    const dim = 5;
    const data = new Float32Array(n * dim);
    const labels: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 7 === 0 ? 2 : i % 2; // unbalanced classes
      labels.push(['x', 'y', 'z'][c]);
      for (let j = 0; j < dim; j++) data[i * dim + j] = g() + (j === 0 ? c : 0);
    }
    const X = { data, rows: n, dim };
    const clf = new KnnClassifier().fit(X, labels, 'euclidean');
    for (let q = 0; q < 10; q++) {
      const query = new Float32Array(dim).map(() => g());
      for (const k of [1, 7, 25]) {
        const view = kdeAt(query, X, labels, k);
        const knn = clf.predict(query, { k, weights: 'uniform' });
        expect(view.k).toBe(k);
        expect(view.radius).toBeCloseTo(knn.neighbours[k - 1].distance, 12);
        for (const c of view.classes) {
          expect(c.posterior).toBeCloseTo(knn.probabilities[c.label], 14);
          expect(c.prior).toBe(labels.filter((l) => l === c.label).length / n);
          if (c.inBall > 0)
            expect(Math.exp(c.logLikelihood)).toBeCloseTo(c.inBall / (c.count * Math.exp(view.logVolume)), 6);
          else expect(c.logLikelihood).toBe(-Infinity);
        }
        expect(view.logDensity).toBeCloseTo(Math.log(k / n) - view.logVolume, 12);
      }
    }
  });

  it('keeps posteriors finite when the K-th neighbour is at distance 0', () => {
    const view = kdeFromNeighbours(['a', 'b'], 0, ['a', 'b', 'b'], 3);
    expect(view.logVolume).toBe(-Infinity);
    expect(view.classes.map((c) => c.posterior)).toEqual([0.5, 0.5]);
  });

  it('kBallDensity: a class without training rows has p(x|c) = 0 and p(c|x) = 0', () => {
    const ball = kBallDensity([0, 0, 2], [4, 0, 2], Math.log(0.5));
    expect(Array.from(ball.inBall)).toEqual([2, 0, 1]);
    expect(Array.from(ball.prior)).toEqual([4 / 6, 0, 2 / 6]);
    expect(ball.logLikelihood[0]).toBeCloseTo(Math.log(2 / (4 * 0.5)), 14);
    expect(ball.logLikelihood[1]).toBe(-Infinity);
    expect(ball.logDensity).toBeCloseTo(Math.log(3 / (6 * 0.5)), 14);
    expect(ball.posterior[0]).toBeCloseTo(2 / 3, 15);
    expect(ball.posterior[1]).toBe(0);
  });
});
