import { describe, expect, it } from 'vitest';
import { concatEncoded, encodeAll, Tokenizer, words } from './tokenizer.ts';

describe('tokenizer', () => {
  it('lower-cases, normalises and splits on non-letters', () => {
    expect(words('Grinning FACE, with Big-Eyes! ＡＢ 12')).toEqual([
      'grinning',
      'face',
      'with',
      'big',
      'eyes',
      'ab',
      '12',
    ]);
    expect(words('flag: Côte d’Ivoire')).toEqual(['flag', 'côte', 'd', 'ivoire']);
  });

  it('builds a vocabulary by frequency with deterministic ties, capped', () => {
    const t = Tokenizer.build(['b a', 'a c', 'c a', 'd'], { maxWords: 3, buckets: 0 });
    expect(t.spec.words).toEqual(['a', 'c', 'b']);
    expect(Tokenizer.build(['d', 'c a', 'a c', 'b a'], { maxWords: 3, buckets: 0 }).spec.words).toEqual(t.spec.words);
  });

  it('maps known words to their id and every word to hashed n-grams, so unseen words still get tokens', () => {
    const t = Tokenizer.build(['red square', 'blue disc'], { buckets: 64, ngramMin: 3, ngramMax: 3 });
    const known = t.encode('red');
    expect(known[0]).toBe(t.spec.words.indexOf('red'));
    // '<red>' has three 3-grams: '<re', 'red', 'ed>'.
    expect(known.length).toBe(4);
    for (const id of known.subarray(1)) expect(id).toBeGreaterThanOrEqual(t.spec.words.length);
    const unseen = t.encode('reddish');
    expect(unseen.length).toBe(7);
    // Shares the '<re' and 'red' n-grams with 'red'.
    expect(unseen.filter((id) => known.includes(id)).length).toBeGreaterThanOrEqual(2);
    expect(t.encode('').length).toBe(0);
    expect(Math.max(...t.encode('zzz qqq'))).toBeLessThan(t.vocabSize);
  });

  it('names the words of a text its vocabulary lacks', () => {
    const t = Tokenizer.build(['a red apple', 'a green pear']);
    expect(t.unknownWords('A Red automobile, qwzx!')).toEqual(['automobile', 'qwzx']);
    expect(t.unknownWords('🍎')).toEqual([]);
  });

  it('round-trips through its spec and encodes batches with offsets', () => {
    const t = Tokenizer.build(['a b'], { buckets: 16 });
    const u = Tokenizer.fromSpec(JSON.parse(JSON.stringify(t.spec)));
    expect(u.encode('a b c')).toEqual(t.encode('a b c'));
    const e = encodeAll(t, ['a', '', 'a b']);
    expect(Array.from(e.offsets)).toEqual([
      0,
      t.encode('a').length,
      t.encode('a').length,
      t.encode('a').length + t.encode('a b').length,
    ]);
    expect(concatEncoded([]).offsets).toEqual(Int32Array.from([0]));
  });
});
