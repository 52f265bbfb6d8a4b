/**
 * The history of what users changed by hand (issue 12): an item's captions, label and split, and its removal
 * from the lab. One row per changed field; the rows one save wrote share `change`, and an undo reverts an
 * item's latest change whole (the rows stay, with `undone_at` set). There is no foreign key to items: an item's
 * history outlives it (its removal is its last row), so each row also names the item's folder and path. An item
 * id SQLite hands out again after a removal starts a new history: only rows after the id's latest 'removed' row
 * belong to the live item.
 *
 * old_value / new_value are JSON: a caption {text, source} (a user's caption has source 'user'), a label
 * {name, value, source}, a split ("train"), null for none; a 'removed' row keeps what the item had
 * {split, label, captions} in old_value.
 */
export const itemEdits = `
CREATE TABLE item_edits (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL,
  root TEXT NOT NULL,
  path TEXT NOT NULL,
  change INTEGER NOT NULL,
  at TEXT NOT NULL,
  field TEXT NOT NULL CHECK (field IN ('caption', 'label', 'split', 'removed')),
  old_value TEXT,
  new_value TEXT,
  undone_at TEXT
);
CREATE INDEX item_edits_item ON item_edits(item_id, id);
CREATE INDEX item_edits_change ON item_edits(change);
`;
