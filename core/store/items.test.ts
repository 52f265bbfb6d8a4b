import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemSummary } from '../api/contract.ts';
import type { Split } from '../api/types.ts';
import { foldWord, wordsOf } from './caption-terms.ts';
import { listItems, textFilterExpression, type ItemQuery } from './items.ts';
import type { Lab } from './lab.ts';
import { libraryText } from './migrations/010-library-text.ts';
import { migrations } from './migrations/index.ts';
import { createFixtureLab } from './testing/fixture-lab.ts';

let lab: Lab;
const list = (q: Partial<ItemQuery>) => listItems(lab.db, { offset: 0, limit: 1000, ...q });
const paths = (q: Partial<ItemQuery>) => list(q).items.map((i) => i.path);
const itemOf = (path: string) => lab.db.prepare('SELECT id FROM items WHERE path = ?').pluck().get(path) as number;
const addCaption = (itemId: number, text: string) =>
  Number(
    lab.db.prepare(`INSERT INTO captions (item_id, text, source) VALUES (?, ?, 'sidecar')`).run(itemId, text)
      .lastInsertRowid,
  );
const integrityCheck = () => lab.db.exec(`INSERT INTO item_words(item_words) VALUES ('integrity-check')`);

/** The text filter as listItems documents it, over items already read: each word begins a word of the path or a caption. */
function reference(all: ItemSummary[], q: { text?: string; label?: string; split?: Split }): ItemSummary[] {
  const wanted = wordsOf(q.text ?? '').map(foldWord);
  return all.filter((it) => {
    if (q.label !== undefined && it.label !== q.label) return false;
    if (q.split && it.split !== q.split) return false;
    const words = [it.path, ...it.captions].flatMap(wordsOf).map(foldWord);
    return wanted.every((w) => words.some((x) => x.startsWith(w)));
  });
}

// 48 items "{colour}-{shape}-{k}.png", captioned "a {colour} {shape}", labelled by shape, in train/val/test.
beforeAll(() => {
  lab = createFixtureLab();
});
afterAll(() => lab.close());

describe('listItems text filter', () => {
  it('matches the words of captions and of paths, every word required, in any order', () => {
    expect(paths({ text: 'square' })).toHaveLength(16);
    expect(paths({ text: 'red square' })).toEqual([
      'red-square-0.png',
      'red-square-1.png',
      'red-square-2.png',
      'red-square-3.png',
    ]);
    expect(paths({ text: 'square red' })).toEqual(paths({ text: 'red square' }));
    // "2" is only in paths; "red" in paths and captions.
    expect(paths({ text: 'red 2' })).toEqual(['red-square-2.png', 'red-disc-2.png', 'red-bar-2.png'].sort(byId));
    expect(list({ text: 'png' }).total).toBe(48);
    const item = itemOf('blue-disc-1.png');
    const caption = addCaption(item, 'a lighthouse at dusk');
    try {
      // Words of two captions, or of a caption and the path, together.
      expect(paths({ text: 'lighthouse blue' })).toEqual(['blue-disc-1.png']);
      expect(paths({ text: 'dusk disc 1' })).toEqual(['blue-disc-1.png']);
    } finally {
      lab.db.prepare('DELETE FROM captions WHERE id = ?').run(caption);
    }
  });

  it('matches the start of a word, not a piece from its middle', () => {
    expect(paths({ text: 'squ' })).toEqual(paths({ text: 'square' }));
    expect(paths({ text: 're sq' })).toEqual(paths({ text: 'red square' }));
    expect(list({ text: 'quare' }).total).toBe(0);
    expect(list({ text: 'ed' }).total).toBe(0);
  });

  it('ignores case and accents, in the text and in captions', () => {
    const item = itemOf('green-bar-0.png');
    const caption = addCaption(item, 'Ein grüner Apfel im Café');
    try {
      for (const text of ['gruner apfel', 'GRÜNER', 'Grun', 'cafe', 'CAFÉ', 'café'])
        expect(paths({ text })).toEqual(['green-bar-0.png']);
      expect(paths({ text: 'RED SQUARE' })).toEqual(paths({ text: 'red square' }));
    } finally {
      lab.db.prepare('DELETE FROM captions WHERE id = ?').run(caption);
    }
  });

  it('reads whatever is typed as words: FTS syntax is plain text, a text without a word matches nothing', () => {
    for (const text of ['😀', '!!!', '"', '***', '-', '()', '""*', '%_'])
      expect(list({ text })).toEqual({ total: 0, items: [] });
    expect(list({ text: '   ' }).total).toBe(48); // blank: no filter
    expect(paths({ text: 'red*' })).toEqual(paths({ text: 'red' }));
    expect(paths({ text: '"red" (square)' })).toEqual(paths({ text: 'red square' }));
    expect(paths({ text: 'red-square' })).toEqual(paths({ text: 'red square' }));
    // FTS5 operators are words that must be there too.
    for (const text of ['red OR disc', 'NOT disc', 'NEAR(red disc)', 'col:red', 'red AND'])
      expect(list({ text }).total).toBe(0);
    expect(textFilterExpression('Red "apple" pie red')).toBe('"red"* "apple"* "pie"*');
  });

  it('gives what the documented rule gives, with label and split too, in id order', () => {
    const all = list({}).items;
    expect(all).toHaveLength(48);
    const queries = [
      { text: 'red' },
      { text: 'a' },
      { text: 'b 3' },
      { text: 'disc', split: 'train' as const },
      { text: 'yel', label: 'bar' },
      { text: 'png', label: 'square', split: 'val' as const },
      { label: 'disc', split: 'test' as const },
      { label: 'disc' },
      { split: 'val' as const },
      { label: 'no such label' },
    ];
    for (const q of queries) {
      const want = reference(all, q);
      const got = list(q);
      expect(got.total, JSON.stringify(q)).toBe(want.length);
      expect(got.items, JSON.stringify(q)).toEqual(want);
    }
    expect(reference(all, { label: 'disc', split: 'test' }).length).toBeGreaterThan(0);
  });

  it('pages through the matches: every page in id order, the total the same on each', () => {
    for (const q of [
      {},
      { text: 'a' },
      { label: 'bar' },
      { split: 'train' as const },
      { text: 'r', split: 'train' as const },
    ]) {
      const all = list(q);
      const pages: ItemSummary[] = [];
      for (let offset = 0; offset < all.total + 5; offset += 5) {
        const page = listItems(lab.db, { ...q, offset, limit: 5 });
        expect(page.total).toBe(all.total);
        pages.push(...page.items);
      }
      expect(pages).toEqual(all.items);
      expect(all.items.map((i) => i.id)).toEqual([...all.items.map((i) => i.id)].sort((a, b) => a - b));
    }
    expect(listItems(lab.db, { offset: 0, limit: 0, text: 'red' })).toEqual({ total: 12, items: [] });
  });

  it('leaves out items that are not live, and finds them again when they come back', () => {
    const gone = itemOf('blue-square-3.png');
    lab.db.prepare(`UPDATE items SET status = 'missing' WHERE id = ?`).run(gone);
    try {
      expect(paths({ text: 'blue square' })).not.toContain('blue-square-3.png');
      expect(list({ text: 'blue square' }).total).toBe(3);
      expect(list({ label: 'square', text: 'blue' }).total).toBe(3);
      // A caption added to an item that is not live does not bring it back.
      const caption = addCaption(gone, 'a zeppelin');
      expect(list({ text: 'zeppelin' }).total).toBe(0);
      lab.db.prepare(`UPDATE items SET status = 'ok' WHERE id = ?`).run(gone);
      expect(paths({ text: 'zeppelin blue' })).toEqual(['blue-square-3.png']);
      lab.db.prepare('DELETE FROM captions WHERE id = ?').run(caption);
    } finally {
      lab.db.prepare(`UPDATE items SET status = 'ok' WHERE id = ?`).run(gone);
    }
    expect(list({ text: 'blue square' }).total).toBe(4);
    integrityCheck();
  });
});

describe('the item_words index', () => {
  it('follows captions added, edited and removed, paths changed, items added and removed', () => {
    const item = itemOf('red-bar-0.png');
    const id = addCaption(item, 'a windmill');
    expect(paths({ text: 'windmill' })).toEqual(['red-bar-0.png']);
    lab.db.prepare('UPDATE captions SET text = ? WHERE id = ?').run('a watermill', id);
    expect(list({ text: 'windmill' }).total).toBe(0);
    expect(paths({ text: 'watermill red' })).toEqual(['red-bar-0.png']);
    lab.db.prepare('DELETE FROM captions WHERE id = ?').run(id);
    expect(list({ text: 'watermill' }).total).toBe(0);
    expect(paths({ text: 'red bar 0' })).toEqual(['red-bar-0.png']); // its own caption and path are still there

    lab.db.prepare(`UPDATE items SET path = 'holiday/' || path WHERE id = ?`).run(item);
    expect(paths({ text: 'holiday' })).toEqual(['holiday/red-bar-0.png']);
    lab.db.prepare(`UPDATE items SET path = substr(path, 9) WHERE id = ?`).run(item);
    expect(list({ text: 'holiday' }).total).toBe(0);

    const other = lab.db.prepare('SELECT root_id, image_id FROM items WHERE id = ?').get(item) as {
      root_id: number;
      image_id: number;
    };
    const added = Number(
      lab.db
        .prepare(
          `INSERT INTO items (root_id, path, image_id, split, status, created_at) VALUES (?, 'new/orchid.png', ?, 'train', 'ok', 't')`,
        )
        .run(other.root_id, other.image_id).lastInsertRowid,
    );
    addCaption(added, 'a purple orchid');
    expect(list({ text: 'orchid purple' }).items.map((i) => i.id)).toEqual([added]);
    lab.db.prepare('DELETE FROM items WHERE id = ?').run(added); // its captions go by ON DELETE CASCADE
    expect(list({ text: 'orchid' }).total).toBe(0);
    expect(list({}).total).toBe(48);
    integrityCheck();
  });

  it('is filled from the live items of a lab made before it', () => {
    const db = new Database(':memory:');
    try {
      const at = migrations.indexOf(libraryText);
      expect(at).toBeGreaterThan(0);
      for (const m of migrations.slice(0, at)) db.exec(m);
      db.exec(`INSERT INTO roots (id, path, added_at) VALUES (1, '/r', 't');
        INSERT INTO images (id, hash, bytes, width, height, format, created_at) VALUES (1, 'h', 1, 1, 1, 'png', 't');
        INSERT INTO items (id, root_id, path, image_id, split, status, created_at) VALUES
          (1, 1, 'fruit/Äpfel_1.png', 1, 'train', 'ok', 't'),
          (2, 1, 'fruit/apfel_2.png', 1, 'val', 'missing', 't'),
          (3, 1, 'misc/3.png', 1, 'test', 'ok', 't');
        INSERT INTO captions (item_id, text, source) VALUES
          (1, 'Ein grüner Apfel', 'sidecar'), (1, 'on a table', 'sidecar'), (2, 'ein Apfel', 'sidecar');`);
      db.exec(libraryText);
      const ids = (text: string) => listItems(db, { offset: 0, limit: 10, text }).items.map((i) => i.id);
      expect(ids('apfel')).toEqual([1]); // the caption and the path; item 2 is not live
      expect(ids('fruit table')).toEqual([1]);
      expect(ids('3')).toEqual([3]);
      expect(ids('MISC')).toEqual([3]);
      expect(listItems(db, { offset: 0, limit: 10, text: 'png' }).total).toBe(2);
    } finally {
      db.close();
    }
  });
});

describe('listItems plans', () => {
  interface PlanRow {
    id: number;
    parent: number;
    detail: string;
  }
  /** The total's plan and the plan of the page's ids (the `page` sub-query) of listItems(q). */
  function plans(q: Partial<ItemQuery>): { count: string[]; ids: string[] } {
    const db = lab.db;
    const prepare = db.prepare.bind(db);
    const out: PlanRow[][] = [];
    db.prepare = ((sql: string) => {
      const params = (sql.match(/\?/g) ?? []).map(() => 'x');
      out.push(prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as PlanRow[]);
      return prepare(sql);
    }) as typeof db.prepare;
    try {
      listItems(db, { offset: 0, limit: 200, ...q });
    } finally {
      db.prepare = prepare;
    }
    const [count, page] = out;
    const sub = page.find((r) => r.detail === 'CO-ROUTINE page');
    return { count: count.map((r) => r.detail), ids: page.filter((r) => r.parent === sub?.id).map((r) => r.detail) };
  }

  it('counts and pages a label and split from indexes, without reading or sorting every item', () => {
    const expected = [
      'SEARCH l USING COVERING INDEX labels_name (name=?)',
      'SEARCH i USING COVERING INDEX items_id_filter (id=? AND status=? AND split=? AND rowid=?)',
    ];
    expect(plans({ label: 'disc', split: 'train' })).toEqual({ count: expected, ids: expected });
    expect(plans({ split: 'val' })).toEqual({
      count: ['SEARCH i USING COVERING INDEX items_status (status=? AND split=?)'],
      ids: ['SEARCH i USING COVERING INDEX items_status (status=? AND split=?)'],
    });
    // No filter: items in id order, stopping after the page (not items(status, split) read whole and sorted).
    expect(plans({}).ids).toEqual(['SCAN i USING COVERING INDEX items_id_filter']);
  });

  it('counts a text alone in the text index and pages it in id order from there', () => {
    expect(plans({ text: 'red' })).toEqual({
      count: ['SCAN item_words VIRTUAL TABLE INDEX 0:M1'],
      ids: ['SCAN item_words VIRTUAL TABLE INDEX 64:M1'], // 64: in rowid order, no sort
    });
  });
});

function byId(a: string, b: string): number {
  return itemOf(a) - itemOf(b);
}
