/**
 * The curation lab (issue 13). Marks are kept by image content (sha256) where they must outlive an item's
 * removal and re-import; confirmations by item, with the label they confirm (a changed label drops them).
 *
 * - label_checks: "this label is right"; the item leaves the suspects list while its label is `label`.
 * - pair_marks: a user's verdict on two images (the same picture or not), hash_a < hash_b; the duplicate threshold
 *   is fitted on them.
 * - kept_images: near-duplicates a user decided to keep; a group drops out once all its members are kept.
 * - hidden_files: files a user hid from the lab (as duplicates); an import skips them until they are unhidden.
 */
export const curation = `
CREATE TABLE label_checks (
  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  checked_at TEXT NOT NULL
);
CREATE TABLE pair_marks (
  hash_a TEXT NOT NULL,
  hash_b TEXT NOT NULL,
  same INTEGER NOT NULL CHECK (same IN (0, 1)),
  marked_at TEXT NOT NULL,
  PRIMARY KEY (hash_a, hash_b),
  CHECK (hash_a < hash_b)
);
CREATE TABLE kept_images (
  hash TEXT PRIMARY KEY,
  kept_at TEXT NOT NULL
);
CREATE TABLE hidden_files (
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL,
  path TEXT NOT NULL,
  hash TEXT,
  reason TEXT NOT NULL,
  hidden_at TEXT NOT NULL,
  UNIQUE (root, path)
);
`;
