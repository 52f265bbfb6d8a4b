/** Reading a lab's items: listing and detail for the Library, lookups by id and path, labeled sets. */
import type { ItemDetail, ItemSummary } from '../api/contract.ts';
import type { Split } from '../api/types.ts';
import { foldWord, MAX_QUERY_WORDS, wordsOf } from './caption-terms.ts';
import type { Db } from './lab.ts';

/** The few facts search and classification attach to a result. */
export interface ItemInfo {
  id: number;
  path: string;
  label: string | null;
  split: Split;
}

/** An item with a category label. */
export interface LabeledItemRow {
  itemId: number;
  label: string;
  split: Split;
}

interface SummaryRow extends Omit<ItemSummary, 'captions'> {
  captions: string | null;
}

const SUMMARY_COLUMNS = `i.id, i.path, r.path AS root, i.split, l.name AS label, l.value,
  (SELECT json_group_array(c.text) FROM captions c WHERE c.item_id = i.id) AS captions, im.width, im.height`;
/** What SUMMARY_COLUMNS reads beside items i. */
const SUMMARY_JOINS = `JOIN roots r ON r.id = i.root_id JOIN images im ON im.id = i.image_id
  LEFT JOIN labels l ON l.item_id = i.id`;
const SUMMARY_FROM = `items i ${SUMMARY_JOINS}`;

function toSummary(r: SummaryRow): ItemSummary {
  return { ...r, captions: r.captions ? (JSON.parse(r.captions) as string[]) : [] };
}

export interface ItemQuery {
  offset: number;
  limit: number;
  split?: Split;
  label?: string;
  /** Words that must all begin a word of the item's path or captions (case and accents aside); see listItems. */
  text?: string;
}

/**
 * The FTS5 MATCH expression for the Library's text filter: every distinct word of `text` (cut and folded as
 * caption-terms does; at most MAX_QUERY_WORDS), quoted so nothing typed is FTS syntax, as a prefix, all required.
 * Null for a text without a word (blank, or only punctuation or emoji).
 */
export function textFilterExpression(text: string): string | null {
  const words: string[] = [];
  for (const w of wordsOf(text)) {
    const f = foldWord(w);
    if (f && !words.includes(f)) words.push(f);
  }
  if (words.length === 0) return null;
  return words
    .slice(0, MAX_QUERY_WORDS)
    .map((w) => `"${w.replaceAll('"', '""')}"*`)
    .join(' ');
}

/**
 * One page of live items in id order, with the number of all that match (exact).
 *
 * `text` matches an item when each of its words begins a word of the item's path (relative to its root) or of
 * one of its captions, in any order: case and accents are ignored (Café = cafe), words are runs of letters and
 * digits (`red_apple-2.png` has the words red, apple, 2, png), and a word typed in part matches the words it
 * begins (`fac` finds "face", `f00` finds f000/…). A piece from the middle of a word does not match (`ace` does
 * not find "face"). A text with no word at all (only punctuation or emoji) matches nothing; a blank one filters
 * nothing. Text goes through the item_words index (migration 010), a label through labels(name, item_id), a
 * split through items(status, split): neither the page nor the total reads every item.
 */
export function listItems(db: Db, q: ItemQuery): { total: number; items: ItemSummary[] } {
  const text = q.text?.trim() ? textFilterExpression(q.text) : undefined;
  if (text === null) return { total: 0, items: [] };
  const where: string[] = [];
  const args: (string | number)[] = [];
  // Where the matching ids are read from, in id order: the text index (rowid = item id), else the label's
  // entries in labels(name, item_id) (CROSS JOIN keeps the planner from starting at items(status, split), which
  // holds most items), else items(status, split) for a split, else items itself (`+` keeps items(status, split),
  // ordered by split first, from being read and sorted). A text's or label's items are checked for status and
  // split in items(id, status, split), not in the wider items rows (migration 010).
  let from: string;
  let id: string;
  let live = `i.status = 'ok'`;
  if (text !== undefined) {
    from = 'item_words f JOIN items i INDEXED BY items_id_filter ON i.id = f.rowid';
    id = 'f.rowid';
    where.push('item_words MATCH ?');
    args.push(text);
  } else if (q.label !== undefined) {
    from = 'labels l CROSS JOIN items i INDEXED BY items_id_filter ON i.id = l.item_id';
    id = 'l.item_id';
  } else {
    from = 'items i';
    id = 'i.id';
    if (!q.split) live = `+i.status = 'ok'`;
  }
  if (q.label !== undefined) {
    if (text !== undefined) from += ' JOIN labels l ON l.item_id = i.id';
    where.push('l.name = ?');
    args.push(q.label);
  }
  where.push(live);
  if (q.split) {
    where.push('i.split = ?');
    args.push(q.split);
  }
  const filter = `WHERE ${where.join(' AND ')}`;
  // item_words holds live items only: a text filter alone is counted and paged in the index, without reading items.
  const textOnly = text !== undefined && q.label === undefined && !q.split;
  const matching = textOnly
    ? { from: 'item_words', filter: 'WHERE item_words MATCH ?', id: 'rowid' }
    : { from, filter, id };
  const total = db
    .prepare(`SELECT count(*) FROM ${matching.from} ${matching.filter}`)
    .pluck()
    .get(...args) as number;
  if (q.limit <= 0 || q.offset >= total) return { total, items: [] };
  // The page's ids first (a later page skips ids, not whole rows), then their summaries.
  const rows = db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM (
         SELECT ${matching.id} AS id FROM ${matching.from} ${matching.filter} ORDER BY ${matching.id} LIMIT ? OFFSET ?
       ) page CROSS JOIN items i ON i.id = page.id ${SUMMARY_JOINS} ORDER BY i.id`,
    )
    .all(...args, q.limit, q.offset) as SummaryRow[];
  return { total, items: rows.map(toSummary) };
}

/** An item with its image's facts and the other live items of identical content, or null (history aside). */
export function itemDetail(db: Db, id: number): Omit<ItemDetail, 'history'> | null {
  const row = db
    .prepare(`SELECT ${SUMMARY_COLUMNS}, im.format, im.bytes, im.hash, i.image_id FROM ${SUMMARY_FROM} WHERE i.id = ?`)
    .get(id) as (SummaryRow & { format: string; bytes: number; hash: string; image_id: number }) | undefined;
  if (!row) return null;
  const duplicates = db
    .prepare(`SELECT id, path FROM items WHERE image_id = ? AND id != ? AND status = 'ok' ORDER BY id`)
    .all(row.image_id, row.id) as { id: number; path: string }[];
  const { image_id: _imageId, format, bytes, hash, ...summary } = row;
  return { ...toSummary(summary), format, bytes, hash, duplicates };
}

/** Path, label and split of the given items (live or not); unknown ids are left out. */
export function itemInfos(db: Db, ids: ArrayLike<number>): Map<number, ItemInfo> {
  const stmt = db.prepare(
    `SELECT i.id, i.path, i.split, l.name AS label FROM items i LEFT JOIN labels l ON l.item_id = i.id WHERE i.id = ?`,
  );
  const out = new Map<number, ItemInfo>();
  for (let k = 0; k < ids.length; k++) {
    const row = stmt.get(ids[k]) as ItemInfo | undefined;
    if (row) out.set(row.id, row);
  }
  return out;
}

/**
 * Ids of the items (live or not) with this label, split and path prefix (`folder` ends with '/'; each filter
 * optional): one query through the label and split indexes, for search's filters, instead of a lookup per item.
 */
export function itemIdsMatching(db: Db, f: { label?: string; split?: Split; folder?: string | null }): Set<number> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.label) {
    where.push('l.name = ?');
    args.push(f.label);
  }
  if (f.split) {
    where.push('i.split = ?');
    args.push(f.split);
  }
  if (f.folder) {
    where.push('substr(i.path, 1, length(?)) = ?');
    args.push(f.folder, f.folder);
  }
  // A label alone is read from its index only: the items' rows (a page read each) cost 3× as much at 100k.
  const from = !f.label ? 'items i' : f.split || f.folder ? 'labels l JOIN items i ON i.id = l.item_id' : 'labels l';
  const sql = `SELECT ${f.label ? 'l.item_id' : 'i.id'} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  return new Set(
    db
      .prepare(sql)
      .pluck()
      .all(...args) as number[],
  );
}

/** The first live item with this path (relative to its root), or null. */
export function itemIdByPath(db: Db, path: string): number | null {
  const row = db.prepare(`SELECT id FROM items WHERE path = ? AND status = 'ok' ORDER BY id LIMIT 1`).get(path) as
    { id: number } | undefined;
  return row?.id ?? null;
}

/** Live items of one split with a category label, in id order. */
export function labeledItemsOfSplit(db: Db, split: Split): LabeledItemRow[] {
  return db
    .prepare(
      `SELECT i.id AS itemId, l.name AS label, i.split FROM items i JOIN labels l ON l.item_id = i.id
       WHERE i.status = 'ok' AND i.split = ? AND l.name IS NOT NULL ORDER BY i.id`,
    )
    .all(split) as LabeledItemRow[];
}

/**
 * Up to `limit` live items with a category label and stored pixels, in a fixed pseudo-random order (so a limit
 * below the lab's size still samples every folder and class, and the same lab always gives the same sample).
 */
export function labeledItemSample(db: Db, limit: number): LabeledItemRow[] {
  return db
    .prepare(
      `SELECT i.id AS itemId, l.name AS label, i.split FROM items i JOIN labels l ON l.item_id = i.id
       JOIN pixels p ON p.image_id = i.image_id
       WHERE i.status = 'ok' AND l.name IS NOT NULL
       ORDER BY (i.id * 2654435761) % 4294967296, i.id LIMIT ?`,
    )
    .all(limit) as LabeledItemRow[];
}

/** Split of each given item (items that are not live are left out of the map). */
export function liveItemSplits(db: Db, itemIds: readonly number[]): Map<number, Split> {
  const out = new Map<number, Split>();
  const stmt = db.prepare(`SELECT split FROM items WHERE id = ? AND status = 'ok'`);
  for (const id of itemIds) {
    const row = stmt.get(id) as { split: Split } | undefined;
    if (row) out.set(id, row.split);
  }
  return out;
}

/** What the Embedding Projector export writes per item: the first caption and the label (name or value). */
export interface ExportRow {
  id: number;
  path: string;
  split: Split;
  label: string | number | null;
  caption: string | null;
}

/** A reader of export rows by item id (one prepared statement for the whole export). */
export function exportRows(db: Db): (itemId: number) => ExportRow | undefined {
  const stmt = db.prepare(
    `SELECT i.id, i.path, i.split, coalesce(l.name, l.value) AS label,
       (SELECT text FROM captions c WHERE c.item_id = i.id ORDER BY c.id LIMIT 1) AS caption
     FROM items i LEFT JOIN labels l ON l.item_id = i.id WHERE i.id = ?`,
  );
  return (itemId) => stmt.get(itemId) as ExportRow | undefined;
}

/** Thumbnail bytes of an item's image, or null. */
export function itemThumbnail(db: Db, itemId: number): { mime: string; data: Buffer } | null {
  const row = db
    .prepare(`SELECT t.mime, t.data FROM items i JOIN thumbnails t ON t.image_id = i.image_id WHERE i.id = ?`)
    .get(itemId) as { mime: string; data: Buffer } | undefined;
  return row ?? null;
}

/**
 * Where a live item's file is: its import root and its path relative to it. Null for an unknown or missing item,
 * and for a path that is not valid UTF-8 (stored raw), which cannot be served by name.
 */
export function itemFileLocation(db: Db, itemId: number): { root: string; path: string } | null {
  const row = db
    .prepare(
      `SELECT i.path, i.path_raw, r.path AS root FROM items i JOIN roots r ON r.id = i.root_id WHERE i.id = ? AND i.status = 'ok'`,
    )
    .get(itemId) as { path: string; path_raw: Buffer | null; root: string } | undefined;
  if (!row || row.path_raw) return null;
  return { root: row.root, path: row.path };
}
