import type { Db } from './lab.ts';

export interface CaptionRow {
  id: number;
  itemId: number;
  text: string;
}

/** Every caption of the lab (live and missing items alike), ordered by item, then caption id. */
export function allCaptions(db: Db): CaptionRow[] {
  return db.prepare('SELECT id, item_id AS itemId, text FROM captions ORDER BY item_id, id').all() as CaptionRow[];
}

/** The first caption (lowest id) of each given item that has one. */
export function firstCaptions(db: Db, itemIds: readonly number[]): Map<number, string> {
  const stmt = db.prepare('SELECT text FROM captions WHERE item_id = ? ORDER BY id LIMIT 1').pluck();
  const out = new Map<number, string>();
  for (const id of itemIds) {
    const text = stmt.get(id) as string | undefined;
    if (text !== undefined) out.set(id, text);
  }
  return out;
}
