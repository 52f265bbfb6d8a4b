import { itemsEditedByHand } from './item-edit-log.ts';
import type { Db } from './lab.ts';

export type CaptionSource = 'sidecar' | 'captions-file' | 'filename';
export type LabelSource = 'labels-file' | 'folder';
export type LabelValue = { name: string; value: null } | { name: null; value: number };

/** The live items (status ok) of an import root. */
export function liveItemsOfRoot(db: Db, rootId: number): Set<number> {
  const rows = db
    .prepare<[number], { id: number }>("SELECT id FROM items WHERE root_id = ? AND status = 'ok'")
    .all(rootId);
  return new Set(rows.map((r) => r.id));
}

/**
 * Makes the captions of `source` on the items in `scope` exactly `desired`. Unchanged captions keep
 * their ids (embeddings refer to them); only added and removed ones are touched. Items whose captions a user
 * edited by hand (item-edits.ts) keep them as the user left them.
 */
export function syncCaptions(
  db: Db,
  source: CaptionSource,
  desired: ReadonlyMap<number, readonly string[]>,
  scope: ReadonlySet<number>,
): { added: number; removed: number } {
  const existing = db.prepare<[number, string], { id: number; text: string }>(
    'SELECT id, text FROM captions WHERE item_id = ? AND source = ?',
  );
  const insert = db.prepare<[number, string, string]>('INSERT INTO captions (item_id, text, source) VALUES (?, ?, ?)');
  const remove = db.prepare<[number]>('DELETE FROM captions WHERE id = ?');
  let added = 0;
  let removed = 0;
  db.transaction(() => {
    const byHand = itemsEditedByHand(db, 'caption');
    for (const itemId of scope) {
      if (byHand.has(itemId)) continue;
      const want = new Set(desired.get(itemId) ?? []);
      for (const row of existing.all(itemId, source)) {
        if (want.has(row.text)) want.delete(row.text);
        else {
          remove.run(row.id);
          removed++;
        }
      }
      for (const text of want) {
        insert.run(itemId, text, source);
        added++;
      }
    }
  })();
  return { added, removed };
}

/**
 * Sets the label of every item in `desired`; removes labels of `source` from other items in `scope`. Items whose
 * label a user set or cleared by hand keep it.
 */
export function syncLabels(
  db: Db,
  source: LabelSource,
  desired: ReadonlyMap<number, LabelValue>,
  scope: ReadonlySet<number>,
): { set: number; removed: number } {
  const current = db.prepare<[number], { name: string | null; value: number | null; source: string }>(
    'SELECT name, value, source FROM labels WHERE item_id = ?',
  );
  const upsert = db.prepare<[number, string | null, number | null, string]>(
    'INSERT OR REPLACE INTO labels (item_id, name, value, source) VALUES (?, ?, ?, ?)',
  );
  const remove = db.prepare<[number]>('DELETE FROM labels WHERE item_id = ?');
  let set = 0;
  let removed = 0;
  db.transaction(() => {
    const byHand = itemsEditedByHand(db, 'label');
    for (const itemId of scope) {
      if (byHand.has(itemId)) continue;
      const want = desired.get(itemId);
      const have = current.get(itemId);
      if (want) {
        if (!have || have.name !== want.name || have.value !== want.value || have.source !== source) {
          upsert.run(itemId, want.name, want.value, source);
          set++;
        }
      } else if (have?.source === source) {
        remove.run(itemId);
        removed++;
      }
    }
  })();
  return { set, removed };
}
