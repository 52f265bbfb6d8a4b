/** Keyword search over captions (the captions_fts index of migration 005). */
import type { Split } from '../api/types.ts';
import { matchCaption, matchExpression, queryTerms } from './caption-terms.ts';
import type { Db } from './lab.ts';

/** The filters search honours: an item's label, its split, the folder it is under (relative to its root). */
export interface KeywordFilters {
  label?: string;
  split?: Split;
  folder?: string;
}

export interface KeywordOptions {
  limit: number;
  filters?: KeywordFilters;
  /** 'item' (default): each item once, with its best matching caption. 'caption': every matching caption. */
  per?: 'item' | 'caption';
}

/** An item whose caption contains words of the query. */
export interface KeywordMatch {
  itemId: number;
  captionId: number;
  caption: string;
  /** FTS5's bm25 of the caption (lower is better; negative). */
  bm25: number;
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
  bm25: number;
}

/** Captions read per result asked for, so that re-ranking by words found sees more than the first `limit`. */
const CANDIDATES_PER_RESULT = 4;
const MIN_CANDIDATES = 200;

/**
 * Live items whose captions contain words of `query` (any of them; accents and case ignored; the last word also as
 * a prefix when the query ends with it), best first: captions that are the query itself, then most query words
 * found, then most found as whole words, then bm25. Whatever the text (FTS5 syntax, quotes, punctuation, emoji), it is searched for as words, never parsed: a
 * query without a word matches nothing.
 */
export function keywordMatches(db: Db, query: string, options: KeywordOptions): KeywordMatch[] {
  const terms = queryTerms(query);
  const expression = matchExpression(terms);
  if (expression === null || options.limit <= 0) return [];
  const where = ['captions_fts MATCH ?', `i.status = 'ok'`];
  const args: (string | number)[] = [expression];
  const f = options.filters ?? {};
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
  const rows = db
    .prepare(
      `SELECT c.id AS captionId, c.item_id AS itemId, c.text AS caption, bm25(captions_fts) AS bm25
       FROM captions_fts JOIN captions c ON c.id = captions_fts.rowid JOIN items i ON i.id = c.item_id
       LEFT JOIN labels l ON l.item_id = i.id
       WHERE ${where.join(' AND ')} ORDER BY bm25, c.id LIMIT ?`,
    )
    .all(...args, Math.max(options.limit * CANDIDATES_PER_RESULT, MIN_CANDIDATES)) as Row[];
  const ranked = rows
    .map((r) => ({ r, m: matchCaption(r.caption, terms) }))
    .sort(
      (a, b) =>
        Number(b.m.exact) - Number(a.m.exact) ||
        b.m.words - a.m.words ||
        b.m.wholeWords - a.m.wholeWords ||
        a.r.bm25 - b.r.bm25,
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
