export type Weights = 'uniform' | 'distance';

/**
 * Weights of neighbours as sklearn's _get_weights: all ones ('uniform'), or 1/d ('distance') except that when any
 * neighbour is at distance 0, those neighbours get weight 1 and the others 0.
 */
export function neighbourWeights(
  distances: ArrayLike<number>,
  count: number,
  weights: Weights,
  out: Float64Array,
): void {
  if (weights === 'uniform') {
    out.fill(1, 0, count);
    return;
  }
  let exact = false;
  for (let i = 0; i < count; i++) if (distances[i] === 0) exact = true;
  for (let i = 0; i < count; i++) out[i] = exact ? (distances[i] === 0 ? 1 : 0) : 1 / distances[i];
}

/**
 * Class probabilities from neighbour classes, summed in neighbour order and normalised as sklearn's predict_proba.
 * Returns the arg-max class; ties go to the lowest class index (the class that sorts first).
 */
export function vote(
  codes: ArrayLike<number>,
  weights: Float64Array,
  count: number,
  nClasses: number,
  proba: Float64Array,
): number {
  proba.fill(0, 0, nClasses);
  for (let i = 0; i < count; i++) proba[codes[i]] += weights[i];
  let total = 0;
  for (let c = 0; c < nClasses; c++) total += proba[c];
  if (total === 0) total = 1;
  let best = 0;
  for (let c = 0; c < nClasses; c++) {
    proba[c] /= total;
    if (proba[c] > proba[best]) best = c;
  }
  return best;
}
