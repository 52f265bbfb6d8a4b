import type { Lab } from '../store/lab.ts';
import { setModelMetrics, type EpochMetrics } from '../store/models.ts';
import type { BackendName } from './backend.ts';
import type { LabData } from './data.ts';
import { embedAll } from './embed.ts';
import type { Engine } from './engine.ts';
import { evaluateModel } from './evaluate.ts';
import { crossModalRecall } from './metrics.ts';
import { encodeAll, type Tokenizer } from './tokenizer.ts';

/** Validation retrieval metrics on the val split's items and captions (null with fewer than 2 captioned items). */
export async function validationRecall(
  engines: Engine[],
  data: LabData,
  tokenizer: Tokenizer,
  dim: number,
): Promise<EpochMetrics | null> {
  const val = data.items.filter((i) => i.split === 'val' && i.captions.length > 0);
  if (val.length < 2) return null;
  const captions: string[] = [];
  const owner: number[] = [];
  val.forEach((item, k) => item.captions.forEach((c) => (captions.push(c.text), owner.push(k))));
  const emb = await embedAll(engines, Int32Array.from(val.map((i) => i.row)), encodeAll(tokenizer, captions));
  return crossModalRecall(emb.images, val.length, emb.captions, Int32Array.from(owner), dim);
}

/**
 * Adds val-split classification accuracies (k-NN and label-prompt zero-shot, see evaluate.ts) to a finished model's
 * last metrics and stores them, so model lists can show them without evaluating again. Needs labelled val items;
 * a failure here leaves the finished model and its retrieval metrics as they are.
 */
export async function withValClassification(
  lab: Lab,
  data: LabData,
  modelId: number,
  metrics: EpochMetrics | null,
  prefer: BackendName | undefined,
): Promise<EpochMetrics | null> {
  if (!metrics || !data.items.some((i) => i.split === 'val' && i.label !== null)) return metrics;
  try {
    const r = await evaluateModel(lab, modelId, { split: 'val', prefer, data });
    if (r.knnAccuracy === undefined && r.zeroShotAccuracy === undefined) return metrics;
    const merged: EpochMetrics = { ...metrics, knnAccuracy: r.knnAccuracy, zeroShotAccuracy: r.zeroShotAccuracy };
    setModelMetrics(lab.db, modelId, merged);
    return merged;
  } catch {
    return metrics;
  }
}
