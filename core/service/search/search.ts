import type { FILTERS, Results, SearchHit } from '../../api/contract.ts';
import type { z } from 'zod';
import {
  distance,
  prepareGallery,
  restrictGallery,
  row,
  searchPrepared,
  searchRestricted,
  type Matrix,
  type PreparedGallery,
  type RestrictedGallery,
  type TopKResult,
} from '../../knn/index.ts';
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

/** A filter's gallery rows: its mask, and the list of its rows when they are few enough to scan alone. */
interface FilterRows {
  mask: Uint8Array;
  restricted: RestrictedGallery | null;
}

/**
 * A filter allowing at most this share of a gallery's rows is searched over its rows only (restrictGallery): at
 * 100k × 128-d, 20,000 rows take 5 ms in place, against 3.7 ms for the masked native scan when query and filter
 * agree and 8–20 ms when they disagree.
 */
const RESTRICT_MAX_SHARE = 0.25;

/**
 * Each gallery's filter rows by filters, built once: a label's mask costs ~5 ms at 100k items, half a search.
 * Edits, imports and embedding runs drop the gallery (GalleryCache.invalidate), and these with it.
 */
const filterRowsCache = new WeakMap<EmbeddingMatrix, Map<string, FilterRows | undefined>>();

function cachedFilterRows(
  db: Db,
  emb: EmbeddingMatrix,
  prep: PreparedGallery,
  filters: Filters,
  itemOf: ((id: number) => number) | null,
): FilterRows | undefined {
  let cached = filterRowsCache.get(emb);
  if (!cached) {
    cached = new Map();
    filterRowsCache.set(emb, cached);
  }
  const key = JSON.stringify([filters.label ?? null, filters.split ?? null, filters.folder ?? null]);
  if (!cached.has(key)) {
    if (cached.size >= 64) cached.clear(); // many different filters: keep memory bounded
    const mask = filterMask(db, emb, filters, itemOf);
    const narrow = mask && mask.reduce((a, b) => a + b, 0) <= RESTRICT_MAX_SHARE * mask.length;
    cached.set(key, mask && { mask, restricted: narrow ? restrictGallery(prep, mask) : null });
  }
  return cached.get(key);
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
  const gallery = prepared(g.m);
  const rows = cachedFilterRows(db, g.emb, gallery, options.filters ?? {}, captions ? itemOf : null);
  const selfRow = self === null ? undefined : g.emb.rowOf.get(self);
  const text = 'text' in q ? q.text : null;
  const hybrid = text !== null && options.mode !== 'embedding';
  const depth = Math.min(hybrid ? Math.max(options.k, FUSION_DEPTH) : options.k, g.m.rows);
  let result: TopKResult;
  if (rows?.restricted) {
    result = searchRestricted(rows.restricted, vector, depth, selfRow ?? null);
  } else {
    let mask = rows?.mask ?? null;
    if (selfRow !== undefined) {
      mask = mask ? mask.slice() : new Uint8Array(g.emb.ids.length).fill(1); // the cached mask stays as it is
      mask[selfRow] = 0;
    }
    result = searchPrepared(gallery, vector, depth, mask);
  }
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
