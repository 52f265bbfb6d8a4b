/** Roots, images, items, captions, labels, splits, thumbnails, model-input pixels, import runs and their errors. */
export const foundation = `
CREATE TABLE roots (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  added_at TEXT NOT NULL
);

-- Distinct image content (sha256): decoded once, whatever the number of names it has.
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  bytes INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  format TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One row per image file name under an import root: what users see, caption, label and search.
-- path is relative to the root (display form, UTF-8); path_raw holds the exact bytes when the name
-- is not valid UTF-8. Only items with status 'ok' are live; 'missing' ones keep their captions and
-- labels in case the file comes back. split is set from the content hash when the content is first
-- known and never changes afterwards.
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  path_raw BLOB,
  image_id INTEGER REFERENCES images(id),
  split TEXT CHECK (split IN ('train', 'val', 'test')),
  size INTEGER,
  mtime_ms REAL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'error')),
  error TEXT,
  last_run_id INTEGER,
  created_at TEXT NOT NULL,
  UNIQUE (root_id, path),
  CHECK (status != 'ok' OR (image_id IS NOT NULL AND split IS NOT NULL))
);
CREATE INDEX items_image ON items(image_id);
CREATE INDEX items_status ON items(status, split);

CREATE TABLE captions (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  source TEXT NOT NULL,
  UNIQUE (item_id, source, text)
);
CREATE INDEX captions_item ON captions(item_id);

-- One label per item: a category name or a number (regression).
CREATE TABLE labels (
  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  name TEXT,
  value REAL,
  source TEXT NOT NULL,
  CHECK ((name IS NULL) != (value IS NULL))
);

CREATE TABLE thumbnails (
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  mime TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  data BLOB NOT NULL
);

-- Model input decoded once: size x size x 3 RGB bytes, alpha flattened on white, EXIF orientation applied.
CREATE TABLE pixels (
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  size INTEGER NOT NULL,
  data BLOB NOT NULL
);

CREATE TABLE import_runs (
  id INTEGER PRIMARY KEY,
  root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
  options TEXT NOT NULL,
  summary TEXT
);

-- Problems found by an import run: per image file, or per line of a captions/labels file.
CREATE TABLE import_errors (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  line INTEGER,
  severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
  reason TEXT NOT NULL
);
CREATE INDEX import_errors_run ON import_errors(run_id);
`;
