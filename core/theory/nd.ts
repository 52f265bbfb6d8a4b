/** A small KNN classifier in D dimensions (row-major Float64Array), L2, for the curse-of-dimensionality simulations. */
import { HeapSet } from '../knn/heap.ts';
import { voteWithTieBreak, type TieBreak } from '../knn/vote.ts';
import { assertPositiveInt, TheoryInputError } from './errors.ts';

/**
 * Predicted class of each test row from its K nearest training rows (squared L2, same order as L2).
 * Only the first `useDims` of the `stride` columns are compared (default: all).
 */
export function knnPredictND(
  trainX: Float64Array,
  trainY: Int32Array,
  testX: Float64Array,
  stride: number,
  K: number,
  numClasses: number,
  useDims = stride,
  tieBreak: TieBreak = 'lowest-index',
): Int32Array {
  assertPositiveInt('stride', stride);
  assertPositiveInt('K', K);
  assertPositiveInt('useDims', useDims);
  if (useDims > stride) throw new TheoryInputError(`useDims (${useDims}) cannot exceed the row length (${stride}).`);
  const nTrain = trainY.length;
  if (trainX.length !== nTrain * stride) {
    throw new TheoryInputError(`trainX must hold ${nTrain} rows of ${stride} numbers, got ${trainX.length} numbers.`);
  }
  if (testX.length % stride !== 0)
    throw new TheoryInputError(`testX length ${testX.length} is not a multiple of ${stride}.`);
  if (nTrain === 0) throw new TheoryInputError('The training set is empty.');
  const nTest = testX.length / stride;
  const k = Math.min(K, nTrain);
  const heap = new HeapSet(1, k);
  const counts = new Int32Array(numClasses);
  const minDist = new Float64Array(numClasses);
  const out = new Int32Array(nTest);
  for (let t = 0; t < nTest; t++) {
    const q = t * stride;
    heap.clear(0);
    let worst = Infinity;
    for (let j = 0; j < nTrain; j++) {
      const r = j * stride;
      let d = 0;
      for (let c = 0; c < useDims; c++) {
        const diff = testX[q + c] - trainX[r + c];
        d += diff * diff;
      }
      if (d <= worst) worst = heap.push(0, d, j);
    }
    counts.fill(0);
    minDist.fill(Infinity);
    for (let s = 0; s < k; s++) {
      const c = trainY[heap.idx[s]];
      counts[c]++;
      if (heap.keys[s] < minDist[c]) minDist[c] = heap.keys[s];
    }
    out[t] = voteWithTieBreak(counts, minDist, tieBreak);
  }
  return out;
}
