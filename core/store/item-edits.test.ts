import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../data/import/import-folder.ts';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';
import { saveEmbeddings } from './embeddings.ts';
import { itemHistory } from './item-edit-log.ts';
import {
  addItemCaption,
  editItem,
  removeItemCaption,
  replaceItemCaption,
  setItemLabel,
  setItemSplit,
  undoLastEdit,
} from './item-edits.ts';
import { removeFolder, removeItems } from './item-removal.ts';
import { itemDetail, listItems } from './items.ts';
import { Lab } from './lab.ts';
import { createModel } from './models.ts';
import { newModel } from './testing/model-fixtures.ts';

const NAMES = ['apple', 'boat', 'cat', 'dog'];
let images: Buffer[];

beforeAll(async () => {
  images = await Promise.all(NAMES.map((_, k) => makeImage('png', k + 1)));
});

/** A folder of four images with a captions table and a labels table. */
function makeFolder(): string {
  const root = tempDir('nearlab-edits-');
  NAMES.forEach((name, k) => write(root, `${name}.png`, images[k]));
  write(root, 'captions.csv', `file,caption\n${NAMES.map((n) => `${n}.png,a ${n}`).join('\n')}\napple.png,red fruit\n`);
  write(
    root,
    'labels.csv',
    `file,label\n${NAMES.map((n, k) => `${n}.png,${k < 2 ? 'thing' : 'animal'}`).join('\n')}\n`,
  );
  return root;
}

async function importedLab(): Promise<{ lab: Lab; root: string; id: (name: string) => number }> {
  const root = makeFolder();
  const lab = Lab.open(join(tempDir(), 'edits.lab'));
  await importFolder(lab, root, { split: 'train' });
  const id = (name: string) =>
    (lab.db.prepare('SELECT id FROM items WHERE path = ?').get(`${name}.png`) as { id: number } | undefined)?.id ?? 0;
  return { lab, root, id };
}

const captionRows = (lab: Lab, id: number) =>
  lab.db.prepare('SELECT id, text, source FROM captions WHERE item_id = ? ORDER BY id').all(id) as {
    id: number;
    text: string;
    source: string;
  }[];

describe('editing an item by hand', () => {
  it('changes split, label and captions in one change, kept in the history; unchanged captions keep their row', async () => {
    const { lab, id } = await importedLab();
    const apple = id('apple');
    const kept = captionRows(lab, apple).find((c) => c.text === 'a apple')!;
    const written = editItem(lab.db, apple, { split: 'test', label: 'fruit', captions: ['a apple', 'an apple'] });
    expect(written).toBe(3);
    const detail = itemDetail(lab.db, apple)!;
    expect([detail.split, detail.label, detail.captions]).toEqual(['test', 'fruit', ['a apple', 'an apple']]);
    expect(captionRows(lab, apple)).toEqual([kept, expect.objectContaining({ text: 'an apple', source: 'user' })]);
    const history = itemHistory(lab.db, apple);
    expect(history.map((h) => [h.field, h.before, h.after])).toEqual([
      ['split', 'train', 'test'],
      ['label', 'thing', 'fruit'],
      // The removed caption and the added one at its place are one replacement.
      ['caption', 'red fruit', 'an apple'],
    ]);
    expect(new Set(history.map((h) => h.change)).size).toBe(1);
    // Saving the same values again changes nothing and records nothing.
    expect(editItem(lab.db, apple, { split: 'test', label: 'fruit', captions: ['a apple', 'an apple'] })).toBe(0);
    lab.close();
  });

  it('adds, removes and replaces one caption, sets and clears a label or a number, sets a split', async () => {
    const { lab, id } = await importedLab();
    const cat = id('cat');
    expect(addItemCaption(lab.db, cat, 'a small cat')).toBe(1);
    expect(addItemCaption(lab.db, cat, 'a small cat')).toBe(0);
    expect(replaceItemCaption(lab.db, cat, 'a cat', 'a tabby cat')).toBe(1);
    expect(() => replaceItemCaption(lab.db, cat, 'no such', 'x')).toThrow(/item \d+ has no caption "no such"/);
    expect(removeItemCaption(lab.db, cat, 'a small cat')).toBe(1);
    expect(itemDetail(lab.db, cat)!.captions).toEqual(['a tabby cat']);
    setItemLabel(lab.db, cat, 2.5);
    expect(itemDetail(lab.db, cat)).toMatchObject({ label: null, value: 2.5 });
    setItemLabel(lab.db, cat, null);
    expect(itemDetail(lab.db, cat)).toMatchObject({ label: null, value: null });
    setItemSplit(lab.db, cat, 'val');
    expect(itemHistory(lab.db, cat).map((h) => [h.field, h.before, h.after])).toEqual([
      ['caption', null, 'a small cat'],
      ['caption', 'a cat', 'a tabby cat'],
      ['caption', 'a small cat', null],
      ['label', 'animal', 2.5],
      ['label', 2.5, null],
      ['split', 'train', 'val'],
    ]);
    lab.close();
  });

  it('undoes the latest change whole, then the one before; nothing left gives none', async () => {
    const { lab, id } = await importedLab();
    const dog = id('dog');
    editItem(lab.db, dog, { label: 'pet' });
    editItem(lab.db, dog, { split: 'val', captions: ['a brown dog'] });
    const undone = undoLastEdit(lab.db, dog);
    expect(undone.map((u) => [u.field, u.before, u.after])).toEqual([
      ['split', 'train', 'val'],
      ['caption', 'a dog', 'a brown dog'],
    ]);
    expect(undone.every((u) => u.undoneAt !== null)).toBe(true);
    expect(itemDetail(lab.db, dog)).toMatchObject({ split: 'train', label: 'pet', captions: ['a dog'] });
    // The restored caption is the table's again, not the user's.
    expect(captionRows(lab, dog).map((c) => c.source)).toEqual(['captions-file']);
    expect(undoLastEdit(lab.db, dog).map((u) => u.field)).toEqual(['label']);
    expect(itemDetail(lab.db, dog)!.label).toBe('animal');
    expect(undoLastEdit(lab.db, dog)).toEqual([]);
    expect(itemHistory(lab.db, dog)).toHaveLength(3);
    lab.close();
  });

  it('refuses unknown items by id', async () => {
    const { lab } = await importedLab();
    expect(() => editItem(lab.db, 999, { split: 'val' })).toThrow(/the lab has no item 999/);
    expect(() => itemHistory(lab.db, 999)).toThrow(/no item 999/);
    expect(() => undoLastEdit(lab.db, 999)).toThrow(/no item 999/);
    lab.close();
  });

  it('survives a re-import: hand-edited captions and labels stay; undone ones follow the tables again', async () => {
    const { lab, root, id } = await importedLab();
    editItem(lab.db, id('boat'), { label: null, captions: ['a sail boat'] });
    const again = await importFolder(lab, root);
    expect([again.captionsAdded, again.captionsRemoved, again.labelsSet]).toEqual([0, 0, 0]);
    expect(itemDetail(lab.db, id('boat'))).toMatchObject({ label: null, captions: ['a sail boat'] });
    undoLastEdit(lab.db, id('boat'));
    await importFolder(lab, root);
    expect(itemDetail(lab.db, id('boat'))).toMatchObject({ label: 'thing', captions: ['a boat'] });
    lab.close();
  });
});

describe('removing items and folders', () => {
  it('removes items, keeps their history and files, and a re-import of the folder brings them back', async () => {
    const { lab, root, id } = await importedLab();
    const [cat, dog] = [id('cat'), id('dog')];
    editItem(lab.db, dog, { label: 'pet' });
    expect(() => removeItems(lab.db, [cat, 998, 999])).toThrow(/no item 998, 999/);
    expect(listItems(lab.db, { offset: 0, limit: 10 }).total).toBe(4);

    expect(removeItems(lab.db, [cat, dog, dog])).toEqual({ removed: 2 });
    expect(listItems(lab.db, { offset: 0, limit: 10 }).items.map((i) => i.path)).toEqual(['apple.png', 'boat.png']);
    expect(existsSync(join(root, 'dog.png'))).toBe(true);
    // dog has the highest id: the re-import below gives it to the new dog item.
    expect(itemHistory(lab.db, dog).map((h) => [h.field, h.before])).toEqual([
      ['label', 'animal'],
      ['removed', 'dog.png'],
    ]);
    expect(() => undoLastEdit(lab.db, dog)).toThrow(
      /was removed from the lab; its file was not touched: import .* again/,
    );

    const back = await importFolder(lab, root);
    expect(back.added).toBe(2);
    expect(itemDetail(lab.db, id('dog'))).toMatchObject({ label: 'animal', captions: ['a dog'] });
    expect(id('dog')).toBe(dog);
    // A new item under a reused id starts a history of its own.
    expect(itemHistory(lab.db, id('dog'))).toEqual([]);
    expect(() => undoLastEdit(lab.db, id('dog'))).not.toThrow();
    lab.close();
  });

  it('removes a folder with its items, content and embeddings; importing it again restores it', async () => {
    const { lab, root, id } = await importedLab();
    const other = makeFolder();
    write(other, 'extra.png', await makeImage('png', 9));
    await importFolder(lab, other);
    const model = createModel(lab.db, newModel);
    const items = lab.db.prepare('SELECT id FROM items ORDER BY id').pluck().all() as number[];
    const captions = lab.db.prepare('SELECT id FROM captions ORDER BY id').pluck().all() as number[];
    saveEmbeddings(lab.db, model, 'image', items, new Float32Array(items.length * 2), 2);
    saveEmbeddings(lab.db, model, 'caption', captions, new Float32Array(captions.length * 2), 2);
    editItem(lab.db, id('apple'), { label: 'fruit' });
    const apple = id('apple');

    expect(() => removeFolder(lab.db, '/no/such')).toThrow(
      `the lab has no folder /no/such; its folders are ${root}, ${other}`,
    );
    expect(removeFolder(lab.db, root)).toEqual({ removed: 4 });
    const count = (sql: string) => (lab.db.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT count(*) AS n FROM roots')).toBe(1);
    expect(count('SELECT count(*) AS n FROM items')).toBe(5);
    expect(count('SELECT count(*) AS n FROM import_runs')).toBe(1);
    // The four images are the other folder's too: only extra.png's content and the other folder's remain.
    expect(count('SELECT count(*) AS n FROM images')).toBe(5);
    expect(count(`SELECT count(*) AS n FROM embeddings WHERE kind = 'image'`)).toBe(5);
    expect(count(`SELECT count(*) AS n FROM embeddings WHERE kind = 'caption'`)).toBe(
      count('SELECT count(*) AS n FROM captions'),
    );
    expect(itemHistory(lab.db, apple).map((h) => h.field)).toEqual(['label', 'removed']);

    removeFolder(lab.db, other);
    expect(count('SELECT count(*) AS n FROM images')).toBe(0);
    expect(count('SELECT count(*) AS n FROM pixels')).toBe(0);

    const back = await importFolder(lab, root);
    expect(back.added).toBe(4);
    expect(listItems(lab.db, { offset: 0, limit: 10 }).items.map((i) => [i.path, i.label, i.captions])).toEqual([
      ['apple.png', 'thing', ['a apple', 'red fruit']],
      ['boat.png', 'thing', ['a boat']],
      ['cat.png', 'animal', ['a cat']],
      ['dog.png', 'animal', ['a dog']],
    ]);
    lab.close();
  });
});
