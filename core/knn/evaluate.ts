import { ShapeError } from './errors.ts';
import { compareCodePoints } from './labels.ts';

/**
 * Retrieval metrics (Musgrave, Belongie & Lim 2020, "A Metric Learning Reality Check"). For each query:
 * `ranked` lists the labels of its retrieved gallery items best first (the query itself already removed), and
 * `relevant` is R, the number of gallery items sharing its label (again without the query).
 */
export interface RetrievalQuery {
  label: string;
  ranked: readonly string[];
  relevant: number;
}

export interface RetrievalMetrics {
  precisionAt1: number;
  /** Mean of r/R, r = relevant items among the first R. */
  rPrecision: number;
  /** Mean of (1/R)·Σ_{i≤R} P(i)·rel(i). */
  mapAtR: number;
  /** Queries with R = 0 (skipped by R-precision and MAP@R). */
  skipped: number;
}

export function retrievalMetrics(queries: readonly RetrievalQuery[]): RetrievalMetrics {
  let p1 = 0;
  let rp = 0;
  let map = 0;
  let counted = 0;
  for (const q of queries) {
    if (q.ranked.length > 0 && q.ranked[0] === q.label) p1++;
    const R = q.relevant;
    if (R <= 0) continue;
    counted++;
    let hits = 0;
    let ap = 0;
    for (let i = 0; i < R && i < q.ranked.length; i++) {
      if (q.ranked[i] === q.label) {
        hits++;
        ap += hits / (i + 1);
      }
    }
    rp += hits / R;
    map += ap / R;
  }
  return {
    precisionAt1: queries.length === 0 ? 0 : p1 / queries.length,
    rPrecision: counted === 0 ? 0 : rp / counted,
    mapAtR: counted === 0 ? 0 : map / counted,
    skipped: queries.length - counted,
  };
}

/**
 * Builds RetrievalQuery entries for a gallery searched against itself (query i = gallery row i) and scores them;
 * the search must return at least max R + 1 neighbours for exact R-precision and MAP@R.
 */
export function selfRetrievalMetrics(indices: Int32Array, k: number, labels: readonly string[]): RetrievalMetrics {
  if (indices.length !== k * labels.length)
    throw new ShapeError(`expected ${labels.length}×${k} neighbour indices, got ${indices.length}`);
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const qs: RetrievalQuery[] = labels.map((label, q) => {
    const ranked: string[] = [];
    for (let i = 0; i < k; i++) {
      const r = indices[q * k + i];
      if (r >= 0 && r !== q) ranked.push(labels[r]);
    }
    return { label, ranked, relevant: (counts.get(label) ?? 1) - 1 };
  });
  return retrievalMetrics(qs);
}

/** Fraction of queries with at least one item of their label among the first K retrieved. */
export function recallAtK(queries: readonly Pick<RetrievalQuery, 'label' | 'ranked'>[], k: number): number {
  if (queries.length === 0) return 0;
  let hit = 0;
  for (const q of queries) if (q.ranked.slice(0, k).includes(q.label)) hit++;
  return hit / queries.length;
}

export function accuracy(truth: readonly string[], predicted: readonly string[]): number {
  if (truth.length !== predicted.length)
    throw new ShapeError(`${truth.length} true labels but ${predicted.length} predictions`);
  if (truth.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) ok++;
  return ok / truth.length;
}

export interface ConfusionMatrix {
  /** Sorted union of true and predicted labels. */
  labels: string[];
  /** matrix[t][p] = items of true label t predicted as p. */
  matrix: number[][];
}

export function confusionMatrix(truth: readonly string[], predicted: readonly string[]): ConfusionMatrix {
  if (truth.length !== predicted.length)
    throw new ShapeError(`${truth.length} true labels but ${predicted.length} predictions`);
  const labels = [...new Set([...truth, ...predicted])].sort(compareCodePoints);
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < truth.length; i++) matrix[index.get(truth[i]) as number][index.get(predicted[i]) as number]++;
  return { labels, matrix };
}
