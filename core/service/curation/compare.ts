/**
 * Two models side by side on the user's own split (compare): evaluate's numbers for each (k-NN accuracy, its
 * confusion matrix per class, text↔image recall), per-class text→image recall, zero-shot accuracy under several
 * template sets, and optionally one text query's top results under both.
 */
import type { ApiHandlers, ParsedParams, Results, SearchHit } from '../../api/contract.ts';
import type { ModelRef } from '../../api/curation-contract.ts';
import type { Split } from '../../api/types.ts';
import { compareCodePoints, DEFAULT_TEMPLATES, zeroShot } from '../../knn/index.ts';
import { PROMPT_TEMPLATE } from '../../model/config.ts';
import { allCaptions } from '../../store/captions.ts';
import { labeledItemsOfSplit } from '../../store/items.ts';
import { getModel } from '../../store/models.ts';
import { ZERO_SHOT_TEMPLATES, zeroShotPrompts } from '../search/classify.ts';
import type { ServiceContext } from '../context.ts';
import { modelSummary } from '../model-summary.ts';
import { guard } from '../neighbours.ts';
import type { SearchContext } from '../search/context.ts';
import { SearchError } from '../search/errors.ts';
import { evaluate } from '../search/evaluate.ts';
import { embeddingRows } from '../search/gallery.ts';
import { search } from '../search/search.ts';
import { labelState } from './suggest.ts';

type Compare = Results['compare'];
type Pair<T> = [T, T];

/** Per-class recall is text→image recall at this K: the share of a class's captions whose own image is in the top K. */
export const CLASS_RECALL_K = 10;
/** Results of the side-by-side query under each model. */
export const QUERY_RESULTS = 10;

/** Template sets measured when none are given: the bare label, training's label prompt, classify's default, CLIP's. */
export const TEMPLATE_SETS: readonly (readonly string[])[] = uniqueSets([
  ['{}'],
  [PROMPT_TEMPLATE],
  ZERO_SHOT_TEMPLATES,
  DEFAULT_TEMPLATES,
]);

function uniqueSets(sets: readonly (readonly string[])[]): (readonly string[])[] {
  const seen = new Set<string>();
  return sets.filter((s) => {
    const key = JSON.stringify(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const pair = <T>(f: (modelId: number, side: 0 | 1) => T, ids: Pair<number>): Pair<T> => [f(ids[0], 0), f(ids[1], 1)];
const pairAsync = async <T>(f: (modelId: number) => Promise<T>, ids: Pair<number>): Promise<Pair<T>> => [
  await f(ids[0]),
  await f(ids[1]),
];

export async function compare(ctx: SearchContext, p: ParsedParams<'compare'>): Promise<Compare> {
  if (p.modelA === p.modelB)
    throw new SearchError(`model ${p.modelA} is given twice: compare needs two different models`);
  const ids: Pair<number> = [ctx.cache.modelId(p.modelA), ctx.cache.modelId(p.modelB)];
  for (const id of ids) ctx.cache.gallery(id, 'image'); // a model without embeddings is refused before any work
  const labeledSplit = labeledItemsOfSplit(ctx.lab.db, p.split);
  if (labeledSplit.length === 0)
    throw new SearchError(`the ${p.split} split has no labeled items: compare measures on labeled items`);
  const train = labeledItemsOfSplit(ctx.lab.db, 'train').length;
  if (p.k > train) throw new SearchError(`k = ${p.k} is larger than the ${train} labeled train items that vote`);
  const evals = await pairAsync((id) => evaluate(ctx, { modelId: id, split: p.split, k: p.k }), ids);
  for (const [i, e] of evals.entries())
    if (e.confusion === null)
      throw new SearchError(
        `model ${ids[i]}: k-NN accuracy needs labeled train items of two classes or more embedded by the model`,
      );
  const classRecall = await pairAsync((id) => perClassRecall(ctx, id, p.split), ids);
  const counts = new Map<string, number>();
  for (const q of labeledSplit) counts.set(q.label, (counts.get(q.label) ?? 0) + 1);
  const perClass = [...counts.keys()].sort(compareCodePoints).map((label) => ({
    label,
    count: counts.get(label)!,
    accuracy: pair((_, side) => classAccuracy(evals[side].confusion!, label), ids),
    recall: pair((_, side) => classRecall[side]?.get(label) ?? null, ids),
  }));
  const zeroShot = await zeroShotBySet(ctx, ids, p.split, p.templateSets ?? TEMPLATE_SETS);
  return {
    models: pair((id): ModelRef => ({ id, name: modelSummary(ctx.lab.db, getModel(ctx.lab.db, id)).name }), ids),
    split: p.split,
    k: p.k,
    perClass,
    knnAccuracy: pair((_, side) => evals[side].knnAccuracy, ids),
    recall: { t2i: pair((_, s) => evals[s].t2i, ids), i2t: pair((_, s) => evals[s].i2t, ids) },
    zeroShot,
    bestTemplates: pair((_, side) => bestSet(zeroShot.map((z) => z.accuracy[side])), ids),
    query: p.query ? await sideBySide(ctx, ids, p.query.text) : null,
  };
}

/** The share of a class's items the k-NN vote gets right: the diagonal of its row of the confusion matrix. */
function classAccuracy(cm: { labels: string[]; matrix: number[][] }, label: string): number {
  const i = cm.labels.indexOf(label);
  if (i < 0) return 0;
  const total = cm.matrix[i].reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : cm.matrix[i][i] / total;
}

/**
 * Text→image recall@CLASS_RECALL_K per class on a split, as evaluate measures retrieval: the split's images are the
 * gallery and each caption of a labeled item is a query. Null for a model without a text tower.
 */
async function perClassRecall(ctx: SearchContext, modelId: number, split: Split): Promise<Map<string, number> | null> {
  if (!ctx.cache.hasText(modelId)) return null;
  const g = ctx.cache.gallery(modelId, 'image');
  const caps = ctx.cache.gallery(modelId, 'caption');
  const { info } = labelState(ctx, g);
  const images = Array.from(g.emb.ids).filter((id) => info.get(id)?.split === split);
  const column = new Map(images.map((id, i) => [id, i]));
  const queries = allCaptions(ctx.lab.db).filter((c) => column.has(c.itemId) && caps.emb.rowOf.has(c.id));
  const { textToImageRanks } = await import('../../model/metrics.ts'); // TF.js loads on first use
  const ranks = textToImageRanks(
    embeddingRows(g.emb, images).data,
    images.length,
    embeddingRows(
      caps.emb,
      queries.map((c) => c.id),
    ).data,
    Int32Array.from(queries, (c) => column.get(c.itemId)!),
    g.emb.dim,
  );
  const hits = new Map<string, { n: number; hit: number }>();
  queries.forEach((c, i) => {
    const label = info.get(c.itemId)!.label;
    if (label === null) return;
    const h = hits.get(label) ?? { n: 0, hit: 0 };
    h.n++;
    if (ranks[i] <= CLASS_RECALL_K) h.hit++;
    hits.set(label, h);
  });
  return new Map([...hits].map(([label, h]) => [label, h.hit / h.n]));
}

/**
 * Zero-shot accuracy of each template set on the split's labeled items (the lab's labels as classes, as evaluate
 * does); null for a model without a text tower or a lab of fewer than two classes.
 */
async function zeroShotBySet(
  ctx: SearchContext,
  ids: Pair<number>,
  split: Split,
  sets: readonly (readonly string[])[],
): Promise<Compare['zeroShot']> {
  const out: Compare['zeroShot'] = sets.map((templates) => ({ templates: [...templates], accuracy: [null, null] }));
  for (const [side, id] of ids.entries()) {
    if (!ctx.cache.hasText(id)) continue;
    const g = ctx.cache.gallery(id, 'image');
    const { labeled, info } = labelState(ctx, g);
    const classes = [...new Set(labeled.map((l) => l.label))].sort(compareCodePoints);
    const items = labeled.filter((l) => info.get(l.itemId)!.split === split);
    if (classes.length < 2 || items.length === 0) continue;
    const rows = embeddingRows(
      g.emb,
      items.map((l) => l.itemId),
    );
    for (const z of out) {
      const { classes: zs, scale } = await zeroShotPrompts(ctx, id, classes, z.templates);
      let correct = 0;
      items.forEach((l, i) => {
        if (zeroShot(rows.data.subarray(i * rows.dim, (i + 1) * rows.dim), zs, scale).label === l.label) correct++;
      });
      z.accuracy[side] = correct / items.length;
    }
  }
  return out;
}

/** Index of the highest accuracy (the first of equals), null when there is none. */
function bestSet(accuracies: (number | null)[]): number | null {
  let best: number | null = null;
  accuracies.forEach((a, i) => {
    if (a !== null && (best === null || a > accuracies[best]!)) best = i;
  });
  return best;
}

/**
 * One text query's top results under both models, by the embedding alone (keyword matches would be the same under
 * both); a model without a text tower has none. `moved`: every item of either list, with its rank under each.
 */
async function sideBySide(ctx: SearchContext, ids: Pair<number>, text: string): Promise<NonNullable<Compare['query']>> {
  const [a, b] = await pairAsync(
    async (id): Promise<SearchHit[]> =>
      ctx.cache.hasText(id)
        ? (await search(ctx, { text }, { k: QUERY_RESULTS, modelId: id, mode: 'embedding' })).results
        : [],
    ids,
  );
  const rankIn = (list: SearchHit[], id: number) => {
    const i = list.findIndex((h) => h.itemId === id);
    return i < 0 ? null : i + 1;
  };
  const seen = new Map<number, string>();
  for (const h of [...a, ...b]) if (!seen.has(h.itemId)) seen.set(h.itemId, h.path);
  const moved = [...seen].map(([itemId, path]) => ({
    itemId,
    path,
    rankA: rankIn(a, itemId),
    rankB: rankIn(b, itemId),
  }));
  return { text, a, b, moved };
}

/** Two models side by side. */
export function compareHandlers(ctx: ServiceContext): Pick<ApiHandlers, 'compare'> {
  return { compare: (p) => guard(() => compare(ctx.search, p)) };
}
