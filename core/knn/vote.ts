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

/**
 * How a majority vote between equally frequent classes is settled. 'lowest-index' (default; the
 * scikit-learn rule) gives it to the lowest class index, so with K ≥ n and balanced classes one
 * class wins everywhere. 'nearest' gives it to the tied class whose closest member is nearest
 * (K = 2 then behaves like 1-NN).
 */
export type TieBreak = 'nearest' | 'lowest-index';

/**
 * Majority vote over neighbour labels, settling ties by `rule` (equal nearest distances then go
 * to the lower class index). `counts` and `minDist` have length numClasses; `minDist[c]` is the
 * distance of the closest neighbour of class c (∞ if none).
 */
export function voteWithTieBreak(counts: Int32Array, minDist: Float64Array, rule: TieBreak = 'lowest-index'): number {
  let best = 0;
  const nearest = rule === 'nearest';
  for (let c = 1; c < counts.length; c++) {
    if (counts[c] > counts[best] || (nearest && counts[c] === counts[best] && minDist[c] < minDist[best])) best = c;
  }
  return best;
}

/** True when another class has as many votes as `best`. */
export function isTied(counts: Int32Array, best: number): boolean {
  for (let c = 0; c < counts.length; c++) if (c !== best && counts[c] === counts[best]) return true;
  return false;
}
