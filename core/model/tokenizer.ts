/**
 * Caption tokenizer built from a lab's own captions: lower-cased words (a vocabulary) plus hashed
 * character n-grams of every word (fastText-style, '<word>' padded), so unseen or misspelled words
 * still map to vectors that share pieces with known ones.
 */
import { z } from 'zod';

/** A tokenizer as stored with its model: its vocabulary and n-gram settings. */
export const tokenizerSpecSchema = z.object({
  words: z.array(z.string()),
  buckets: z.number(),
  ngramMin: z.number(),
  ngramMax: z.number(),
});
export type TokenizerSpec = z.infer<typeof tokenizerSpecSchema>;

export interface TokenizerOptions {
  /** Largest word vocabulary kept (most frequent first). Default 20000. */
  maxWords?: number;
  /** Words seen fewer times are left to their n-grams. Default 1. */
  minCount?: number;
  /** Hash buckets for character n-grams. Default 4096. */
  buckets?: number;
  ngramMin?: number;
  ngramMax?: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased, NFKC-normalised words of a text. */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Tokenizer {
  private readonly index: Map<string, number>;

  private constructor(readonly spec: TokenizerSpec) {
    this.index = new Map(spec.words.map((w, i) => [w, i]));
  }

  static build(texts: Iterable<string>, options: TokenizerOptions = {}): Tokenizer {
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of words(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const minCount = options.minCount ?? 1;
    const kept = [...counts.entries()]
      .filter(([, n]) => n >= minCount)
      // Most frequent first; ties by code point so the vocabulary does not depend on input order.
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, options.maxWords ?? 20000)
      .map(([w]) => w);
    return new Tokenizer({
      words: kept,
      buckets: options.buckets ?? 4096,
      ngramMin: options.ngramMin ?? 3,
      ngramMax: options.ngramMax ?? 4,
    });
  }

  static fromSpec(spec: TokenizerSpec): Tokenizer {
    return new Tokenizer(spec);
  }

  /** Rows of the embedding table: words, then n-gram buckets. */
  get vocabSize(): number {
    return this.spec.words.length + this.spec.buckets;
  }

  /** The words of a text its vocabulary does not hold (they reach the model only as n-gram buckets). */
  unknownWords(text: string): string[] {
    return words(text).filter((w) => !this.index.has(w));
  }

  /** Token ids of a text: for each word its vocabulary id (if known) and its n-gram buckets. */
  encode(text: string): Int32Array {
    const ids: number[] = [];
    const base = this.spec.words.length;
    for (const w of words(text)) {
      const known = this.index.get(w);
      if (known !== undefined) ids.push(known);
      if (this.spec.buckets === 0) continue;
      const chars = [...`<${w}>`];
      for (let n = this.spec.ngramMin; n <= this.spec.ngramMax; n++) {
        for (let i = 0; i + n <= chars.length; i++) {
          ids.push(base + (fnv1a(chars.slice(i, i + n).join('')) % this.spec.buckets));
        }
      }
    }
    return Int32Array.from(ids);
  }
}

/** Token ids of many texts, concatenated, with offsets[i]..offsets[i+1] the tokens of text i. */
export interface EncodedTexts {
  ids: Int32Array;
  offsets: Int32Array;
}

export function encodeAll(tokenizer: Tokenizer, texts: readonly string[]): EncodedTexts {
  return concatEncoded(texts.map((t) => tokenizer.encode(t)));
}

export function concatEncoded(parts: readonly Int32Array[]): EncodedTexts {
  const offsets = new Int32Array(parts.length + 1);
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i] + parts[i].length;
  const ids = new Int32Array(offsets[parts.length]);
  parts.forEach((p, i) => ids.set(p, offsets[i]));
  return { ids, offsets };
}
