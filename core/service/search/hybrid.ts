import { keywordMatches, type KeywordFilters, type KeywordMatch } from '../../store/caption-search.ts';
import type { Db } from '../../store/lab.ts';
import { reciprocalRankFusion } from './fusion.ts';
import type { GalleryKind } from './gallery.ts';

/** Each ranking brings at least this many of its best hits to the fusion (k of them when more are asked for). */
export const FUSION_DEPTH = 100;

/** A result of a hybrid search: a gallery id (an item, or a caption for image→text) and its keyword match. */
export interface FusedHit {
  id: number;
  /** Rank (from 1) among the keyword matches the gallery holds, or null. */
  keywordRank: number | null;
  keyword: KeywordMatch | null;
}

export interface HybridOptions {
  k: number;
  target: GalleryKind;
  filters: KeywordFilters;
  /** Whether the model's gallery holds an id (items or captions it has no embedding of cannot be scored). */
  inGallery: (id: number) => boolean;
}

/**
 * The k best of a text query's embedding ranking (gallery ids, best first) and its captions' keyword matches
 * under the same filters, fused by reciprocal rank; a hit whose caption is the query itself (same words, same
 * order) comes before the others, whatever its embedding says: a user who types an exact caption means that one.
 * `exactMatch`: some caption holds every word of the query.
 */
export function fuseWithKeywords(
  db: Db,
  text: string,
  embeddingIds: readonly number[],
  options: HybridOptions,
): { hits: FusedHit[]; exactMatch: boolean } {
  const idOf = (m: KeywordMatch) => (options.target === 'caption' ? m.captionId : m.itemId);
  const keyword = keywordMatches(db, text, {
    limit: Math.max(options.k, FUSION_DEPTH),
    filters: options.filters,
    per: options.target === 'caption' ? 'caption' : 'item',
    // A query of words common in the lab is ranked by keywords among the embedding's best hits only.
    among: { kind: options.target === 'caption' ? 'caption' : 'item', ids: embeddingIds },
  }).filter((m) => options.inGallery(idOf(m)));
  const byId = new Map(keyword.map((m) => [idOf(m), m]));
  const fused = reciprocalRankFusion([embeddingIds, keyword.map(idOf)]).map((f): FusedHit => ({
    id: f.id,
    keywordRank: f.ranks[1],
    keyword: byId.get(f.id) ?? null,
  }));
  const isExact = (h: FusedHit) => h.keyword?.exact === true;
  return {
    hits: [...fused.filter(isExact), ...fused.filter((h) => !isExact(h))].slice(0, options.k),
    exactMatch: keyword.some((m) => m.allWords),
  };
}
