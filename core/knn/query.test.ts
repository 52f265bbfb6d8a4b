import { describe, expect, it } from 'vitest';
import { QueryParseError } from './errors.ts';
import { combineQuery, parseQuery } from './query.ts';

describe('query arithmetic', () => {
  it('parses weights, signs, texts and image paths', () => {
    expect(parseQuery('2:"red apple" + ./photo.png - "green"')).toEqual([
      { weight: 2, kind: 'text', value: 'red apple' },
      { weight: 1, kind: 'image', value: './photo.png' },
      { weight: -1, kind: 'text', value: 'green' },
    ]);
    expect(parseQuery('"a cat" - 0.5:"dog"')).toEqual([
      { weight: 1, kind: 'text', value: 'a cat' },
      { weight: -0.5, kind: 'text', value: 'dog' },
    ]);
  });
  it('accepts a leading sign, escapes, paths with dashes and compact operators after quotes', () => {
    expect(parseQuery('-"night"+ "day \\"one\\""')).toEqual([
      { weight: -1, kind: 'text', value: 'night' },
      { weight: 1, kind: 'text', value: 'day "one"' },
    ]);
    expect(parseQuery('/img/my-photo_2.jpg - .5:C:\\pics\\x.png')).toEqual([
      { weight: 1, kind: 'image', value: '/img/my-photo_2.jpg' },
      { weight: -0.5, kind: 'image', value: 'C:\\pics\\x.png' },
    ]);
  });
  const cases: [string, RegExp, number][] = [
    ['', /empty/, 1],
    ['"a" "b"', /expected '\+' or '-' between terms, found '"'/, 5],
    ['"a" +', /expected a term after '\+'/, 5],
    ['"unclosed + x', /unterminated quoted text/, 1],
    ['"a" + 2: "b"', /after the weight '2:'/, 9],
    ['"a" + + "b"', /unexpected '\+'/, 7],
    ['x.png"b"', /unexpected '"' inside an image path/, 6],
    ['"  "', /quoted text is empty/, 1],
  ];
  for (const [input, message, column] of cases) {
    it(`reports the column of the problem in ${JSON.stringify(input)}`, () => {
      let err: unknown;
      try {
        parseQuery(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(QueryParseError);
      expect((err as QueryParseError).message).toMatch(message);
      expect((err as QueryParseError).column).toBe(column);
      expect((err as QueryParseError).message).toContain(`(column ${column})`);
    });
  }
  it('combines terms into a weighted, L2-normalised vector', () => {
    const terms = parseQuery('2:"a" - "b"');
    const v = combineQuery(terms, [new Float32Array([1, 0]), new Float32Array([0, 1])]);
    expect(v[0]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(v[1]).toBeCloseTo(-1 / Math.sqrt(5), 6);
    expect(() => combineQuery(parseQuery('"a" - "a"'), [new Float32Array([1, 0]), new Float32Array([1, 0])])).toThrow(
      /cancel out/,
    );
    expect(() => combineQuery(terms, [new Float32Array([1, 0])])).toThrow(/2 terms but 1 vectors/);
  });
});
