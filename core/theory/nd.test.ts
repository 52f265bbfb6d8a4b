import { describe, expect, it } from 'vitest';
import { knnPredictND } from './nd.ts';
import { createRng } from '../util/random.ts';

describe('knnPredictND', () => {
  const rng = createRng(61);
  const D = 6;
  const nTrain = 70;
  const trainX = Float64Array.from({ length: nTrain * D }, () => rng.normal());
  const trainY = Int32Array.from({ length: nTrain }, () => rng.int(3));
  const testX = Float64Array.from({ length: 25 * D }, () => rng.normal());

  function brute(useDims: number, K: number): number[] {
    return Array.from({ length: 25 }, (_, t) => {
      const order = Array.from({ length: nTrain }, (_, j) => {
        let d = 0;
        for (let c = 0; c < useDims; c++) d += (testX[t * D + c] - trainX[j * D + c]) ** 2;
        return { j, d };
      }).sort((a, b) => a.d - b.d || a.j - b.j);
      const counts = [0, 0, 0];
      const first = [Infinity, Infinity, Infinity];
      order.slice(0, K).forEach(({ j, d }) => {
        counts[trainY[j]]++;
        first[trainY[j]] = Math.min(first[trainY[j]], d);
      });
      let best = 0;
      for (let c = 1; c < 3; c++)
        if (counts[c] > counts[best] || (counts[c] === counts[best] && first[c] < first[best])) best = c;
      return best;
    });
  }

  it('matches brute force for several K and column prefixes', () => {
    for (const K of [1, 4, 11]) {
      for (const useDims of [1, 3, 6]) {
        expect(Array.from(knnPredictND(trainX, trainY, testX, D, K, 3, useDims, 'nearest'))).toEqual(brute(useDims, K));
      }
    }
  });

  it('validates shapes', () => {
    expect(() => knnPredictND(trainX, trainY, testX, D, 1, 3, 7)).toThrow(/cannot exceed/);
    expect(() => knnPredictND(trainX.subarray(1), trainY, testX, D, 1, 3)).toThrow(/rows of 6/);
  });
});
