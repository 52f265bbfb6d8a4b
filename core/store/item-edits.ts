/**
 * A user's changes to a live item by hand: its split, its label, its captions, each kept in the item's history
 * (item-edit-log.ts) and undoable. Each function is one IMMEDIATE transaction (see lab.ts). Caption rows are never
 * updated, only added and removed, so the embeddings of a caption that goes away are dropped (migration 003) and
 * an unchanged caption keeps its id and its embeddings.
 */
import type { ItemEdit } from '../api/contract.ts';
import type { Split } from '../api/types.ts';
import { UserError } from '../util/user-error.ts';
import {
  ChangeRecorder,
  editRows,
  itemRef,
  ItemNotFoundError,
  liveItemRef,
  markUndone,
  toItemEdit,
  USER_SOURCE,
  type CaptionValue,
  type ItemRef,
  type LabelState,
} from './item-edit-log.ts';
import type { Db } from './lab.ts';

/** A category name, a number (regression labs), or null for no label. */
export type LabelInput = string | number | null;

export interface ItemEditInput {
  split?: Split;
  label?: LabelInput;
  /** The item's captions as they should be, in order. */
  captions?: readonly string[];
}

/** A removed item cannot be undone back: its content may be gone from the lab. */
export class RemovedItemError extends UserError {
  override readonly name = 'RemovedItemError';
  constructor(id: number, root: string, path: string) {
    super(
      `item ${id} (${path}) was removed from the lab; its file was not touched: import ${root} again to bring it back (as a new item)`,
    );
  }
}

interface CaptionRow extends CaptionValue {
  id: number;
}

/** The SQL of one item's edits, on the change being recorded. */
class ItemEditor {
  constructor(
    private readonly db: Db,
    private readonly item: ItemRef,
    private readonly change: ChangeRecorder,
  ) {}

  captions(): CaptionRow[] {
    return this.db
      .prepare('SELECT id, text, source FROM captions WHERE item_id = ? ORDER BY id')
      .all(this.item.id) as CaptionRow[];
  }

  setSplit(split: Split): void {
    const { split: before } = this.db.prepare('SELECT split FROM items WHERE id = ?').get(this.item.id) as {
      split: Split;
    };
    if (before === split) return;
    this.db.prepare('UPDATE items SET split = ? WHERE id = ?').run(split, this.item.id);
    this.change.record(this.item, 'split', before, split);
  }

  setLabel(label: LabelInput): void {
    const before =
      (this.db.prepare('SELECT name, value, source FROM labels WHERE item_id = ?').get(this.item.id) as
        LabelState | undefined) ?? null;
    const after: LabelState | null =
      label === null
        ? null
        : typeof label === 'number'
          ? { name: null, value: label, source: USER_SOURCE }
          : { name: label, value: null, source: USER_SOURCE };
    if (before?.name === after?.name && before?.value === after?.value) return;
    writeLabel(this.db, this.item.id, after);
    this.change.record(this.item, 'label', before, after);
  }

  /** Adds a caption of the user's; false when the item has that caption already. */
  addCaption(text: string): boolean {
    if (this.captions().some((c) => c.text === text)) return false;
    this.insertCaption(text);
    this.change.record(this.item, 'caption', null, { text, source: USER_SOURCE });
    return true;
  }

  removeCaption(row: CaptionRow): void {
    this.db.prepare('DELETE FROM captions WHERE id = ?').run(row.id);
    this.change.record(this.item, 'caption', { text: row.text, source: row.source }, null);
  }

  /** One history row: the caption `row` became `text`. */
  replaceCaption(row: CaptionRow, text: string): void {
    this.db.prepare('DELETE FROM captions WHERE id = ?').run(row.id);
    this.insertCaption(text);
    this.change.record(this.item, 'caption', { text: row.text, source: row.source }, { text, source: USER_SOURCE });
  }

  /**
   * Makes the item's captions `texts`: captions still listed stay as they are (whatever their source); the
   * others are removed, and new texts added as the user's. A removed caption and an added one at the same place
   * in their lists are recorded as one replacement.
   */
  setCaptions(texts: readonly string[]): void {
    const unmatched = this.captions();
    const added: string[] = [];
    const kept = new Set<string>();
    for (const text of texts) {
      const at = unmatched.findIndex((c) => c.text === text);
      if (at >= 0) {
        unmatched.splice(at, 1);
        kept.add(text);
      } else if (!kept.has(text) && !added.includes(text)) added.push(text);
    }
    unmatched.forEach((row, k) => (k < added.length ? this.replaceCaption(row, added[k]) : this.removeCaption(row)));
    for (const text of added.slice(unmatched.length)) this.addCaption(text);
  }

  private insertCaption(text: string): void {
    this.db
      .prepare('INSERT INTO captions (item_id, text, source) VALUES (?, ?, ?)')
      .run(this.item.id, text, USER_SOURCE);
  }
}

function writeLabel(db: Db, itemId: number, label: LabelState | null): void {
  if (label === null) db.prepare('DELETE FROM labels WHERE item_id = ?').run(itemId);
  else
    db.prepare('INSERT OR REPLACE INTO labels (item_id, name, value, source) VALUES (?, ?, ?, ?)').run(
      itemId,
      label.name,
      label.value,
      label.source,
    );
}

/** Runs `fn` on a live item in one transaction, as one change; returns the number of fields it changed. */
function editing(db: Db, id: number, fn: (editor: ItemEditor) => void): number {
  return db.transaction(() => {
    const change = new ChangeRecorder(db);
    fn(new ItemEditor(db, liveItemRef(db, id), change));
    return change.count;
  })();
}

/** Changes what `edit` gives, as one change (one undo step); returns the number of history rows written. */
export function editItem(db: Db, id: number, edit: ItemEditInput): number {
  return editing(db, id, (e) => {
    if (edit.split !== undefined) e.setSplit(edit.split);
    if (edit.label !== undefined) e.setLabel(edit.label);
    if (edit.captions !== undefined) e.setCaptions(edit.captions);
  });
}

export function setItemSplit(db: Db, id: number, split: Split): number {
  return editing(db, id, (e) => e.setSplit(split));
}

export function setItemLabel(db: Db, id: number, label: LabelInput): number {
  return editing(db, id, (e) => e.setLabel(label));
}

export function addItemCaption(db: Db, id: number, text: string): number {
  return editing(db, id, (e) => e.addCaption(text));
}

/** Removes the item's (first) caption with this text; a text the item does not have changes nothing. */
export function removeItemCaption(db: Db, id: number, text: string): number {
  return editing(db, id, (e) => {
    const row = e.captions().find((c) => c.text === text);
    if (row) e.removeCaption(row);
  });
}

/** Replaces the item's (first) caption with text `from` by `to`; throws when it has no such caption. */
export function replaceItemCaption(db: Db, id: number, from: string, to: string): number {
  return editing(db, id, (e) => {
    const row = e.captions().find((c) => c.text === from);
    if (!row) throw new UserError(`item ${id} has no caption ${JSON.stringify(from)}`);
    if (from !== to) e.replaceCaption(row, to);
  });
}

/**
 * Reverts the item's latest change that is not undone (all the fields one save changed), newest field first,
 * and marks its rows undone. Returns them (none when nothing is left to undo).
 */
export function undoLastEdit(db: Db, id: number): ItemEdit[] {
  return db.transaction(() => {
    const rows = editRows(db, id);
    if (rows === null) throw new ItemNotFoundError([id]);
    // Without an item of this id, the rows are those of the item removed last under it.
    const removal = itemRef(db, id) ? undefined : rows[rows.length - 1];
    if (removal) throw new RemovedItemError(id, removal.root, removal.path);
    liveItemRef(db, id);
    const open = rows.filter((r) => r.undoneAt === null);
    if (open.length === 0) return [];
    const last = open[open.length - 1].change;
    const change = open.filter((r) => r.change === last).reverse();
    for (const r of change) {
      if (r.field === 'split') db.prepare('UPDATE items SET split = ? WHERE id = ?').run(r.before as Split, id);
      else if (r.field === 'label') writeLabel(db, id, r.before as LabelState | null);
      else if (r.field === 'caption') {
        const after = r.after as CaptionValue | null;
        const before = r.before as CaptionValue | null;
        if (after)
          db.prepare('DELETE FROM captions WHERE item_id = ? AND text = ? AND source = ?').run(
            id,
            after.text,
            after.source,
          );
        if (before)
          db.prepare('INSERT OR IGNORE INTO captions (item_id, text, source) VALUES (?, ?, ?)').run(
            id,
            before.text,
            before.source,
          );
      }
    }
    markUndone(
      db,
      change.map((r) => r.id),
    );
    return (editRows(db, id) ?? []).filter((r) => r.change === last).map(toItemEdit);
  })();
}
