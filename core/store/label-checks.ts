/**
 * "This label is right": a user's confirmation of an item's category label (table label_checks, migration 007),
 * stored with the label it confirms. A check counts only while the item's label is still that one: relabelling
 * the item (by hand, by undo or by a later import) drops it without touching the table.
 */
import { UserError } from '../util/user-error.ts';
import { isoNow } from './clock.ts';
import type { Db } from './lab.ts';

/** Items a confirmation cannot apply to: unknown or removed, or without a category label. */
export class LabelCheckError extends UserError {
  override readonly name = 'LabelCheckError';
}

const plural = (ids: readonly number[], one: string, many: string) =>
  `${ids.length === 1 ? one : many} ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ` (and ${ids.length - 10} more)` : ''}`;

/** Checks that count: item → the label confirmed, which is its current label. */
const VALID = `SELECT c.item_id, c.label FROM label_checks c JOIN labels l ON l.item_id = c.item_id
  JOIN items i ON i.id = c.item_id WHERE i.status = 'ok' AND l.name = c.label`;

/**
 * Confirms the current labels of `ids` (with `confirmed` false: takes their confirmations back), all in one
 * transaction; refused as a whole, naming them, when some item is not a live item of the lab or (to confirm) has
 * no category label. Returns how many items changed state: an item already confirmed keeps its first check.
 */
export function setLabelChecks(db: Db, ids: readonly number[], confirmed: boolean, now = isoNow()): number {
  const unique = [...new Set(ids)];
  return db.transaction(() => {
    const current = db.prepare(
      `SELECT i.id, l.name AS label FROM items i LEFT JOIN labels l ON l.item_id = i.id
       WHERE i.id = ? AND i.status = 'ok'`,
    );
    const rows = unique.map((id) => ({ id, row: current.get(id) as { id: number; label: string | null } | undefined }));
    const unknown = rows.filter((r) => r.row === undefined).map((r) => r.id);
    if (unknown.length > 0) throw new LabelCheckError(`${plural(unknown, 'no item', 'no items')} in this lab`);
    const valid = new Map(
      (db.prepare(VALID).all() as { item_id: number; label: string }[]).map((r) => [r.item_id, r.label]),
    );
    if (!confirmed) {
      const del = db.prepare('DELETE FROM label_checks WHERE item_id = ?');
      let changed = 0;
      for (const id of unique) {
        if (valid.has(id)) changed++;
        del.run(id);
      }
      return changed;
    }
    const unlabeled = rows.filter((r) => r.row!.label === null).map((r) => r.id);
    if (unlabeled.length > 0)
      throw new LabelCheckError(
        `${plural(unlabeled, 'item', 'items')} ${unlabeled.length === 1 ? 'has' : 'have'} no category label to confirm`,
      );
    const put = db.prepare(
      `INSERT INTO label_checks (item_id, label, checked_at) VALUES (?, ?, ?)
       ON CONFLICT (item_id) DO UPDATE SET label = excluded.label, checked_at = excluded.checked_at`,
    );
    let changed = 0;
    for (const { id, row } of rows) {
      if (valid.get(id) === row!.label) continue;
      put.run(id, row!.label, now);
      changed++;
    }
    return changed;
  })();
}

/** The live items whose current label a user confirmed. */
export function confirmedItems(db: Db): Set<number> {
  return new Set(db.prepare(`SELECT item_id FROM (${VALID})`).pluck().all() as number[]);
}
