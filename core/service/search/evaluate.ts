import type { METRIC, Results } from '../../api/contract.ts';
import type { z } from 'zod';
import {
  confusionMatrix,
  KnnClassifier,
  matrix,
  sampledLooKCurve,
  type Metric,
  type Prediction,
} from '../../knn/index.ts';
import type { Split } from '../../api/types.ts';
import { labeledItemsOfSplit, type LabeledItemRow } from '../../store/items.ts';
import type { SearchContext } from './context.ts';
import { SearchError } from './errors.ts';

/**
 * Queries the K curve scores at most: above this many labeled train items a seeded sample of them is scored against
 * the whole labeled gallery (at 35k items the full leave-one-out took minutes; a sample of this size has a
 * standard error under 1.2 points of accuracy).
 */
export const KNN_CURVE_MAX_QUERIES = 2000;

/** Leave-one-out KNN accuracy for K = 1..maxK on the labeled train items (on a sample of them in a large lab). */
export function knnCurve(
  ctx: SearchContext,
  o: { modelId?: number; metric: Metric; maxK: number; maxQueries?: number },
): Results['knnCurve'] {
  const modelId = ctx.cache.modelId(o.modelId);
  const lg = ctx.cache.labeledGallery(modelId);
  const maxK = Math.min(o.maxK, lg.m.rows - 1);
  if (maxK < 1) throw new SearchError('the KNN curve needs at least 2 labeled train items');
  const curve = sampledLooKCurve(lg.m, lg.labels, {
    metric: o.metric,
    kValues: Array.from({ length: maxK }, (_, i) => i + 1),
    maxQueries: o.maxQueries ?? KNN_CURVE_MAX_QUERIES,
  });
  return {
    modelId,
    points: curve.curve.map((p) => ({ k: p.k, accuracy: p.accuracy })),
    bestK: curve.bestK,
    queries: curve.queries,
    labeled: lg.m.rows,
  };
}

/**
 * Retrieval metrics of a split, zero-shot accuracy, the raw-pixel baseline, and the K-NN classification of the
 * split's labeled images (train items vote) under the chosen K and metric: its accuracy, confusion matrix and how many
 * votes were tied (a tie goes to the class whose name sorts first, as scikit-learn settles it).
 */
export async function evaluate(
  ctx: SearchContext,
  o: { modelId?: number; split: Split; k?: number; metric?: z.infer<typeof METRIC>; baseline?: boolean },
): Promise<Results['evaluate']> {
  const modelId = ctx.cache.modelId(o.modelId);
  const metric = o.metric ?? 'cosine';
  const { evaluateModel } = await import('../../model/evaluate.ts');
  const r = await evaluateModel(ctx.lab, modelId, { split: o.split, k: o.k, baseline: o.baseline });
  let knn: Pick<Results['evaluate'], 'knnAccuracy' | 'confusion' | 'ties'> = {
    knnAccuracy: null,
    confusion: null,
    ties: 0,
  };
  const queries = splitQueries(ctx, modelId, o.split);
  // evaluateModel measures k-NN only where it makes sense (labels of two classes or more, labeled train items).
  if (queries.length > 0 && r.knnAccuracy !== undefined) {
    const predictions = splitPredictions(ctx, modelId, queries, r.k, metric);
    const truth = queries.map((q) => q.label);
    const cm = confusionMatrix(
      truth,
      predictions.map((p) => p.label),
    );
    knn = {
      knnAccuracy: predictions.filter((p, i) => p.label === truth[i]).length / queries.length,
      confusion: { labels: [...cm.labels], matrix: cm.matrix.map((row) => [...row]) },
      ties: predictions.filter((p) => isTied(p.probabilities)).length,
    };
  }
  return {
    modelId,
    split: r.split,
    images: r.images,
    captions: r.captions,
    t2i: r.t2i,
    i2t: r.i2t,
    unavailable: r.unavailable ?? null,
    zeroShotAccuracy: r.zeroShotAccuracy ?? null,
    classes: r.classes ?? null,
    ...knn,
    k: r.k,
    metric,
    rawPixelKnnAccuracy: r.rawPixelKnnAccuracy ?? null,
  };
}

/** The labeled items of a split with an image embedding of the model: the queries of evaluate's k-NN part. */
export function splitQueries(ctx: SearchContext, modelId: number, split: Split): LabeledItemRow[] {
  const g = ctx.cache.gallery(modelId, 'image');
  return labeledItemsOfSplit(ctx.lab.db, split).filter((q) => g.emb.rowOf.has(q.itemId));
}

/**
 * The k-NN classification of `queries` (splitQueries) with the labeled train items voting, as evaluate's accuracy
 * and confusion matrix count it (confusionItems lists the items behind a cell from the same predictions).
 */
export function splitPredictions(
  ctx: SearchContext,
  modelId: number,
  queries: readonly LabeledItemRow[],
  k: number,
  metric: Metric,
): Prediction[] {
  const g = ctx.cache.gallery(modelId, 'image');
  const lg = ctx.cache.labeledGallery(modelId);
  const rows = new Float32Array(queries.length * g.emb.dim);
  queries.forEach((q, i) => {
    const at = g.emb.rowOf.get(q.itemId)! * g.emb.dim;
    rows.set(g.emb.data.subarray(at, at + g.emb.dim), i * g.emb.dim);
  });
  return new KnnClassifier()
    .fit(lg.m, lg.labels, metric)
    .predictBatch(matrix(rows, queries.length, g.emb.dim), { k, metric });
}

/** True when two or more classes share the largest vote. */
function isTied(probabilities: Record<string, number>): boolean {
  const p = Object.values(probabilities);
  const top = Math.max(...p);
  return p.filter((x) => x === top).length > 1;
}
