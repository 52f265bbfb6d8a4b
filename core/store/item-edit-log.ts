/**
 * The item_edits table (migration 006): recording what a user changed on an item, reading an item's history, and
 * finding the items whose captions or label a user set by hand. The edits themselves are in item-edits.ts and
 * item-removal.ts.
 */
import type { ItemEdit } from '../api/contract.ts';
import type { Split } from '../api/types.ts';
import { UserError } from '../util/user-error.ts';
import { isoNow } from './clock.ts';
import type { Db } from './lab.ts';

/** The source of captions and labels a user set by hand. */
export const USER_SOURCE = 'user';

export type EditField = ItemEdit['field'];
export interface CaptionValue {
  text: string;
  source: string;
}
export interface LabelState {
  name: string | null;
  value: number | null;
  source: string;
}
/** What a 'removed' row keeps of the item. */
export interface RemovedItem {
  split: Split | null;
  label: LabelState | null;
  captions: CaptionValue[];
}
/** What old_value and new_value hold, by field. */
export type EditValue = CaptionValue | LabelState | Split | RemovedItem | null;

/** An item as the history names it. */
export interface ItemRef {
  id: number;
  root: string;
  path: string;
  status: 'ok' | 'missing' | 'error';
  error: string | null;
}

export class ItemNotFoundError extends UserError {
  override readonly name = 'ItemNotFoundError';
  constructor(readonly ids: readonly number[]) {
    super(
      `the lab has no item ${ids.join(', ')}: check the id${ids.length > 1 ? 's' : ''} (the Library and \`nearlab search\` show them)`,
    );
  }
}

/** An item that is not imported (missing from its folder, or its file failed): there is nothing to edit. */
export class ItemNotEditableError extends UserError {
  override readonly name = 'ItemNotEditableError';
  constructor(item: ItemRef) {
    const why =
      item.status === 'missing'
        ? `is missing from its folder ${item.root}: import the folder again once the file is back`
        : `was not imported (${item.error ?? 'error'}): fix the file and import ${item.root} again`;
    super(`item ${item.id} (${item.path}) ${why}, or remove it (nearlab items remove ${item.id})`);
  }
}

export function itemRef(db: Db, id: number): ItemRef | undefined {
  return db
    .prepare<[number], ItemRef>(
      'SELECT i.id, r.path AS root, i.path, i.status, i.error FROM items i JOIN roots r ON r.id = i.root_id WHERE i.id = ?',
    )
    .get(id);
}

/** The item, which must be live (imported and present). */
export function liveItemRef(db: Db, id: number): ItemRef {
  const item = itemRef(db, id);
  if (!item) throw new ItemNotFoundError([id]);
  if (item.status !== 'ok') throw new ItemNotEditableError(item);
  return item;
}

/**
 * Writes the rows of one change (one save, one undo step) of one or more items: they share a change number,
 * taken when the first row is written.
 */
export class ChangeRecorder {
  private change: number | null = null;
  private readonly at = isoNow();
  private readonly insert;
  count = 0;

  constructor(private readonly db: Db) {
    this.insert = db.prepare<[number, string, string, number, string, EditField, string, string]>(
      `INSERT INTO item_edits (item_id, root, path, change, at, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  record(item: ItemRef, field: EditField, before: EditValue, after: EditValue): void {
    this.change ??= (
      this.db.prepare('SELECT coalesce(max(change), 0) + 1 AS n FROM item_edits').get() as { n: number }
    ).n;
    this.insert.run(
      item.id,
      item.root,
      item.path,
      this.change,
      this.at,
      field,
      JSON.stringify(before),
      JSON.stringify(after),
    );
    this.count++;
  }
}

/** A stored row, values parsed. */
export interface EditRow {
  id: number;
  change: number;
  at: string;
  field: EditField;
  before: EditValue;
  after: EditValue;
  undoneAt: string | null;
  root: string;
  path: string;
}

interface EditRowDb {
  id: number;
  change: number;
  at: string;
  field: EditField;
  old_value: string | null;
  new_value: string | null;
  undone_at: string | null;
  root: string;
  path: string;
}

const parse = (s: string | null): EditValue => (s === null ? null : (JSON.parse(s) as EditValue));

/** Rows after this id belong to the item that has the id now: it was given again after a removal. */
const SINCE_REMOVAL = `coalesce((SELECT max(r.id) FROM item_edits r WHERE r.item_id = ? AND r.field = 'removed'), 0)`;

/**
 * The rows of the item that has this id, oldest first: those written since the id's latest removal, or, when no
 * item has the id any more, those of the item that was removed last under it (up to its removal). Null when the
 * lab never knew the id.
 */
export function editRows(db: Db, id: number): EditRow[] | null {
  const columns = 'id, change, at, field, old_value, new_value, undone_at, root, path';
  let rows: EditRowDb[];
  if (itemRef(db, id)) {
    rows = db
      .prepare(`SELECT ${columns} FROM item_edits WHERE item_id = ? AND id > ${SINCE_REMOVAL} ORDER BY id`)
      .all(id, id) as EditRowDb[];
  } else {
    const last = db.prepare(`SELECT max(id) AS id FROM item_edits WHERE item_id = ? AND field = 'removed'`).get(id) as {
      id: number | null;
    };
    if (last.id === null) return null;
    rows = db
      .prepare(
        `SELECT ${columns} FROM item_edits WHERE item_id = ? AND id <= ? AND id > coalesce(
           (SELECT max(id) FROM item_edits WHERE item_id = ? AND field = 'removed' AND id < ?), 0) ORDER BY id`,
      )
      .all(id, last.id, id, last.id) as EditRowDb[];
  }
  return rows.map((r) => ({
    id: r.id,
    change: r.change,
    at: r.at,
    field: r.field,
    before: parse(r.old_value),
    after: parse(r.new_value),
    undoneAt: r.undone_at,
    root: r.root,
    path: r.path,
  }));
}

export function markUndone(db: Db, rowIds: readonly number[]): void {
  const stmt = db.prepare<[string, number]>('UPDATE item_edits SET undone_at = ? WHERE id = ?');
  const at = isoNow();
  for (const id of rowIds) stmt.run(at, id);
}

/** A stored value as the API shows it: a caption's text, a label's name or number, a split. */
function shown(field: EditField, v: EditValue): string | number | null {
  if (v === null || typeof v === 'string') return v;
  if (field === 'caption') return (v as CaptionValue).text;
  if (field === 'label') return (v as LabelState).name ?? (v as LabelState).value;
  return null;
}

export function toItemEdit(r: EditRow): ItemEdit {
  const removed = r.field === 'removed';
  return {
    id: r.id,
    change: r.change,
    at: r.at,
    field: r.field,
    before: removed ? r.path : shown(r.field, r.before),
    after: removed ? null : shown(r.field, r.after),
    undoneAt: r.undoneAt,
  };
}

/** An item's history, oldest first (see editRows); unknown ids throw. */
export function itemHistory(db: Db, id: number): ItemEdit[] {
  const rows = editRows(db, id);
  if (rows === null) throw new ItemNotFoundError([id]);
  return rows.map(toItemEdit);
}

/**
 * Items whose captions (or label) a user set by hand and did not undo: an import leaves those as the user made
 * them, instead of syncing them with its sidecars and tables again.
 */
export function itemsEditedByHand(db: Db, field: 'caption' | 'label'): Set<number> {
  const rows = db
    .prepare(
      `SELECT DISTINCT e.item_id AS id FROM item_edits e WHERE e.field = ? AND e.undone_at IS NULL
       AND e.id > coalesce((SELECT max(r.id) FROM item_edits r WHERE r.item_id = e.item_id AND r.field = 'removed'), 0)`,
    )
    .all(field) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}
