/**
 * The words of a keyword query and of a caption, cut the way the captions_fts index cuts them (SQLite's unicode61
 * tokenizer with remove_diacritics 2: runs of letters and digits, case and accents folded), and the FTS5 MATCH
 * expression of a query. Pure: no SQL here.
 */

/** A word: a run of letters, digits, private-use characters and the marks that belong to them. */
const WORD = /[\p{L}\p{N}\p{Co}\p{M}]+/gu;

/** At most this many distinct words of a query are searched for (a query may be 2,000 characters long). */
export const MAX_QUERY_WORDS = 32;

/** A word as the index compares it: accents removed, lower case. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words of a text as written, in order. */
export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** The distinct folded words of a keyword query, and whether its last word may be the start of a longer one. */
export interface QueryTerms {
  words: string[];
  /** The query ends inside a word (nothing typed after it): that word also matches words it begins. */
  prefixLast: boolean;
  /** All the query's folded words in order, one space between: a caption with the same words is the query. */
  phrase: string;
}

/** A text's folded words in order, one space between. */
function phraseOf(text: string): string {
  return wordsOf(text).map(foldWord).filter(Boolean).join(' ');
}

export function queryTerms(text: string): QueryTerms {
  const typed = wordsOf(text);
  const last = typed.at(-1);
  const prefixLast = last !== undefined && text.endsWith(last) && foldWord(last) !== '';
  const words: string[] = [];
  for (const w of typed) {
    const f = foldWord(w);
    if (f && !words.includes(f)) words.push(f);
  }
  const phrase = phraseOf(text);
  if (words.length === 0) return { words, prefixLast: false, phrase };
  if (prefixLast) {
    // The word typed last is the one to prefix: it goes last, and stays when the cut drops others.
    const f = foldWord(last);
    words.splice(words.indexOf(f), 1);
    return { words: [...words.slice(0, MAX_QUERY_WORDS - 1), f], prefixLast, phrase };
  }
  return { words: words.slice(0, MAX_QUERY_WORDS), prefixLast, phrase };
}

/**
 * Each word of the terms as an FTS5 MATCH expression of its own: quoted (so nothing the user typed is FTS syntax),
 * the last one as a prefix when `prefixLast`.
 */
export function termExpressions(terms: QueryTerms): string[] {
  return terms.words.map((w, i) => {
    const quoted = `"${w.replaceAll('"', '""')}"`;
    return terms.prefixLast && i === terms.words.length - 1 ? `${quoted}*` : quoted;
  });
}

/** How a caption matches the terms. */
export interface CaptionMatch {
  /** The caption's words (as written, each once, in order) that match a query word: what to highlight. */
  matched: string[];
  /** Query words found in the caption as whole words. */
  wholeWords: number;
  /** Query words found, the last one also as the start of a word when it is a prefix. */
  words: number;
  /** The caption's words are the query's, in the same order (case, accents and punctuation aside). */
  exact: boolean;
}

export function matchCaption(caption: string, terms: QueryTerms): CaptionMatch {
  const found = new Set<string>();
  const whole = new Set<string>();
  const matched: string[] = [];
  const last = terms.prefixLast ? terms.words.at(-1) : undefined;
  for (const w of wordsOf(caption)) {
    const f = foldWord(w);
    let hit = false;
    if (terms.words.includes(f)) {
      found.add(f);
      whole.add(f);
      hit = true;
    } else if (last !== undefined && f.startsWith(last)) {
      found.add(last);
      hit = true;
    }
    if (hit && !matched.includes(w)) matched.push(w);
  }
  return { matched, wholeWords: whole.size, words: found.size, exact: phraseOf(caption) === terms.phrase };
}
