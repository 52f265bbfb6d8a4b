import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryTerms, termExpressions } from './caption-terms.ts';
import { keywordMatches, type KeywordOptions } from './caption-search.ts';
import type { Lab } from './lab.ts';
import { captionSearch } from './migrations/005-caption-search.ts';
import { migrations } from './migrations/index.ts';
import { createFixtureLab } from './testing/fixture-lab.ts';

let lab: Lab;
const ids = (query: string, limit = 100) => keywordMatches(lab.db, query, { limit }).map((m) => m.itemId);
const itemOf = (path: string) => lab.db.prepare('SELECT id FROM items WHERE path = ?').pluck().get(path) as number;
const addCaption = (itemId: number, text: string) =>
  Number(
    lab.db.prepare(`INSERT INTO captions (item_id, text, source) VALUES (?, ?, 'sidecar')`).run(itemId, text)
      .lastInsertRowid,
  );
const integrityCheck = () => lab.db.exec(`INSERT INTO captions_fts(captions_fts) VALUES ('integrity-check')`);

// 48 items: "a {red|green|blue|yellow} {square|disc|bar}", four of each, labelled by shape.
beforeAll(() => {
  lab = createFixtureLab();
});
afterAll(() => lab.close());

describe('keywordMatches', () => {
  it('ranks the captions with every query word first and says which words matched', () => {
    const r = keywordMatches(lab.db, 'red square', { limit: 10 });
    expect(r).toHaveLength(10);
    const exact = r.slice(0, 4);
    for (const m of exact)
      expect(m).toMatchObject({ caption: 'a red square', matched: ['red', 'square'], allWords: true, exact: false });
    // Then captions with one of the words: still ranked, not complete.
    for (const m of r.slice(4)) {
      expect(m.allWords).toBe(false);
      expect(m.matched).toHaveLength(1);
    }
    const scores = r.slice(0, 4).map((m) => m.bm25);
    expect(scores.every((s) => s !== null && s < 0)).toBe(true);
  });

  it('ranks a caption that is the query itself first, punctuation, case and accents aside', () => {
    const item = itemOf('green-bar-3.png');
    const captionId = addCaption(item, 'Red, square!');
    try {
      const r = keywordMatches(lab.db, 'red square', { limit: 10 });
      expect(r[0]).toMatchObject({ itemId: item, captionId, exact: true, matched: ['Red', 'square'] });
      expect(r.slice(1).every((m) => !m.exact)).toBe(true);
      expect(keywordMatches(lab.db, 'A RED SQUARE', { limit: 5 }).map((m) => m.exact)).toEqual([
        true,
        true,
        true,
        true,
        false,
      ]);
    } finally {
      lab.db.prepare('DELETE FROM captions WHERE id = ?').run(captionId);
    }
  });

  it('ignores case and accents, in either the query or the caption', () => {
    const item = itemOf('blue-bar-0.png');
    const captionId = addCaption(item, 'Crème brûlée au Café');
    try {
      for (const q of ['creme brulee', 'CAFÉ', 'cafe']) {
        const [m] = keywordMatches(lab.db, q, { limit: 5 });
        expect(m).toMatchObject({ itemId: item, captionId, caption: 'Crème brûlée au Café', allWords: true });
      }
      expect(keywordMatches(lab.db, 'creme brulee', { limit: 1 })[0].matched).toEqual(['Crème', 'brûlée']);
    } finally {
      lab.db.prepare('DELETE FROM captions WHERE id = ?').run(captionId);
    }
  });

  it('treats whatever the user types as words: no FTS syntax error, no match without a word', () => {
    for (const q of ['😀', '🍎🍏', '!!!', '"', '***', '-', '()', '^', ':', '""*'])
      expect(keywordMatches(lab.db, q, { limit: 5 })).toEqual([]);
    // FTS5 operators and syntax are searched for as plain words.
    for (const q of ['red AND', 'NOT disc', 'NEAR(red disc)', 'red" OR "x', 'col:red', 'red*disc', '{red} + disc'])
      expect(() => keywordMatches(lab.db, q, { limit: 5 })).not.toThrow();
    expect(ids('NOT disc').length).toBe(16); // every disc; "not" is in no caption
    expect(ids('red" OR "x')).toHaveLength(12); // every red item: "x" and "or" match nothing
  });

  it('matches the last word as a prefix while it is being typed, whole words first', () => {
    const r = keywordMatches(lab.db, 'red squ', { limit: 50 });
    expect(r.slice(0, 4).map((m) => m.caption)).toEqual(Array(4).fill('a red square'));
    expect(r[0]).toMatchObject({ matched: ['red', 'square'], allWords: false });
    expect(ids('squ')).toHaveLength(16); // every square
    expect(ids('squ!')).toEqual([]); // a finished word is a whole word
  });

  it('honours the label, split and folder filters', () => {
    const byLabel = keywordMatches(lab.db, 'red', { limit: 50, filters: { label: 'disc' } });
    expect(byLabel.map((m) => m.caption)).toEqual(Array(4).fill('a red disc'));
    const train = lab.db.prepare(`SELECT id FROM items WHERE split = 'train'`).pluck().all() as number[];
    const bySplit = keywordMatches(lab.db, 'a', { limit: 100, filters: { split: 'train' } }); // every caption has "a"
    expect(new Set(bySplit.map((m) => m.itemId))).toEqual(new Set(train));
    expect(train.length).toBeLessThan(48);
    const moved = itemOf('green-disc-1.png');
    lab.db.prepare(`UPDATE items SET path = 'sub/' || path WHERE id = ?`).run(moved);
    try {
      expect(keywordMatches(lab.db, 'green', { limit: 50, filters: { folder: 'sub' } }).map((m) => m.itemId)).toEqual([
        moved,
      ]);
      expect(keywordMatches(lab.db, 'green', { limit: 50, filters: { folder: 'su' } })).toEqual([]);
    } finally {
      lab.db.prepare(`UPDATE items SET path = substr(path, 5) WHERE id = ?`).run(moved);
    }
  });

  it('gives each item once with its best caption, or every caption with per: caption', () => {
    const item = itemOf('yellow-bar-2.png');
    const extra = addCaption(item, 'yellow bar on white');
    try {
      const perItem = keywordMatches(lab.db, 'yellow bar white', { limit: 50 });
      expect(perItem.filter((m) => m.itemId === item)).toHaveLength(1);
      expect(perItem[0]).toMatchObject({ itemId: item, captionId: extra, allWords: true });
      const perCaption = keywordMatches(lab.db, 'yellow bar white', { limit: 50, per: 'caption' });
      expect(perCaption.filter((m) => m.itemId === item).map((m) => m.caption)).toEqual([
        'yellow bar on white',
        'a yellow bar',
      ]);
      expect(keywordMatches(lab.db, 'yellow', { limit: 3 })).toHaveLength(3);
    } finally {
      lab.db.prepare('DELETE FROM captions WHERE id = ?').run(extra);
    }
  });

  describe('common words (in more captions than commonWordCaptions)', () => {
    // "a" is in all 48 captions, a shape in 16, a colour in 12.
    const common = (query: string, commonWordCaptions: number, rest: Partial<KeywordOptions> = {}) =>
      keywordMatches(lab.db, query, { limit: 50, commonWordCaptions, ...rest });

    it('bring no captions of their own beside a rarer word, and still count in the order', () => {
      const r = common('red square', 12);
      expect(r).toHaveLength(12); // the red items only, not the other squares
      expect(r.every((m) => m.caption.includes('red'))).toBe(true);
      expect(r.slice(0, 4).map((m) => m.caption)).toEqual(Array(4).fill('a red square'));
      expect(r.slice(0, 4).every((m) => m.allWords)).toBe(true);
      expect(common('red square', 16)).toHaveLength(24); // nothing common: the red items and the squares
    });

    it('rank the captions holding all of them when those are few enough', () => {
      const r = common('a square', 16);
      expect(r).toHaveLength(16);
      expect(r.every((m) => m.allWords && m.caption.endsWith('square') && m.bm25 !== null)).toBe(true);
    });

    it('when those are too many, rank the candidates that hold all of them, exact and shorter captions first', () => {
      const square = itemOf('green-square-0.png');
      const disc = itemOf('red-disc-1.png');
      const long = itemOf('blue-square-2.png');
      const among = { kind: 'item' as const, ids: [disc, square, itemOf('red-bar-0.png'), long] };
      expect(common('a square', 12)).toEqual([]); // no candidates: no keyword ranking
      const exactCaption = addCaption(disc, 'A square!');
      const longCaption = addCaption(long, 'a square on a big white table');
      try {
        const r = common('a square', 12, { among });
        expect(r.map((m) => [m.itemId, m.caption])).toEqual([
          [disc, 'A square!'],
          [square, 'a green square'],
          [long, 'a blue square'],
        ]);
        expect(r[0]).toMatchObject({ exact: true, allWords: true, bm25: null, matched: ['A', 'square'] });
        const perCaption = common('a square', 12, { among, per: 'caption' });
        expect(perCaption.map((m) => m.caption)).toContain('a square on a big white table');
        expect(common('a square', 12, { among, filters: { label: 'square' } }).map((m) => m.itemId)).toEqual([
          square,
          long,
        ]);
        const byCaption = common('a square', 12, { among: { kind: 'caption', ids: [longCaption, exactCaption] } });
        expect(byCaption.map((m) => m.captionId)).toEqual([exactCaption, longCaption]);
      } finally {
        lab.db.prepare('DELETE FROM captions WHERE id IN (?, ?)').run(exactCaption, longCaption);
      }
    });
  });

  it('leaves out items whose file is missing', () => {
    const gone = itemOf('blue-square-3.png');
    lab.db.prepare(`UPDATE items SET status = 'missing' WHERE id = ?`).run(gone);
    try {
      expect(ids('blue square')).not.toContain(gone);
    } finally {
      lab.db.prepare(`UPDATE items SET status = 'ok' WHERE id = ?`).run(gone);
    }
  });
});

describe('the captions_fts index', () => {
  it('follows captions added, removed (also with their item) and edited', () => {
    const item = itemOf('red-bar-0.png');
    const id = addCaption(item, 'a lighthouse');
    expect(ids('lighthouse')).toEqual([item]);
    lab.db.prepare('UPDATE captions SET text = ? WHERE id = ?').run('a windmill', id);
    expect(ids('lighthouse')).toEqual([]);
    expect(ids('windmill')).toEqual([item]);
    lab.db.prepare('DELETE FROM captions WHERE id = ?').run(id);
    expect(ids('windmill')).toEqual([]);
    const other = itemOf('red-bar-1.png');
    addCaption(other, 'a zeppelin');
    expect(ids('zeppelin')).toEqual([other]);
    lab.db.prepare('DELETE FROM items WHERE id = ?').run(other); // its captions go by ON DELETE CASCADE
    expect(ids('zeppelin')).toEqual([]);
    expect(ids('red bar')).toHaveLength(11 + 15 - 3); // red items and bars left, the red bars counted once
    integrityCheck();
  });

  it('is filled from the captions of a lab made before it', () => {
    const db = new Database(':memory:');
    try {
      const at = migrations.indexOf(captionSearch);
      expect(at).toBeGreaterThan(0);
      for (const m of migrations.slice(0, at)) db.exec(m);
      db.exec(`INSERT INTO roots (id, path, added_at) VALUES (1, '/r', 't');
        INSERT INTO images (id, hash, bytes, width, height, format, created_at) VALUES (1, 'h', 1, 1, 1, 'png', 't');
        INSERT INTO items (id, root_id, path, image_id, split, status, created_at)
          VALUES (1, 1, 'a.png', 1, 'train', 'ok', 't');
        INSERT INTO captions (item_id, text, source) VALUES (1, 'Ein grüner Apfel', 'sidecar');`);
      db.exec(captionSearch);
      const r = keywordMatches(db, 'gruner apfel', { limit: 5 });
      expect(r).toMatchObject([{ itemId: 1, caption: 'Ein grüner Apfel', matched: ['grüner', 'Apfel'] }]);
    } finally {
      db.close();
    }
  });
});

describe('termExpressions', () => {
  it('quotes every word and prefixes the last one only when the query ends with it', () => {
    expect(termExpressions(queryTerms('Red "apple" pie'))).toEqual(['"red"', '"apple"', '"pie"*']);
    expect(termExpressions(queryTerms('pie apple pie!'))).toEqual(['"pie"', '"apple"']);
    expect(termExpressions(queryTerms('apple pie apple'))).toEqual(['"pie"', '"apple"*']);
    expect(termExpressions(queryTerms('say "hi""'))).toEqual(['"say"', '"hi"']);
    expect(termExpressions(queryTerms('🍎 …'))).toEqual([]);
  });
});
