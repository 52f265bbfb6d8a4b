/**
 * What to label next (active learning), pure: uncertainty of unlabeled rows (the margin between the two most likely
 * classes, under the k-NN vote of the labeled rows or under zero-shot), diversity (greedy farthest-point sampling
 * from the labeled rows, cosine distance) and the two interleaved. Deterministic: the same inputs give the same picks.
 */
import { KnnClassifier } from './classifier.ts';
import { KnnArgumentError, ShapeError } from './errors.ts';
import { normaliseRows, type Matrix } from './matrix.ts';
import { topK } from './topk.ts';
import { zeroShot, type ZeroShotClasses } from './zeroshot.ts';

export type ActiveStrategy = 'margin' | 'diverse' | 'mixed';

/** One unlabeled row under a classifier. */
export interface Uncertainty {
  /** The most likely class (ties: the class that sorts first, as the k-NN vote settles them). */
  suggested: string;
  /** p(top-1) − p(top-2), in [0, 1]; 1 when a single class has all the probability. */
  margin: number;
  probabilities: Record<string, number>;
}

/** p(top-1) − p(top-2) of a distribution (the second is 0 when there is one class). */
export function topMargin(p: Iterable<number>): number {
  let first = 0;
  let second = 0;
  for (const x of p) {
    if (x > first) {
      second = first;
      first = x;
    } else if (x > second) second = x;
  }
  return first - second;
}

/** Margins of the uniform k-NN vote (cosine) of the labeled rows for each candidate row. */
export function knnUncertainty(
  candidates: Matrix,
  labeled: Matrix,
  labels: readonly string[],
  k: number,
): Uncertainty[] {
  if (k > labeled.rows)
    throw new KnnArgumentError(`k = ${k} is larger than the ${labeled.rows} labeled items: choose k ≤ ${labeled.rows}`);
  if (candidates.rows === 0) return [];
  return new KnnClassifier()
    .fit(labeled, labels, 'cosine')
    .predictBatch(candidates, { k, metric: 'cosine' })
    .map((p) => ({
      suggested: p.label,
      margin: topMargin(Object.values(p.probabilities)),
      probabilities: p.probabilities,
    }));
}

/** Margins of zero-shot's softmax probabilities (scale = exp(logit scale)) for each candidate row. */
export function zeroShotUncertainty(candidates: Matrix, classes: ZeroShotClasses, scale: number): Uncertainty[] {
  const out: Uncertainty[] = [];
  for (let i = 0; i < candidates.rows; i++) {
    const r = zeroShot(candidates.data.subarray(i * candidates.dim, (i + 1) * candidates.dim), classes, scale);
    out.push({ suggested: r.label, margin: topMargin(Object.values(r.probabilities)), probabilities: r.probabilities });
  }
  return out;
}

/** Cosine distance of each candidate row to its nearest row of `from` (Infinity when `from` has no rows). */
export function nearestDistances(candidates: Matrix, from: Matrix | null): Float64Array {
  if (from === null || from.rows === 0 || candidates.rows === 0)
    return new Float64Array(candidates.rows).fill(Infinity);
  if (from.dim !== candidates.dim)
    throw new ShapeError(`candidates are ${candidates.dim}-d but the labeled rows are ${from.dim}-d`);
  return topK(candidates, from, 1, { metric: 'cosine' }).distances;
}

export interface ActivePick {
  /** Row of the candidate matrix. */
  index: number;
  reason: 'margin' | 'diverse';
  /** In [0, 1], higher = more worth labeling: 1 − margin, or the pick's distance to what is labeled (or picked) over the largest such distance. */
  score: number;
}

export interface SelectOptions {
  /** Unlabeled rows to choose from. */
  candidates: Matrix;
  /** Rows already labeled (diversity starts from them); null or no rows: from the candidates alone. */
  labeled: Matrix | null;
  strategy: ActiveStrategy;
  /** How many to pick (all candidates when there are fewer). */
  n: number;
  /** Each candidate's margin (Uncertainty.margin); needed by 'margin' and 'mixed'. */
  margins?: ArrayLike<number> | null;
}

/**
 * The candidates worth labeling next, best first, without repeats. 'margin': smallest margin first (equal margins:
 * the one nearer the labeled rows first, then the lower row — far from every label a K-vote is split because its
 * neighbours are far, not because the item sits between classes, and such outliers teach the vote little; the
 * suggest bench measured farther-first below random picks). 'diverse': farthest-point sampling — each pick
 * is the candidate farthest (cosine) from every labeled row and every earlier pick (with no labeled rows, the first
 * pick is the candidate farthest from the candidates' mean direction). 'mixed': margin, diverse, margin, … where a
 * diverse pick keeps away from the margin picks too.
 */
export function selectToLabel(o: SelectOptions): ActivePick[] {
  const { strategy } = o;
  const n = Math.min(o.n, o.candidates.rows);
  if (!Number.isInteger(o.n) || o.n < 1) throw new KnnArgumentError(`n must be a positive integer, got ${o.n}`);
  if (strategy !== 'diverse' && (o.margins == null || o.margins.length !== o.candidates.rows))
    throw new KnnArgumentError(`strategy '${strategy}' needs one margin per candidate`);
  const fps = new FarthestPoints(o.candidates, o.labeled);
  const byMargin = strategy === 'diverse' ? [] : marginOrder(o.margins!, fps.initial);
  const picks: ActivePick[] = [];
  let next = 0;
  while (picks.length < n) {
    const marginTurn = strategy === 'margin' || (strategy === 'mixed' && picks.length % 2 === 0);
    if (marginTurn) {
      while (fps.taken[byMargin[next]]) next++;
      const index = byMargin[next];
      picks.push({ index, reason: 'margin', score: 1 - o.margins![index] });
      fps.take(index);
    } else {
      picks.push({ ...fps.takeFarthest(), reason: 'diverse' });
    }
  }
  return picks;
}

/** Candidate rows by margin ascending; ties: nearer the labeled rows first, then by row. */
function marginOrder(margins: ArrayLike<number>, distance: Float64Array): number[] {
  return Array.from({ length: margins.length }, (_, i) => i).sort(
    (a, b) => margins[a] - margins[b] || distance[a] - distance[b] || a - b,
  );
}

/** Greedy farthest-point sampling state: each candidate's distance to the nearest labeled or picked row. */
class FarthestPoints {
  readonly taken: Uint8Array;
  /** Distances to the labeled rows before any pick. */
  readonly initial: Float64Array;
  private readonly nearest: Float64Array;
  private readonly unit: Matrix;
  /** The largest distance when diversity started: scores are relative to it. */
  private scale: number | null = null;

  constructor(candidates: Matrix, labeled: Matrix | null) {
    this.unit = normaliseRows(candidates);
    this.initial = nearestDistances(candidates, labeled);
    this.nearest = Float64Array.from(this.initial);
    this.taken = new Uint8Array(candidates.rows);
  }

  take(index: number): void {
    this.taken[index] = 1;
    const { data, dim, rows } = this.unit;
    const at = index * dim;
    for (let i = 0; i < rows; i++) {
      if (this.taken[i]) continue;
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += data[i * dim + j] * data[at + j];
      const d = Math.min(2, Math.max(0, 1 - dot));
      if (d < this.nearest[i]) this.nearest[i] = d;
    }
  }

  takeFarthest(): { index: number; score: number } {
    let best = -1;
    for (let i = 0; i < this.nearest.length; i++)
      if (!this.taken[i] && (best < 0 || this.nearest[i] > this.nearest[best])) best = i;
    if (!Number.isFinite(this.nearest[best])) {
      // Nothing labeled or picked yet: start from the candidate farthest from the mean direction.
      best = this.farthestFromMean();
      this.take(best);
      return { index: best, score: 1 };
    }
    const d = this.nearest[best];
    this.scale ??= d;
    this.take(best);
    return { index: best, score: this.scale > 0 ? Math.min(1, d / this.scale) : 0 };
  }

  private farthestFromMean(): number {
    const { data, dim, rows } = this.unit;
    const mean = new Float64Array(dim);
    for (let i = 0; i < rows; i++) if (!this.taken[i]) for (let j = 0; j < dim; j++) mean[j] += data[i * dim + j];
    let best = -1;
    let bestDot = Infinity;
    for (let i = 0; i < rows; i++) {
      if (this.taken[i]) continue;
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += data[i * dim + j] * mean[j];
      if (dot < bestDot) {
        bestDot = dot;
        best = i;
      }
    }
    return best;
  }
}
