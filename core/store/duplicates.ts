/**
 * The SQL of near-duplicate curation (issue 13, migration 007): a user's pair marks (by image content, hash_a <
 * hash_b, so they outlive an item's removal and re-import), the images a user kept, and the files a user hid.
 * Hiding removes the items as removeItems does (a 'removed' history row each) and records their files in
 * hidden_files in the same transaction: a kill leaves either both or neither. An import skips hidden files
 * (hiddenPaths) until unhideFiles forgets them.
 */
import { UserError } from '../util/user-error.ts';
import { isoNow } from './clock.ts';
import { ItemNotFoundError } from './item-edit-log.ts';
import { removeItems } from './item-removal.ts';
import type { Db } from './lab.ts';
import { hasWeightsSql } from './models.ts';

/** What a duplicate group shows of a live item, with its content's hash and image id. */
export interface DuplicateItemRow {
  item: number;
  root: string;
  path: string;
  imageId: number;
  hash: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
}

export interface PairMark {
  hashA: string;
  hashB: string;
  same: boolean;
}

export interface MarkCounts {
  same: number;
  notSame: number;
}

export interface HiddenFile {
  id: number;
  root: string;
  path: string;
  reason: string;
  hiddenAt: string;
}

export class SameImagePairError extends UserError {
  override readonly name = 'SameImagePairError';
  constructor(a: number, b: number) {
    super(
      a === b
        ? `a pair needs two items, not item ${a} twice`
        : `items ${a} and ${b} are the same file content (an exact duplicate): there is nothing to mark`,
    );
  }
}

export class KeepAndHideError extends UserError {
  override readonly name = 'KeepAndHideError';
  constructor(ids: readonly number[]) {
    super(`item${ids.length > 1 ? 's' : ''} ${ids.join(', ')} cannot be both kept and hidden: choose one`);
  }
}

export class HiddenFileNotFoundError extends UserError {
  override readonly name = 'HiddenFileNotFoundError';
  constructor(ids: readonly number[]) {
    super(
      `no hidden file ${ids.join(', ')}: check the id${ids.length > 1 ? 's' : ''} (\`nearlab duplicates --hidden\` lists them)`,
    );
  }
}

export class NotLiveItemError extends UserError {
  override readonly name = 'NotLiveItemError';
  constructor(id: number) {
    super(`item ${id} has no image in the lab (it is missing or failed to import): only live items can be marked`);
  }
}

const ITEM_ROW = `SELECT i.id AS item, r.path AS root, i.path, m.id AS imageId, m.hash, m.width, m.height, m.bytes, m.format
  FROM items i JOIN roots r ON r.id = i.root_id JOIN images m ON m.id = i.image_id`;

/** Every live item (status ok) with its content, by id. */
export function liveDuplicateItems(db: Db): Map<number, DuplicateItemRow> {
  const rows = db.prepare(`${ITEM_ROW} WHERE i.status = 'ok' ORDER BY i.id`).all() as DuplicateItemRow[];
  return new Map(rows.map((r) => [r.item, r]));
}

/**
 * The newest finished model with image embeddings of live items (a backbone-features model too), or null. The
 * curation lab works on image embeddings alone, so a model without a text tower serves as well as any.
 */
export function newestImageModelId(db: Db): number | null {
  const r = db
    .prepare(
      `SELECT m.id FROM models m WHERE m.status = 'done' AND ${hasWeightsSql('m.weights')} AND EXISTS (
         SELECT 1 FROM embeddings e JOIN items i ON i.id = e.ref_id
         WHERE e.model_id = m.id AND e.kind = 'image' AND i.status = 'ok')
       ORDER BY m.id DESC LIMIT 1`,
    )
    .pluck()
    .get() as number | undefined;
  return r ?? null;
}

export function pairMarks(db: Db): PairMark[] {
  return (
    db.prepare('SELECT hash_a AS hashA, hash_b AS hashB, same FROM pair_marks ORDER BY hash_a, hash_b').all() as {
      hashA: string;
      hashB: string;
      same: number;
    }[]
  ).map((r) => ({ ...r, same: r.same === 1 }));
}

export function markCounts(db: Db): MarkCounts {
  const r = db
    .prepare('SELECT coalesce(sum(same), 0) AS same, count(*) - coalesce(sum(same), 0) AS notSame FROM pair_marks')
    .get() as MarkCounts;
  return { same: r.same, notSame: r.notSame };
}

/** The content hash of a live item; unknown ids and items without an image are refused, naming them. */
function liveHash(db: Db, id: number): string {
  const r = db
    .prepare('SELECT i.status, m.hash FROM items i LEFT JOIN images m ON m.id = i.image_id WHERE i.id = ?')
    .get(id) as { status: string; hash: string | null } | undefined;
  if (!r) throw new ItemNotFoundError([id]);
  if (r.status !== 'ok' || r.hash === null) throw new NotLiveItemError(id);
  return r.hash;
}

/** Records (same true/false) or clears (null) a user's verdict on two items' images; returns the mark counts. */
export function markPair(db: Db, a: number, b: number, same: boolean | null): MarkCounts {
  return db.transaction(() => {
    if (a === b) throw new SameImagePairError(a, b);
    const unknown = [a, b].filter((id) => !db.prepare('SELECT 1 FROM items WHERE id = ?').get(id));
    if (unknown.length > 0) throw new ItemNotFoundError(unknown);
    const ha = liveHash(db, a);
    const hb = liveHash(db, b);
    if (ha === hb) throw new SameImagePairError(a, b);
    const [lo, hi] = ha < hb ? [ha, hb] : [hb, ha];
    if (same === null) db.prepare('DELETE FROM pair_marks WHERE hash_a = ? AND hash_b = ?').run(lo, hi);
    else
      db.prepare(
        `INSERT INTO pair_marks (hash_a, hash_b, same, marked_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (hash_a, hash_b) DO UPDATE SET same = excluded.same, marked_at = excluded.marked_at`,
      ).run(lo, hi, same ? 1 : 0, isoNow());
    return markCounts(db);
  })();
}

/** Hashes of the images a user kept. */
export function keptHashes(db: Db): Set<string> {
  return new Set(db.prepare('SELECT hash FROM kept_images').pluck().all() as string[]);
}

/**
 * A user's decisions on duplicate groups, in one transaction: `keep` items' images are kept (their groups drop
 * out once every member is kept); `hide` items leave the lab (as removeItems: a 'removed' history row each) and
 * their files are recorded as hidden, so imports skip them. Unknown ids, or an id in both lists, change nothing.
 */
export function reviewDuplicates(
  db: Db,
  keep: readonly number[],
  hide: readonly number[],
  reason = 'duplicate',
): { kept: number; hidden: number } {
  return db.transaction(() => {
    const hideSet = new Set(hide);
    const both = [...new Set(keep)].filter((id) => hideSet.has(id));
    if (both.length > 0) throw new KeepAndHideError(both);
    const all = [...new Set([...keep, ...hide])];
    const exists = db.prepare('SELECT 1 FROM items WHERE id = ?');
    const unknown = all.filter((id) => !exists.get(id));
    if (unknown.length > 0) throw new ItemNotFoundError(unknown);

    const keepHash = db.prepare('INSERT INTO kept_images (hash, kept_at) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING');
    const time = isoNow();
    let kept = 0;
    for (const id of new Set(keep)) kept += keepHash.run(liveHash(db, id), time).changes > 0 ? 1 : 0;

    const files = [...hideSet].map(
      (id) =>
        db
          .prepare(
            `SELECT r.path AS root, i.path, m.hash FROM items i JOIN roots r ON r.id = i.root_id
             LEFT JOIN images m ON m.id = i.image_id WHERE i.id = ?`,
          )
          .get(id) as { root: string; path: string; hash: string | null },
    );
    const { removed } = hide.length > 0 ? removeItems(db, [...hideSet]) : { removed: 0 };
    const record = db.prepare(
      `INSERT INTO hidden_files (root, path, hash, reason, hidden_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (root, path) DO UPDATE SET hash = excluded.hash, reason = excluded.reason, hidden_at = excluded.hidden_at`,
    );
    for (const f of files) record.run(f.root, f.path, f.hash, reason, time);
    return { kept, hidden: removed };
  })();
}

export function hiddenFiles(db: Db): HiddenFile[] {
  return db
    .prepare('SELECT id, root, path, reason, hidden_at AS hiddenAt FROM hidden_files ORDER BY root, path')
    .all() as HiddenFile[];
}

export function hiddenCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM hidden_files').pluck().get() as number;
}

/**
 * Undoes keep: these items' images are no longer kept, so their groups are listed again. Returns how many images
 * were kept before (an item whose image was not kept changes nothing). Unknown ids change nothing and throw.
 */
export function unkeepImages(db: Db, ids: readonly number[]): { unkept: number } {
  return db.transaction(() => {
    const unique = [...new Set(ids)];
    const exists = db.prepare('SELECT 1 FROM items WHERE id = ?');
    const unknown = unique.filter((id) => !exists.get(id));
    if (unknown.length > 0) throw new ItemNotFoundError(unknown);
    const del = db.prepare('DELETE FROM kept_images WHERE hash = ?');
    let unkept = 0;
    for (const hash of new Set(unique.map((id) => liveHash(db, id)))) unkept += del.run(hash).changes;
    return { unkept };
  })();
}

/** Forgets hidden files (by their hidden_files id): the next import of their folder brings them back. */
export function unhideFiles(db: Db, ids: readonly number[]): { unhidden: number } {
  return db.transaction(() => {
    const unique = [...new Set(ids)];
    const exists = db.prepare('SELECT 1 FROM hidden_files WHERE id = ?');
    const unknown = unique.filter((id) => !exists.get(id));
    if (unknown.length > 0) throw new HiddenFileNotFoundError(unknown);
    const del = db.prepare('DELETE FROM hidden_files WHERE id = ?');
    for (const id of unique) del.run(id);
    return { unhidden: unique.length };
  })();
}

/** Paths (relative to the root, as items name them) of an import root's hidden files. */
export function hiddenPaths(db: Db, root: string): Set<string> {
  return new Set(db.prepare('SELECT path FROM hidden_files WHERE root = ?').pluck().all(root) as string[]);
}
