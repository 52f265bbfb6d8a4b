/**
 * The curation lab's "Mislabeled items" (suspects, confirmLabels) and the items behind a cell of evaluate's
 * confusion matrix (confusionItems), over a model's stored image embeddings.
 */
import type { ApiHandlers, ParsedParams, Results } from '../../api/contract.ts';
import type { Suspect } from '../../api/curation-contract.ts';
import type { Split } from '../../api/types.ts';
import {
  agreementOf,
  looNeighbours,
  looVotes,
  rankSuspects,
  selectRows,
  topKParallel,
  type LooVote,
  type Matrix,
  type TopKResult,
} from '../../knn/index.ts';
import { firstCaptions } from '../../store/captions.ts';
import { embeddingCounts } from '../../store/embeddings.ts';
import { itemInfos, labeledItemsOfSplit, type LabeledItemRow } from '../../store/items.ts';
import { LabReadOnlyError } from '../../store/job-lock.ts';
import { confirmedItems, setLabelChecks } from '../../store/label-checks.ts';
import { listModels } from '../../store/models.ts';
import type { ServiceContext } from '../context.ts';
import { guard } from '../neighbours.ts';
import type { Gallery } from '../search/gallery.ts';
import type { SearchContext } from '../search/context.ts';
import { SearchError } from '../search/errors.ts';
import { splitPredictions, splitQueries } from '../search/evaluate.ts';

export type SuspectsApi = Pick<ApiHandlers, 'suspects' | 'confirmLabels' | 'confusionItems'>;

const SPLITS: readonly Split[] = ['train', 'val', 'test'];

/**
 * The finished models with stored image embeddings, in the order the default model is picked: models with a text
 * tower before backbone features (as latestModelId), newest first.
 */
export function embeddedModelIds(ctx: SearchContext): number[] {
  const db = ctx.lab.db;
  return listModels(db)
    .filter((m) => m.status === 'done' && m.hasWeights && embeddingCounts(db, m.id).image > 0)
    .sort((a, b) => Number(a.kind === 'backbone') - Number(b.kind === 'backbone') || b.id - a.id)
    .map((m) => m.id);
}

/** The model asked for (it must exist; the gallery says when it has no embeddings), or the default one. */
function modelOf(ctx: SearchContext, modelId: number | undefined): number {
  if (modelId !== undefined) return ctx.cache.modelId(modelId);
  const id = embeddedModelIds(ctx)[0];
  if (id === undefined)
    throw new SearchError(
      'the lab has no model with image embeddings yet: run `nearlab features` (backbone features), or `nearlab train` then `nearlab embed`',
    );
  return id;
}

/** Live labeled items of every split, in id order. */
function labeledItems(ctx: SearchContext): LabeledItemRow[] {
  return SPLITS.flatMap((s) => labeledItemsOfSplit(ctx.lab.db, s)).sort((a, b) => a.itemId - b.itemId);
}

/** The labeled items with an image embedding of a model, and those embeddings as a matrix (rows in id order). */
interface LabeledSet {
  items: LabeledItemRow[];
  m: Matrix;
  g: Gallery;
}

function labeledSet(ctx: SearchContext, modelId: number, labeled: readonly LabeledItemRow[]): LabeledSet {
  const g = ctx.cache.gallery(modelId, 'image');
  const items = labeled.filter((it) => g.emb.rowOf.has(it.itemId));
  return {
    items,
    m: selectRows(
      g.m,
      Int32Array.from(items, (it) => g.emb.rowOf.get(it.itemId)!),
    ),
    g,
  };
}

/**
 * The self-search of a model's labeled set for K+1 neighbours, kept while the model's gallery (its embeddings) and
 * the set of labeled items stay the same: a relabel changes neither, the votes are taken again from the labels
 * read at each call. The gallery cache starts afresh after edits and embedding, and this with it.
 */
class SelfSearches {
  private readonly kept = new WeakMap<Gallery, { key: string; result: Promise<TopKResult> }>();

  get(set: LabeledSet, k: number): Promise<TopKResult> {
    const key = `${k}:${set.items.map((it) => it.itemId).join(',')}`;
    const hit = this.kept.get(set.g);
    if (hit?.key === key) return hit.result;
    const result = topKParallel(set.m, set.m, k + 1);
    result.catch(() => this.kept.delete(set.g));
    this.kept.set(set.g, { key, result });
    return result;
  }
}

function checkK(k: number, n: number, modelId: number): void {
  if (k >= n)
    throw new SearchError(
      `k = ${k} needs more than ${k} labeled items with image embeddings of model ${modelId}, and there ${n === 1 ? 'is' : 'are'} ${n}: lower k`,
    );
}

/** Whether the label of each item is outvoted under another model (null where it cannot tell). */
function outvotedUnder(
  ctx: SearchContext,
  modelId: number,
  labeled: readonly LabeledItemRow[],
  itemIds: readonly number[],
  k: number,
): (boolean | null)[] {
  const set = labeledSet(ctx, modelId, labeled);
  if (set.items.length <= k) return itemIds.map(() => null);
  const rowOf = new Map(set.items.map((it, r) => [it.itemId, r]));
  const rows = itemIds.map((id) => rowOf.get(id)).filter((r): r is number => r !== undefined);
  const votes = new Map(
    looVotes(
      looNeighbours(set.m, k, { queryRows: rows }),
      set.items.map((it) => it.label),
      k,
      rows,
    ).map((v) => [set.items[v.row].itemId, v.vote !== v.label]),
  );
  return itemIds.map((id) => votes.get(id) ?? null);
}

async function suspects(
  ctx: SearchContext,
  searches: SelfSearches,
  p: ParsedParams<'suspects'>,
): Promise<Results['suspects']> {
  const modelId = modelOf(ctx, p.modelId);
  const labeled = labeledItems(ctx);
  if (labeled.length === 0)
    throw new SearchError(
      'this lab has no labeled items: import a labels table (`nearlab import FOLDER --labels FILE`) or label items (`nearlab items edit ID --label NAME`)',
    );
  const set = labeledSet(ctx, modelId, labeled);
  if (set.items.length === 0)
    throw new SearchError(
      `none of the lab's ${labeled.length} labeled items has an image embedding of model ${modelId}: run \`nearlab embed --model ${modelId}\``,
    );
  checkK(p.k, set.items.length, modelId);
  const labels = set.items.map((it) => it.label);
  const votes = looVotes(await searches.get(set, p.k), labels, p.k);
  const confirmed = confirmedItems(ctx.lab.db);
  let leftOut = 0;
  const ranked = rankSuspects(
    votes.filter((v) => {
      if (v.score === 0 || (p.split !== undefined && set.items[v.row].split !== p.split)) return false;
      if (p.includeConfirmed || !confirmed.has(set.items[v.row].itemId)) return true;
      leftOut++;
      return false;
    }),
  ).slice(0, p.limit);
  const itemIds = ranked.map((v) => set.items[v.row].itemId);
  const others = embeddedModelIds(ctx).filter((id) => id !== modelId);
  const outvoted = others.map((id) => outvotedUnder(ctx, id, labeled, itemIds, p.k));
  const infos = itemInfos(ctx.lab.db, [
    ...itemIds,
    ...ranked.flatMap((v) => v.neighbours.map((n) => set.items[n.row].itemId)),
  ]);
  const toSuspect = (v: LooVote, i: number): Suspect => {
    const item = itemIds[i];
    return {
      item,
      path: infos.get(item)!.path,
      label: v.label,
      vote: v.vote,
      score: v.score,
      pLabel: v.pLabel,
      pVote: v.pVote,
      agreement: agreementOf(outvoted.map((o) => o[i])),
      confirmed: confirmed.has(item),
      neighbours: v.neighbours.map((n) => {
        const nb = set.items[n.row];
        return { itemId: nb.itemId, path: infos.get(nb.itemId)!.path, label: nb.label, distance: n.distance };
      }),
    };
  };
  return {
    modelId,
    k: p.k,
    models: [modelId, ...others],
    labeled: set.items.length,
    confirmed: leftOut,
    suspects: ranked.map(toSuspect),
  };
}

/** The items of one cell of evaluate's confusion matrix: the same queries and predictions evaluate counts. */
function confusionItems(ctx: SearchContext, p: ParsedParams<'confusionItems'>): Results['confusionItems'] {
  const modelId = modelOf(ctx, p.modelId);
  const queries = splitQueries(ctx, modelId, p.split);
  if (queries.length === 0)
    throw new SearchError(`the ${p.split} split has no labeled items with an image embedding of model ${modelId}`);
  const predicted = splitPredictions(ctx, modelId, queries, p.k, p.metric).map((x) => x.label);
  const labels = new Set([...queries.map((q) => q.label), ...predicted]);
  for (const [what, label] of [
    ['true label', p.trueLabel],
    ['predicted label', p.predicted],
  ] as const)
    if (!labels.has(label))
      throw new SearchError(`no ${what} ${JSON.stringify(label)} in the confusion matrix of the ${p.split} split`);
  const cell = queries.filter((q, i) => q.label === p.trueLabel && predicted[i] === p.predicted);
  const ids = cell.map((q) => q.itemId);
  const infos = itemInfos(ctx.lab.db, ids);
  const captions = firstCaptions(ctx.lab.db, ids);
  return {
    items: cell.map((q) => ({
      itemId: q.itemId,
      path: infos.get(q.itemId)!.path,
      label: q.label,
      predicted: p.predicted,
      caption: captions.get(q.itemId) ?? null,
    })),
  };
}

/** Mislabeled items, confirming labels, and the items behind a confusion-matrix cell. */
export function suspectHandlers(ctx: ServiceContext): SuspectsApi {
  const s = ctx.search;
  const searches = new SelfSearches();
  return {
    suspects: (p) => guard(() => suspects(s, searches, p)),
    confirmLabels: (p) =>
      guard(() => {
        if (ctx.lab.readOnly) throw new LabReadOnlyError(ctx.lab, 'confirming labels');
        const changed = setLabelChecks(ctx.lab.db, p.ids, p.confirmed);
        if (changed > 0) ctx.emit({ type: 'lab-changed' });
        return { changed };
      }),
    confusionItems: (p) => guard(() => confusionItems(s, p)),
  };
}
