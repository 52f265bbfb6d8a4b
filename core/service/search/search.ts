import type { FILTERS, Results, SearchHit } from '../../api/contract.ts';
import type { z } from 'zod';
import { distance, prepareGallery, row, searchPrepared, type Matrix, type PreparedGallery } from '../../knn/index.ts';
import { words } from '../../model/tokenizer.ts';
import { allCaptions, type CaptionRow } from '../../store/captions.ts';
import { itemIdsMatching, itemInfos } from '../../store/items.ts';
import type { EmbeddingMatrix } from '../../store/embeddings.ts';
import type { Db } from '../../store/lab.ts';
import type { SearchContext } from './context.ts';
import type { GalleryKind } from './gallery.ts';
import { FUSION_DEPTH, fuseWithKeywords, type FusedHit } from './hybrid.ts';
import type { Query } from './query.ts';

export type Filters = z.output<typeof FILTERS>;

/** A best match below this quantile of the lab's own caption–image similarities is a weak match. */
export const WEAK_MATCH_QUANTILE = 0.1;

export interface SearchOptions {
  k: number;
  target?: GalleryKind;
  modelId?: number;
  filters?: Filters;
  /** Text queries: fuse caption keyword matches into the ranking ('hybrid', the default) or not ('embedding'). */
  mode?: 'hybrid' | 'embedding';
}

/**
 * 1 for gallery rows whose item passes the filters, 0 otherwise; undefined when nothing is filtered. An image
 * gallery marks the rows of the matching items only (a label's items, not a lookup per gallery row).
 */
export function filterMask(
  db: Db,
  emb: Pick<EmbeddingMatrix, 'ids' | 'rowOf'>,
  filters: Filters,
  itemOf: ((id: number) => number) | null,
): Uint8Array | undefined {
  if (!filters.label && !filters.split && !filters.folder) return undefined;
  const folder = filters.folder ? filters.folder.replace(/\/?$/, '/') : null;
  const pass = itemIdsMatching(db, { label: filters.label, split: filters.split, folder });
  if (itemOf !== null) return Uint8Array.from(emb.ids, (id) => (pass.has(itemOf(id)) ? 1 : 0));
  const mask = new Uint8Array(emb.ids.length);
  for (const id of pass) {
    const r = emb.rowOf.get(id);
    if (r !== undefined) mask[r] = 1;
  }
  return mask;
}

/**
 * Each gallery's filter masks by filters, built once: a label's mask costs ~10 ms at 100k items, half the search.
 * Edits, imports and embedding runs drop the gallery (GalleryCache.invalidate), and its masks with it.
 */
const filterMasks = new WeakMap<EmbeddingMatrix, Map<string, Uint8Array | undefined>>();

function cachedFilterMask(
  db: Db,
  emb: EmbeddingMatrix,
  filters: Filters,
  itemOf: ((id: number) => number) | null,
): Uint8Array | undefined {
  let masks = filterMasks.get(emb);
  if (!masks) {
    masks = new Map();
    filterMasks.set(emb, masks);
  }
  const key = JSON.stringify([filters.label ?? null, filters.split ?? null, filters.folder ?? null]);
  if (!masks.has(key)) {
    if (masks.size >= 64) masks.clear(); // many different filters: keep memory bounded
    masks.set(key, filterMask(db, emb, filters, itemOf));
  }
  return masks.get(key);
}

/**
 * Each gallery matrix prepared for cosine search once (checked finite, its row norms), not on every query: at 100k
 * images those two passes over the matrix cost twice the search itself (test/bench/scale.bench.ts). A gallery the
 * cache drops (invalidate) takes its preparation with it.
 */
const preparedGalleries = new WeakMap<Matrix, PreparedGallery>();

function prepared(m: Matrix): PreparedGallery {
  let p = preparedGalleries.get(m);
  if (!p) {
    p = prepareGallery(m, 'cosine');
    preparedGalleries.set(m, p);
  }
  return p;
}

/**
 * The k nearest images (target 'image') or captions ('caption') of a query, by cosine similarity. A lab item used as
 * the query is left out of image results (it would always come first). The answer says when even the best result
 * is a weak match: it fits the query less well than most of the lab's captions fit their own images. A text query
 * in hybrid mode also ranks the captions holding its words (fuseWithKeywords), and a caption holding every one of
 * them is never a weak match.
 */
export async function search(ctx: SearchContext, q: Query, options: SearchOptions): Promise<Results['search']> {
  const db = ctx.lab.db;
  const modelId = ctx.cache.modelId(options.modelId);
  const target = options.target ?? 'image';
  const vector = await ctx.encoder.query(modelId, q);
  const g = ctx.cache.gallery(modelId, target);
  const captions: Map<number, CaptionRow> | null =
    target === 'caption' ? new Map(allCaptions(db).map((c) => [c.id, c])) : null;
  const itemOf = (id: number) => (captions ? (captions.get(id)?.itemId ?? -1) : id);
  const self = target === 'image' && 'image' in q && 'itemId' in q.image ? q.image.itemId : null;
  let filter = cachedFilterMask(db, g.emb, options.filters ?? {}, captions ? itemOf : null);
  if (self !== null && g.emb.rowOf.has(self)) {
    filter = filter ? filter.slice() : new Uint8Array(g.emb.ids.length).fill(1); // the cached mask stays as it is
    filter[g.emb.rowOf.get(self)!] = 0;
  }
  const text = 'text' in q ? q.text : null;
  const hybrid = text !== null && options.mode !== 'embedding';
  const depth = hybrid ? Math.max(options.k, FUSION_DEPTH) : options.k;
  const result = searchPrepared(prepared(g.m), vector, Math.min(depth, g.m.rows), filter ?? null);
  const ranking = Array.from(result.indices)
    .filter((r) => r >= 0)
    .map((r) => g.emb.ids[r]);
  const cosine = new Map(ranking.map((id, i) => [id, 1 - result.distances[i]]));
  const scoreOf = (id: number) => cosine.get(id) ?? 1 - distance(vector, row(g.m, g.emb.rowOf.get(id)!), 'cosine');
  let fused: FusedHit[] = ranking.map((id) => ({ id, keywordRank: null, keyword: null }));
  let exactMatch = false;
  if (hybrid) {
    ({ hits: fused, exactMatch } = fuseWithKeywords(db, text, ranking, {
      k: options.k,
      target,
      filters: options.filters ?? {},
      inGallery: (id) => g.emb.rowOf.has(id),
    }));
  }
  const info = itemInfos(
    db,
    fused.map((h) => itemOf(h.id)),
  );
  const results = fused.map((h) => {
    const it = info.get(itemOf(h.id))!;
    const hit: SearchHit = { itemId: it.id, path: it.path, score: scoreOf(h.id), label: it.label };
    if (captions) hit.caption = captions.get(h.id)!.text;
    else if (h.keyword) hit.caption = h.keyword.caption;
    if (text !== null) {
      hit.keywordRank = h.keywordRank;
      hit.matched = h.keyword?.matched ?? [];
    }
    return hit;
  });
  const weakBelow = weakMatchThreshold(ctx, modelId);
  // The embedding's own best match decides, not a keyword match fused above it.
  const best = ranking.length > 0 ? cosine.get(ranking[0])! : null;
  const unknownWords = text === null ? null : await ctx.encoder.unknownWords(modelId, text);
  const understood = unknownWords === null || unknownWords.length < words(text ?? '').length;
  const weakReason = exactMatch
    ? null
    : !understood
      ? 'unknown-words'
      : weakBelow !== null && best !== null && best < weakBelow
        ? 'low-score'
        : null;
  return { modelId, results, weakBelow, unknownWords, weakMatch: weakReason !== null, weakReason };
}

/** The score under which a best match is weak, or null when the lab has too few captioned images to tell. */
function weakMatchThreshold(ctx: SearchContext, modelId: number): number | null {
  let scores: Float32Array;
  try {
    scores = ctx.cache.captionImageScores(modelId);
  } catch {
    return null; // no caption embeddings
  }
  return scores.length < 20 ? null : scores[Math.floor(WEAK_MATCH_QUANTILE * scores.length)];
}
