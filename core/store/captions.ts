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
