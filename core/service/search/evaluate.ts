import type { Results } from '../../api/contract.ts';
import { confusionMatrix, KnnClassifier, looKCurve, type Metric } from '../../knn/index.ts';
import type { Split } from '../../api/types.ts';
import { labeledItemsOfSplit } from '../../store/items.ts';
import type { SearchContext } from './context.ts';
import { SearchError } from './errors.ts';

/** Leave-one-out KNN accuracy for K = 1..maxK on the labeled train items. */
export function knnCurve(
  ctx: SearchContext,
  o: { modelId?: number; metric: Metric; maxK: number },
): Results['knnCurve'] {
  const modelId = ctx.cache.modelId(o.modelId);
  const lg = ctx.cache.labeledGallery(modelId);
  const maxK = Math.min(o.maxK, lg.m.rows - 1);
  if (maxK < 1) throw new SearchError('the KNN curve needs at least 2 labeled train items');
  const curve = looKCurve(lg.m, lg.labels, {
    metric: o.metric,
    kValues: Array.from({ length: maxK }, (_, i) => i + 1),
  });
  return { modelId, points: curve.curve.map((p) => ({ k: p.k, accuracy: p.accuracy })), bestK: curve.bestK };
}

/** Retrieval metrics of a split, zero-shot and KNN accuracy, the KNN confusion matrix, and the raw-pixel baseline. */
export async function evaluate(
  ctx: SearchContext,
  o: { modelId?: number; split: Split; k?: number; baseline?: boolean },
): Promise<Results['evaluate']> {
  const modelId = ctx.cache.modelId(o.modelId);
  const { evaluateModel } = await import('../../model/evaluate.ts');
  const r = await evaluateModel(ctx.lab, modelId, { split: o.split, k: o.k, baseline: o.baseline });
  let confusion: Results['evaluate']['confusion'] = null;
  const g = ctx.cache.gallery(modelId, 'image');
  const queries = labeledItemsOfSplit(ctx.lab.db, o.split).filter((q) => g.emb.rowOf.has(q.itemId));
  if (queries.length > 0 && r.knnAccuracy !== undefined) {
    const lg = ctx.cache.labeledGallery(modelId);
    const clf = new KnnClassifier().fit(lg.m, lg.labels, 'cosine');
    const predicted = queries.map((q) => {
      const at = g.emb.rowOf.get(q.itemId)! * g.emb.dim;
      return clf.predict(g.emb.data.subarray(at, at + g.emb.dim), { k: r.k }).label;
    });
    const cm = confusionMatrix(
      queries.map((q) => q.label),
      predicted,
    );
    confusion = { labels: [...cm.labels], matrix: cm.matrix.map((row) => [...row]) };
  }
  return {
    modelId,
    split: r.split,
    images: r.images,
    captions: r.captions,
    t2i: r.t2i,
    i2t: r.i2t,
    zeroShotAccuracy: r.zeroShotAccuracy ?? null,
    classes: r.classes ?? null,
    knnAccuracy: r.knnAccuracy ?? null,
    k: r.k,
    confusion,
    rawPixelKnnAccuracy: r.rawPixelKnnAccuracy ?? null,
  };
}
