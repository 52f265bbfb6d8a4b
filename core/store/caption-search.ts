/** Keyword search over captions (the captions_fts index of migration 005). */
import type { Split } from '../api/types.ts';
import { matchCaption, queryTerms, termExpressions, wordsOf, type QueryTerms } from './caption-terms.ts';
import type { Db } from './lab.ts';

/** The filters search honours: an item's label, its split, the folder it is under (relative to its root). */
export interface KeywordFilters {
  label?: string;
  split?: Split;
  folder?: string;
}

/**
 * A word held by more captions than this is common: a keyword ranking of it would rank thousands of captions by bm25
 * (15–35 ms at 100,000 items), for a word the embedding has seen as many times. See keywordMatches.
 */
export const COMMON_WORD_CAPTIONS = 3000;

/** Gallery ids a keyword ranking may be limited to: items, or captions (keywordMatches' `among`). */
export interface KeywordCandidates {
  kind: 'item' | 'caption';
  ids: readonly number[];
}

export interface KeywordOptions {
  limit: number;
  filters?: KeywordFilters;
  /** 'item' (default): each item once, with its best matching caption. 'caption': every matching caption. */
  per?: 'item' | 'caption';
  /** Captions a word may be in before it is common (default COMMON_WORD_CAPTIONS). */
  commonWordCaptions?: number;
  /**
   * Where a query of common words only is ranked when more captions than commonWordCaptions hold all its words
   * (e.g. the embedding's best hits); without it such a query has no keyword matches.
   */
  among?: KeywordCandidates;
}

/** An item whose caption contains words of the query. */
export interface KeywordMatch {
  itemId: number;
  captionId: number;
  caption: string;
  /** FTS5's bm25 of the caption (lower is better; negative); null when ranked `among` candidates, without FTS5. */
  bm25: number | null;
  /** The caption's words that match the query's, as written in it: what to highlight. */
  matched: string[];
  /** Every word of the query is a whole word of the caption. */
  allWords: boolean;
  /** The caption is the query: the same words in the same order (case, accents and punctuation aside). */
  exact: boolean;
}

interface Row {
  captionId: number;
  itemId: number;
  caption: string;
  bm25: number | null;
}

/** Captions read per result asked for, so that re-ranking by words found sees more than the first `limit`. */
const CANDIDATES_PER_RESULT = 4;
const MIN_CANDIDATES = 200;

/**
 * Which captions a query's keyword ranking reads: those matching an FTS5 expression (bm25 over it), or, for common
 * words only that many captions hold together, those of the candidates (`among`).
 */
function keywordPlan(db: Db, terms: QueryTerms, common: number): { match: string } | 'among' {
  const count = db.prepare('SELECT count(*) FROM captions_fts WHERE captions_fts MATCH ?').pluck();
  const words = termExpressions(terms);
  const counts = words.map((w) => count.get(w) as number);
  const rare = words.filter((_, i) => counts[i] <= common);
  if (rare.length > 0) return { match: rare.join(' OR ') };
  const all = words.join(' AND ');
  return (words.length === 1 ? counts[0] : (count.get(all) as number)) <= common ? { match: all } : 'among';
}

/** The SQL conditions of the filters on items `i` and labels `l`, live items only. */
function filterConditions(f: KeywordFilters): { where: string[]; args: (string | number)[] } {
  const where = [`i.status = 'ok'`];
  const args: (string | number)[] = [];
  if (f.label) {
    where.push('l.name = ?');
    args.push(f.label);
  }
  if (f.split) {
    where.push('i.split = ?');
    args.push(f.split);
  }
  if (f.folder) {
    const folder = f.folder.replace(/\/?$/, '/');
    where.push('substr(i.path, 1, ?) = ?');
    args.push(folder.length, folder);
  }
  return { where, args };
}

/**
 * Live items whose captions contain words of `query` (any of them; accents and case ignored; the last word also as
 * a prefix when the query ends with it), best first: captions that are the query itself, then most query words
 * found, then most found as whole words, then bm25. Whatever the text (FTS5 syntax, quotes, punctuation, emoji), it
 * is searched for as words, never parsed: a query without a word matches nothing.
 *
 * Common words (held by more than `commonWordCaptions` captions) are counted in that order but do not bring
 * captions of their own when the query has a rarer word: "bright heart" ranks the captions holding "heart" (as
 * Lucene's common-terms query does). A query of common words only ranks the captions holding all of them; when
 * those are too many as well ("flag" in a lab of flags), it ranks the captions of `among` that hold all its words,
 * shorter captions first (bm25's order for the same words), and has no matches without `among`.
 */
export function keywordMatches(db: Db, query: string, options: KeywordOptions): KeywordMatch[] {
  const terms = queryTerms(query);
  if (terms.words.length === 0 || options.limit <= 0) return [];
  const plan = keywordPlan(db, terms, options.commonWordCaptions ?? COMMON_WORD_CAPTIONS);
  const { where, args } = filterConditions(options.filters ?? {});
  let rows: Row[];
  if (plan === 'among') {
    if (!options.among || options.among.ids.length === 0) return [];
    const column = options.among.kind === 'caption' ? 'c.id' : 'c.item_id';
    rows = db
      .prepare(
        // The candidates lead (CROSS JOIN keeps them outermost): led by items_status, SQLite walked every live
        // item, 8.7 ms at 100k items against 0.1 ms.
        `SELECT c.id AS captionId, c.item_id AS itemId, c.text AS caption, NULL AS bm25
         FROM json_each(?) j CROSS JOIN captions c ON ${column} = j.value JOIN items i ON i.id = c.item_id
         LEFT JOIN labels l ON l.item_id = i.id
         WHERE ${where.join(' AND ')} ORDER BY c.id`,
      )
      .all(JSON.stringify(options.among.ids), ...args) as Row[];
  } else {
    rows = db
      .prepare(
        `SELECT c.id AS captionId, c.item_id AS itemId, c.text AS caption, bm25(captions_fts) AS bm25
         FROM captions_fts JOIN captions c ON c.id = captions_fts.rowid JOIN items i ON i.id = c.item_id
         LEFT JOIN labels l ON l.item_id = i.id
         WHERE captions_fts MATCH ? AND ${where.join(' AND ')} ORDER BY bm25, c.id LIMIT ?`,
      )
      .all(plan.match, ...args, Math.max(options.limit * CANDIDATES_PER_RESULT, MIN_CANDIDATES)) as Row[];
  }
  // bm25, or a caption's length in words when ranked among candidates: lower is better either way.
  const tiebreak = (r: Row) => r.bm25 ?? wordsOf(r.caption).length;
  const ranked = rows
    .map((r) => ({ r, m: matchCaption(r.caption, terms) }))
    .filter(({ m }) => plan !== 'among' || m.words === terms.words.length)
    .sort(
      (a, b) =>
        Number(b.m.exact) - Number(a.m.exact) ||
        b.m.words - a.m.words ||
        b.m.wholeWords - a.m.wholeWords ||
        tiebreak(a.r) - tiebreak(b.r),
    );
  const out: KeywordMatch[] = [];
  const seen = new Set<number>();
  for (const { r, m } of ranked) {
    if (options.per !== 'caption') {
      if (seen.has(r.itemId)) continue;
      seen.add(r.itemId);
    }
    out.push({ ...r, matched: m.matched, allWords: m.wholeWords === terms.words.length, exact: m.exact });
    if (out.length === options.limit) break;
  }
  return out;
}
