/** Trained models (one per training run), their per-step and per-epoch history, checkpoints and embeddings. */
export const models = `
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  -- TrainConfig, TokenizerSpec and a summary of the training data, as JSON.
  config TEXT NOT NULL,
  tokenizer TEXT NOT NULL,
  data TEXT NOT NULL,
  backend TEXT NOT NULL,
  -- Process training it while status is 'running' (a dead pid means the run was killed and can resume).
  pid INTEGER,
  epochs_done INTEGER NOT NULL DEFAULT 0,
  steps_done INTEGER NOT NULL DEFAULT 0,
  -- Validation metrics of the last epoch, as JSON.
  metrics TEXT,
  -- Final parameters: little-endian float32 in the model's parameter layout.
  weights BLOB,
  error TEXT
);

CREATE TABLE model_steps (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  loss REAL NOT NULL,
  lr REAL NOT NULL,
  logit_scale REAL NOT NULL,
  PRIMARY KEY (model_id, step)
) WITHOUT ROWID;

CREATE TABLE model_epochs (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  train_loss REAL NOT NULL,
  metrics TEXT NOT NULL,
  seconds REAL NOT NULL,
  samples_per_sec REAL NOT NULL,
  PRIMARY KEY (model_id, epoch)
) WITHOUT ROWID;

-- Only the latest checkpoint of a run is kept.
CREATE TABLE model_checkpoints (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  -- Position and optimizer counters, as JSON.
  state TEXT NOT NULL,
  weights BLOB NOT NULL,
  -- AdamW moments m then v (float32).
  optimizer BLOB NOT NULL,
  PRIMARY KEY (model_id, step)
);

-- ref_id is an item id (kind 'image') or a caption id (kind 'caption').
CREATE TABLE embeddings (
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'caption')),
  ref_id INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (model_id, kind, ref_id)
) WITHOUT ROWID;
`;
