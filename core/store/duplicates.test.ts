import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../data/import/import-folder.ts';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';
import {
  hiddenCount,
  hiddenFiles,
  keptHashes,
  liveDuplicateItems,
  markCounts,
  markPair,
  pairMarks,
  reviewDuplicates,
  unhideFiles,
  unkeepImages,
} from './duplicates.ts';
import { Lab } from './lab.ts';

let images: Buffer[];

beforeAll(async () => {
  images = await Promise.all([1, 2, 3].map((k) => makeImage('png', k)));
});

/** a, b, c distinct images; twin.png the same content as a.png; a labels table naming them all. */
async function importedLab(): Promise<{ lab: Lab; root: string; id: (name: string) => number }> {
  const root = tempDir('nearlab-dups-');
  ['a', 'b', 'c'].forEach((n, k) => write(root, `${n}.png`, images[k]));
  write(root, 'twin.png', images[0]);
  write(root, 'labels.csv', 'file,label\na.png,x\nb.png,x\nc.png,y\ntwin.png,x\n');
  const lab = Lab.open(join(tempDir(), 'dups.lab'));
  await importFolder(lab, root, { split: 'train' });
  const id = (name: string) =>
    (lab.db.prepare('SELECT id FROM items WHERE path = ?').get(`${name}.png`) as { id: number } | undefined)?.id ?? 0;
  return { lab, root, id };
}

describe('pair marks', () => {
  it('are kept by image content, ordered, updated and cleared', async () => {
    const { lab, id } = await importedLab();
    expect(markPair(lab.db, id('b'), id('a'), true)).toEqual({ same: 1, notSame: 0 });
    expect(markPair(lab.db, id('c'), id('a'), false)).toEqual({ same: 1, notSame: 1 });
    // The twin has a's content: marking it with b is the same mark as a with b.
    expect(markPair(lab.db, id('twin'), id('b'), false)).toEqual({ same: 0, notSame: 2 });
    const marks = pairMarks(lab.db);
    expect(marks).toHaveLength(2);
    for (const m of marks) expect(m.hashA < m.hashB).toBe(true);
    expect(markPair(lab.db, id('a'), id('b'), null)).toEqual({ same: 0, notSame: 1 });
    expect(markCounts(lab.db)).toEqual({ same: 0, notSame: 1 });
  });

  it('refuse one item twice, an exact duplicate, unknown ids and items that are not live', async () => {
    const { lab, id } = await importedLab();
    expect(() => markPair(lab.db, id('a'), id('a'), true)).toThrow(/not item \d+ twice/);
    expect(() => markPair(lab.db, id('a'), id('twin'), true)).toThrow(/same file content/);
    expect(() => markPair(lab.db, id('a'), 999, true)).toThrow(/the lab has no item 999/);
    lab.db.prepare("UPDATE items SET status = 'missing' WHERE id = ?").run(id('c'));
    expect(() => markPair(lab.db, id('a'), id('c'), true)).toThrow(/missing or failed/);
    expect(markCounts(lab.db)).toEqual({ same: 0, notSame: 0 });
  });
});

describe('reviewDuplicates', () => {
  it('keeps by content and hides: items removed with a history row, files recorded, in one go', async () => {
    const { lab, root, id } = await importedLab();
    const [a, b, twin] = [id('a'), id('b'), id('twin')];
    const hashA = liveDuplicateItems(lab.db).get(a)!.hash;
    expect(reviewDuplicates(lab.db, [a], [twin, b])).toEqual({ kept: 1, hidden: 2 });
    expect(keptHashes(lab.db)).toEqual(new Set([hashA]));
    expect(id('twin')).toBe(0);
    expect(id('b')).toBe(0);
    expect(lab.db.prepare('SELECT field FROM item_edits WHERE item_id = ?').pluck().all(twin)).toEqual(['removed']);
    expect(hiddenFiles(lab.db).map((f) => [f.root, f.path, f.reason])).toEqual([
      [root, 'b.png', 'duplicate'],
      [root, 'twin.png', 'duplicate'],
    ]);
    expect(lab.db.prepare('SELECT hash FROM hidden_files WHERE path = ?').pluck().get('twin.png')).toBe(hashA);
    // Keeping again changes nothing.
    expect(reviewDuplicates(lab.db, [a], [])).toEqual({ kept: 0, hidden: 0 });
  });

  it('an id in both lists, or an unknown id, changes nothing', async () => {
    const { lab, id } = await importedLab();
    expect(() => reviewDuplicates(lab.db, [id('a'), id('b')], [id('b')])).toThrow(
      /item \d+ cannot be both kept and hidden/,
    );
    expect(() => reviewDuplicates(lab.db, [id('a')], [id('b'), 4242])).toThrow(/the lab has no item 4242/);
    expect(keptHashes(lab.db).size).toBe(0);
    expect(hiddenCount(lab.db)).toBe(0);
    expect(id('b')).toBeGreaterThan(0);
  });
});

describe('unkeepImages', () => {
  it('undoes keep by content (a twin un-keeps its image too); an unknown id changes nothing', async () => {
    const { lab, id } = await importedLab();
    const [a, b, c] = [id('a'), id('b'), id('c')];
    expect(reviewDuplicates(lab.db, [a, b], [])).toEqual({ kept: 2, hidden: 0 });
    expect(() => unkeepImages(lab.db, [b, 4242])).toThrow(/the lab has no item 4242/);
    expect(keptHashes(lab.db).size).toBe(2);
    // The twin has a's content: un-keeping it un-keeps a; c was never kept and counts nothing.
    expect(unkeepImages(lab.db, [id('twin'), c])).toEqual({ unkept: 1 });
    expect(keptHashes(lab.db)).toEqual(new Set([liveDuplicateItems(lab.db).get(b)!.hash]));
    expect(unkeepImages(lab.db, [a, b, b])).toEqual({ unkept: 1 });
    expect(keptHashes(lab.db).size).toBe(0);
    // Kept again after an un-keep, as new.
    expect(reviewDuplicates(lab.db, [a], [])).toEqual({ kept: 1, hidden: 0 });
  });
});

describe('hidden files and the import', () => {
  it('a re-import skips hidden files (counted, their table rows quiet); unhidden, the next import adds them back', async () => {
    const { lab, root, id } = await importedLab();
    reviewDuplicates(lab.db, [], [id('twin')]);
    const again = await importFolder(lab, root);
    expect(again).toMatchObject({ found: 4, hidden: 1, added: 0, unchanged: 3, errors: 0 });
    expect(again.problems).toEqual([]);
    expect(id('twin')).toBe(0);

    expect(() => unhideFiles(lab.db, [77])).toThrow(/no hidden file 77/);
    const [file] = hiddenFiles(lab.db);
    expect(unhideFiles(lab.db, [file.id])).toEqual({ unhidden: 1 });
    const back = await importFolder(lab, root);
    expect(back).toMatchObject({ found: 4, hidden: 0, duplicates: 1, errors: 0 });
    expect(id('twin')).toBeGreaterThan(0);
    expect(lab.db.prepare('SELECT l.name FROM labels l WHERE l.item_id = ?').pluck().get(id('twin'))).toBe('x');
  });
});
