/**
 * Mislabeled-item ranking (the curation lab's "suspects"): each labeled row is classified by a leave-one-out k-NN
 * vote of the other labeled rows, and the less its neighbours back its own label, the more suspicious it is.
 */
import { KnnArgumentError, ShapeError } from './errors.ts';
import { withoutSelf } from './kcurve.ts';
import { encodeLabels } from './labels.ts';
import { selectRows, type Matrix } from './matrix.ts';
import type { Metric } from './metrics.ts';
import { prepareGallery, searchPrepared, type Neighbour, type TopKResult } from './topk.ts';
import { neighbourWeights, vote } from './vote.ts';

/** The leave-one-out vote on one labeled row. */
export interface LooVote {
  /** The row, in the gallery. */
  row: number;
  label: string;
  /** The class with the most votes; the row's own label when it is among the classes tied for the most. */
  vote: string;
  /** p(y = label | x) and p(y = vote | x): shares of the K nearest other rows (uniform weights). */
  pLabel: number;
  pVote: number;
  /** How suspicious: 1 − pLabel. */
  score: number;
  /** The K nearest other rows, best first. */
  neighbours: Neighbour[];
}

/** Throws unless leave-one-out with K neighbours is possible among `rows` rows. */
export function checkLooK(k: number, rows: number): void {
  if (!Number.isInteger(k) || k < 1) throw new KnnArgumentError(`K must be a positive integer, got ${k}`);
  if (k > rows - 1) throw new KnnArgumentError(`K = ${k} exceeds the ${rows - 1} other rows available`);
}

/**
 * The self-search leave-one-out reads: the K+1 nearest gallery rows of each query row (its own row among them),
 * exact, ties to the lower row. `queryRows` (default: every row) are the gallery rows to classify.
 */
export function looNeighbours(
  gallery: Matrix,
  k: number,
  options: { queryRows?: readonly number[]; metric?: Metric } = {},
): TopKResult {
  checkLooK(k, gallery.rows);
  const queries = options.queryRows ? selectRows(gallery, options.queryRows) : gallery;
  return searchPrepared(prepareGallery(gallery, options.metric ?? 'cosine'), queries, k + 1, null);
}

/**
 * The leave-one-out K-NN vote on each query of a self-search (`self`, K+1 neighbours per query as looNeighbours
 * gives, or any exact search of the same queries): query q is gallery row `queryRows[q]` (default q), `labels`
 * are the gallery's. Its own row is left out of its neighbours, as looKCurve does.
 */
export function looVotes(
  self: TopKResult,
  labels: readonly string[],
  k: number,
  queryRows?: readonly number[],
): LooVote[] {
  const n = labels.length;
  checkLooK(k, n);
  const queries = queryRows?.length ?? n;
  if (self.queries !== queries) throw new ShapeError(`self-search has ${self.queries} queries, expected ${queries}`);
  if (self.k < k + 1) throw new KnnArgumentError(`self-search returned ${self.k} neighbours; K = ${k} needs ${k + 1}`);
  const { classes, codes } = encodeLabels(labels);
  const rows = new Int32Array(k);
  const dist = new Float64Array(k);
  const nbCodes = new Int32Array(k);
  const w = new Float64Array(k);
  const proba = new Float64Array(classes.length);
  const out: LooVote[] = [];
  for (let q = 0; q < queries; q++) {
    const row = queryRows ? queryRows[q] : q;
    if (!Number.isInteger(row) || row < 0 || row >= n) throw new ShapeError(`query row ${row} is not a gallery row`);
    const m = withoutSelf(self, q, k, rows, dist, row);
    for (let i = 0; i < m; i++) nbCodes[i] = codes[rows[i]];
    neighbourWeights(dist, m, 'uniform', w);
    const own = codes[row];
    const top = vote(nbCodes, w, m, classes.length, proba);
    const winner = proba[own] === proba[top] ? own : top;
    const neighbours: Neighbour[] = [];
    for (let i = 0; i < m; i++) neighbours.push({ row: rows[i], distance: dist[i] });
    out.push({
      row,
      label: labels[row],
      vote: classes[winner],
      pLabel: proba[own],
      pVote: proba[winner],
      score: 1 - proba[own],
      neighbours,
    });
  }
  return out;
}

/**
 * Most suspicious first: by score, then by the share of the winning class (a confident other vote before a split
 * one), then by row (the gallery's order), so that the same lab always gives the same list.
 */
export function rankSuspects<T extends Pick<LooVote, 'row' | 'score' | 'pVote'>>(votes: readonly T[]): T[] {
  return [...votes].sort((a, b) => b.score - a.score || b.pVote - a.pVote || a.row - b.row);
}

/**
 * Agreement across models: the share of the other models under which the label is outvoted too (`outvoted[m]`:
 * under model m the vote is another class; null where model m cannot tell, e.g. it has no embedding of the item).
 * Null when no other model can tell.
 */
export function agreementOf(outvoted: readonly (boolean | null)[]): number | null {
  const known = outvoted.filter((o): o is boolean => o !== null);
  return known.length === 0 ? null : known.filter(Boolean).length / known.length;
}
