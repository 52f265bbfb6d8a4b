import { describe, expect, it } from 'vitest';
import { CAPTION_COLUMNS } from './annotations.ts';
import { MAX_VALUE_CHARS, parseTable, tableFormatOf } from './table.ts';

const enc = (s: string) => Buffer.from(s, 'utf8');
const parse = (s: string | Buffer, format: 'csv' | 'tsv' | 'jsonl') =>
  parseTable(typeof s === 'string' ? enc(s) : s, format, CAPTION_COLUMNS);

describe('parseTable', () => {
  it('reads TSV without a header, two columns, blank lines ignored, CRLF accepted', () => {
    const t = parse('a.png\ta red apple\r\n\n  \nb.png\ta "quoted" cat\r\n', 'tsv');
    expect(t.rows).toEqual([
      { line: 1, key: 'a.png', value: 'a red apple' },
      { line: 4, key: 'b.png', value: 'a "quoted" cat' },
    ]);
    expect(t.problems).toEqual([]);
  });

  it('recognises a header and its column order', () => {
    const t = parse('caption,file\n"hello, world",x/a.jpg\n', 'csv');
    expect(t.rows).toEqual([{ line: 2, key: 'x/a.jpg', value: 'hello, world' }]);
  });

  it('handles RFC 4180 quoting: doubled quotes and values across lines', () => {
    const t = parse('file,caption\na.png,"she said ""hi"""\nb.png,"two\nlines"\nc.png,plain\n', 'csv');
    expect(t.rows.map((r) => [r.line, r.value])).toEqual([
      [2, 'she said "hi"'],
      [3, 'two\nlines'],
      [5, 'plain'],
    ]);
  });

  it('reports bad quoting on its line and keeps every later row', () => {
    const t = parse('a.png,"bad "quote" here\nb.png,ok\nc.png,"never closed\nd.png,fine\n', 'csv');
    expect(t.rows.map((r) => r.key)).toEqual(['b.png', 'd.png']);
    expect(t.problems.map((p) => [p.line, p.reason.split(':')[0]])).toEqual([
      [1, 'bad quoting'],
      [3, 'bad quoting'],
    ]);
  });

  it('reports a missing column and a header without the caption column', () => {
    const t = parse('a.png\nb.png,fine\n', 'csv');
    expect(t.rows.map((r) => r.key)).toEqual(['b.png']);
    expect(t.problems[0]).toMatchObject({ line: 1, severity: 'error' });
    expect(t.problems[0].reason).toMatch(/missing column/);
    const h = parse('file,label\na.png,x\n', 'csv');
    expect(h.rows).toEqual([]);
    expect(h.problems[0].reason).toMatch(/no 'caption' column/);
  });

  it('skips lines that are not UTF-8 and names them', () => {
    const bytes = Buffer.concat([
      enc('a.png\tok\n'),
      Buffer.from([0x62, 0x2e, 0x70, 0x6e, 0x67, 0x09, 0xff, 0xfe, 0x0a]),
      enc('c.png\tfine\n'),
    ]);
    const t = parse(bytes, 'tsv');
    expect(t.rows.map((r) => r.key)).toEqual(['a.png', 'c.png']);
    expect(t.problems).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringMatching(/not valid UTF-8/) }),
    ]);
  });

  it('drops a UTF-8 byte order mark', () => {
    const t = parse('\ufefffile\tcaption\na.png\tx\n', 'tsv');
    expect(t.rows).toEqual([{ line: 2, key: 'a.png', value: 'x' }]);
  });

  it('refuses a 1 MB caption with a clear reason and keeps going', () => {
    const t = parse(`a.png\t${'x'.repeat(1 << 20)}\nb.png\tshort\n`, 'tsv');
    expect(t.rows.map((r) => r.key)).toEqual(['b.png']);
    expect(t.problems[0].reason).toMatch(
      new RegExp(`1,048,576 characters long; the limit is ${MAX_VALUE_CHARS.toLocaleString('en')}`),
    );
  });

  it('reads JSON Lines with alias keys and reports bad lines', () => {
    const t = parse(
      '{"file":"a.png","caption":"x"}\n{oops}\n[1]\n{"image":"b.png","text":"y"}\n{"file":"c.png"}\n',
      'jsonl',
    );
    expect(t.rows.map((r) => [r.key, r.value])).toEqual([
      ['a.png', 'x'],
      ['b.png', 'y'],
    ]);
    expect(t.problems.map((p) => p.line)).toEqual([2, 3, 5]);
  });

  it('knows table formats by their ending', () => {
    expect(tableFormatOf('x/Captions.CSV')).toBe('csv');
    expect(tableFormatOf('a.jsonl')).toBe('jsonl');
    expect(tableFormatOf('a.txt')).toBeNull();
  });
});
