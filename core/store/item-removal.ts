/**
 * Taking items, or a whole import folder, out of the lab. Files on disk are never touched. Each removed item
 * leaves a 'removed' row in its history with what it had (split, label, captions); its other history rows stay.
 * Deleting an item deletes its captions, label and embeddings (foreign keys and migration 003's triggers), and
 * image content no item refers to any more is dropped. A later import of the folder finds the files again and
 * adds them as new items, with the captions and labels of their sidecars and tables.
 */
import type { Split } from '../api/types.ts';
import { UserError } from '../util/user-error.ts';
import {
  ChangeRecorder,
  ItemNotFoundError,
  type CaptionValue,
  type ItemRef,
  type LabelState,
  type RemovedItem,
} from './item-edit-log.ts';
import type { Db } from './lab.ts';

export class FolderNotFoundError extends UserError {
  override readonly name = 'FolderNotFoundError';
  constructor(folder: string, folders: readonly string[]) {
    super(
      folders.length === 0
        ? `the lab has no folder ${folder}: it has no imported folder at all`
        : `the lab has no folder ${folder}; its folders are ${folders.join(', ')}`,
    );
  }
}

const ITEM_REF = 'SELECT i.id, r.path AS root, i.path, i.status, i.error FROM items i JOIN roots r ON r.id = i.root_id';

/** Records each item's removal and deletes it; then drops the content no item refers to any more. */
function removeRefs(db: Db, items: readonly ItemRef[]): void {
  const change = new ChangeRecorder(db);
  const split = db.prepare('SELECT split FROM items WHERE id = ?').pluck();
  const label = db.prepare('SELECT name, value, source FROM labels WHERE item_id = ?');
  const captions = db.prepare('SELECT text, source FROM captions WHERE item_id = ? ORDER BY id');
  const remove = db.prepare('DELETE FROM items WHERE id = ?');
  for (const item of items) {
    const had: RemovedItem = {
      split: split.get(item.id) as Split | null,
      label: (label.get(item.id) as LabelState | undefined) ?? null,
      captions: captions.all(item.id) as CaptionValue[],
    };
    change.record(item, 'removed', had, null);
    remove.run(item.id);
  }
  db.prepare('DELETE FROM images WHERE NOT EXISTS (SELECT 1 FROM items WHERE items.image_id = images.id)').run();
}

/** Removes these items (live, missing or failed alike); unknown ids throw, naming them, and nothing is removed. */
export function removeItems(db: Db, ids: readonly number[]): { removed: number } {
  return db.transaction(() => {
    const stmt = db.prepare(`${ITEM_REF} WHERE i.id = ?`);
    const unique = [...new Set(ids)];
    const items = unique.map((id) => stmt.get(id) as ItemRef | undefined);
    const unknown = unique.filter((_, k) => !items[k]);
    if (unknown.length > 0) throw new ItemNotFoundError(unknown);
    removeRefs(db, items as ItemRef[]);
    return { removed: items.length };
  })();
}

/**
 * Removes an import folder (as the lab names it: an absolute path) with all its items, its import runs and their
 * problems. `removed` counts its live items, as `info` counted them.
 */
export function removeFolder(db: Db, folder: string): { removed: number } {
  return db.transaction(() => {
    const root = db.prepare('SELECT id FROM roots WHERE path = ?').get(folder) as { id: number } | undefined;
    if (!root) {
      const folders = db.prepare('SELECT path FROM roots ORDER BY id').pluck().all() as string[];
      throw new FolderNotFoundError(folder, folders);
    }
    const items = db.prepare(`${ITEM_REF} WHERE i.root_id = ? ORDER BY i.id`).all(root.id) as ItemRef[];
    removeRefs(db, items);
    db.prepare('DELETE FROM roots WHERE id = ?').run(root.id);
    return { removed: items.filter((i) => i.status === 'ok').length };
  })();
}
