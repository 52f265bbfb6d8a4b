/**
 * Calibrated score thresholds, pure: the precision and recall of "score ≥ t means relevant" for every threshold t
 * the scores offer, and the lowest threshold that keeps a chosen precision (the one with the most recall).
 */
import { KnnArgumentError, ShapeError } from './errors.ts';

export interface PrecisionRecallPoint {
  threshold: number;
  /** Among items scoring ≥ threshold, the share that is relevant. */
  precision: number;
  /** Among relevant items, the share scoring ≥ threshold. */
  recall: number;
}

/**
 * One point per distinct score, highest threshold first (equal scores are decided together). Empty when there are
 * no scores; recall is 0 throughout when nothing is relevant.
 */
export function precisionRecallCurve(
  scores: ArrayLike<number>,
  relevant: ArrayLike<boolean | number>,
): PrecisionRecallPoint[] {
  if (scores.length !== relevant.length)
    throw new ShapeError(`${scores.length} scores but ${relevant.length} relevance marks`);
  const order = Array.from({ length: scores.length }, (_, i) => i);
  for (const i of order)
    if (!Number.isFinite(scores[i])) throw new KnnArgumentError(`score ${i} is not a finite number (${scores[i]})`);
  order.sort((a, b) => scores[b] - scores[a]);
  let total = 0;
  for (let i = 0; i < relevant.length; i++) if (relevant[i]) total++;
  const curve: PrecisionRecallPoint[] = [];
  let hits = 0;
  for (let r = 0; r < order.length; r++) {
    if (relevant[order[r]]) hits++;
    const t = scores[order[r]];
    if (r + 1 < order.length && scores[order[r + 1]] === t) continue;
    curve.push({ threshold: t, precision: hits / (r + 1), recall: total === 0 ? 0 : hits / total });
  }
  return curve;
}

/** The point of the lowest threshold whose precision is at least `precision`, or null when none reaches it. */
export function thresholdForPrecision(
  curve: readonly PrecisionRecallPoint[],
  precision: number,
): PrecisionRecallPoint | null {
  let best: PrecisionRecallPoint | null = null;
  for (const p of curve) if (p.precision >= precision && (!best || p.threshold < best.threshold)) best = p;
  return best;
}

/** At most `max` points of a curve, evenly spaced along it, keeping its ends and the points in `keep`. */
export function thinCurve(
  curve: readonly PrecisionRecallPoint[],
  max: number,
  keep: readonly (PrecisionRecallPoint | null)[] = [],
): PrecisionRecallPoint[] {
  if (curve.length <= max) return [...curve];
  const step = (curve.length - 1) / Math.max(1, max - 1);
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(Math.round(i * step));
  return curve.filter((p, i) => picked.has(i) || keep.includes(p));
}
