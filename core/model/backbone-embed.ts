import { RateMeter } from '../data/progress.ts';
import { matrix, normaliseRows } from '../knn/index.ts';
import {
  embeddingCoverage,
  itemsToEmbed,
  pruneEmbeddings,
  saveItemEmbeddings,
  type ItemToEmbed,
} from '../store/embeddings.ts';
import { readFeatures } from '../store/features.ts';
import type { Lab } from '../store/lab.ts';
import { getModel } from '../store/models.ts';
import { readBackboneModelConfig } from './backbone-model.ts';
import { ModelNotFinishedError, type EmbedModelOptions, type EmbedModelResult } from './embed-incremental.ts';
import { StoredModelError } from './stored.ts';

/**
 * embedModel for a backbone-features model: the image embedding of each live item without one (with `all`, of
 * every live item, then the vectors of items no longer live are dropped) is its image's stored view-0 feature,
 * L2-normalised. Nothing is computed here: images without features yet (the feature job computes them, and embeds
 * them after) stay uncovered. One transaction per batch; no captions (no text tower).
 */
export async function embedBackboneModel(
  lab: Lab,
  modelId: number,
  options: EmbedModelOptions = {},
): Promise<EmbedModelResult> {
  const started = performance.now();
  const rec = getModel(lab.db, modelId);
  if (rec.status !== 'done' || !rec.hasWeights) throw new ModelNotFinishedError(modelId, rec.status);
  const { backbone, dim } = readBackboneModelConfig(lab, modelId);
  const batch = Math.max(1, options.batchSize ?? 256);
  const meter = new RateMeter();
  const cancelled = () => options.signal?.aborted ?? false;
  let stored = 0;
  let done = 0;
  let total = 0;

  /**
   * One pass in item id order over the items whose images have features (the others wait for the features job);
   * returns the items found and the embeddings written. It yields between pages, so the lab answers meanwhile.
   */
  const pass = async (all: boolean): Promise<{ found: number; written: number }> => {
    let after = 0;
    let found = 0;
    let written = 0;
    const c = embeddingCoverage(lab.db, modelId);
    total = done + (all ? c.items : c.items - c.images);
    while (!cancelled()) {
      const items = itemsToEmbed(lab.db, modelId, { all, after, limit: batch, withFeatures: backbone });
      if (items.length === 0) break;
      after = items[items.length - 1].itemId;
      found += items.length;
      written += writeBatch(items);
      done += items.length;
      total = Math.max(total, done);
      const p = meter.measure(`model ${modelId} images`, done, total);
      options.onProgress?.({ ...p, detail: { modelId } });
      await new Promise((r) => setImmediate(r));
    }
    stored += written;
    return { found, written };
  };

  const writeBatch = (items: ItemToEmbed[]): number => {
    const f = readFeatures(lab.db, backbone, [...new Set(items.map((i) => i.imageId))], 0);
    if (f.found.length === 0) return 0;
    if (f.dim !== dim)
      throw new StoredModelError(
        modelId,
        'configuration',
        `${dim}-d features, but ${backbone}'s stored are ${f.dim}-d`,
      );
    const rowOf = new Map(Array.from(f.found, (imageId, r) => [imageId, r]));
    const kept = items.filter((i) => rowOf.has(i.imageId));
    const vectors = new Float32Array(kept.length * dim);
    kept.forEach((it, k) => {
      const r = rowOf.get(it.imageId)!;
      vectors.set(f.data.subarray(r * dim, (r + 1) * dim), k * dim);
    });
    const unit = normaliseRows(matrix(vectors, kept.length, dim)).data;
    return saveItemEmbeddings(lab.db, modelId, kept, unit, dim);
  };

  if (options.all) {
    await pass(true);
    if (!cancelled()) pruneEmbeddings(lab.db, modelId);
  }
  // New and changed items until a pass writes nothing (those left have no features yet).
  while (!cancelled()) {
    const r = await pass(false);
    if (r.found === 0 || r.written === 0) break;
  }
  return {
    modelId,
    status: cancelled() ? 'cancelled' : 'done',
    images: stored,
    captions: 0,
    seconds: (performance.now() - started) / 1000,
  };
}
