import type { Results } from '../../api/contract.ts';
import { buildZeroShotClasses, fillTemplate, zeroShot, type Metric, type ZeroShotClasses } from '../../knn/index.ts';
import { PROMPT_TEMPLATE } from '../../model/config.ts';
import { firstCaptions } from '../../store/captions.ts';
import { itemInfos } from '../../store/items.ts';
import type { SearchContext } from './context.ts';
import { asSearchError, SearchError } from './errors.ts';
import type { ImageRef } from './query.ts';

/** Zero-shot templates used when none are given: the one training used for label prompts, and the bare label. */
export const ZERO_SHOT_TEMPLATES: readonly string[] = [PROMPT_TEMPLATE, '{}'];

/** The category label of a lab item being classified (null for an outside image or an unlabeled item). */
function trueLabelOf(ctx: SearchContext, image: ImageRef): string | null {
  return 'itemId' in image ? (itemInfos(ctx.lab.db, [image.itemId]).get(image.itemId)?.label ?? null) : null;
}

export interface KnnOptions {
  k: number;
  weights: 'uniform' | 'distance';
  metric: Metric;
  modelId?: number;
}

/** p(y = c | x) as the share of the K nearest labeled train items (a lab item never votes for itself). */
export async function classifyKnn(ctx: SearchContext, image: ImageRef, o: KnnOptions): Promise<Results['classify']> {
  const modelId = ctx.cache.modelId(o.modelId);
  const query = await ctx.encoder.image(modelId, image);
  // The cached gallery and classifier (prepared once per metric); the query item's own row is masked out.
  const { gallery: lg, classifier, rowOf } = ctx.cache.labeledIndex(modelId);
  const self = 'itemId' in image ? rowOf.get(image.itemId) : undefined;
  let mask: Uint8Array | null = null;
  if (self !== undefined) {
    if (lg.m.rows === 1) throw new SearchError('no labeled train items with embeddings: import labels, then embed');
    mask = new Uint8Array(lg.m.rows).fill(1);
    mask[self] = 0;
  }
  const p = classifier.predict(query, { k: o.k, weights: o.weights, metric: o.metric, mask });
  const ids = p.neighbours.map((n) => lg.itemIds[n.row]);
  const info = itemInfos(ctx.lab.db, ids);
  const captions = firstCaptions(ctx.lab.db, ids);
  return {
    modelId,
    label: p.label,
    probabilities: p.probabilities,
    trueLabel: trueLabelOf(ctx, image),
    neighbours: p.neighbours.map((n) => {
      const it = info.get(lg.itemIds[n.row])!;
      return {
        itemId: it.id,
        path: it.path,
        distance: n.distance,
        label: n.label,
        caption: captions.get(it.id) ?? null,
      };
    }),
  };
}

export interface ZeroShotOptions {
  labels: string[];
  templates?: readonly string[];
  modelId?: number;
}

/**
 * One unit vector per label (distinct, trimmed): its prompts — the templates filled with it — embedded by the model's
 * text tower and averaged, as CLIP's zero-shot does; with the model's logit scale (exp) for the softmax.
 */
export async function zeroShotPrompts(
  ctx: SearchContext,
  modelId: number,
  labels: readonly string[],
  templates: readonly string[] = ZERO_SHOT_TEMPLATES,
): Promise<{ classes: ZeroShotClasses; scale: number }> {
  ctx.cache.requireText(modelId);
  const model = await ctx.cache.model(modelId);
  const distinct = [...new Set(labels.map((l) => l.trim()).filter(Boolean))];
  if (distinct.length === 0) throw new SearchError('give at least one label');
  const prompts: Record<string, Float32Array[]> = {};
  for (const label of distinct) {
    const texts = asSearchError(() => templates.map((t) => fillTemplate(t, label)));
    const v = await model.embedTexts(texts);
    prompts[label] = texts.map((_, i) => v.slice(i * model.dim, (i + 1) * model.dim));
  }
  return { classes: buildZeroShotClasses(prompts), scale: model.scale };
}

/** The label whose prompts (templates filled with it, averaged) are nearest the image, with softmax probabilities. */
export async function classifyZeroShot(
  ctx: SearchContext,
  image: ImageRef,
  o: ZeroShotOptions,
): Promise<Results['classify']> {
  const modelId = ctx.cache.modelId(o.modelId);
  ctx.cache.requireText(modelId);
  const query = await ctx.encoder.image(modelId, image);
  const { classes, scale } = await zeroShotPrompts(ctx, modelId, o.labels, o.templates);
  const r = zeroShot(query, classes, scale);
  return {
    modelId,
    label: r.label,
    probabilities: r.probabilities,
    trueLabel: trueLabelOf(ctx, image),
    neighbours: [],
    // cos(image, label prompts): the logit without the model's scale, the score calibrate's thresholds apply to.
    scores: Object.fromEntries(classes.labels.map((l, c) => [l, r.logits[c] / scale])),
  };
}
