import type { Db } from './lab.ts';
import { UserError } from '../util/user-error.ts';

/** Stored trained models: runs, their history, checkpoints and embeddings (schema in migration 002). */

export type ModelStatus = 'running' | 'done' | 'cancelled' | 'failed';
export type EmbeddingKind = 'image' | 'caption';

/** Per-direction retrieval scores. */
export interface RecallScores {
  r1: number;
  r5: number;
  r10: number;
  medianRank: number;
}

/** Validation metrics of one epoch (text→image and image→text retrieval on the val split). */
export interface EpochMetrics {
  t2i: RecallScores;
  i2t: RecallScores;
  /** Images and captions the metrics were computed on. */
  images: number;
  captions: number;
  /**
   * With labels, once training has finished: k-NN (k = 5, train items as the gallery) and label-prompt zero-shot
   * accuracy of the val images.
   */
  knnAccuracy?: number;
  zeroShotAccuracy?: number;
}

export interface ModelSummary {
  id: number;
  status: ModelStatus;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  backend: string;
  epochsDone: number;
  stepsDone: number;
  /** Validation metrics after the last finished epoch (null before the first, or without a val split). */
  metrics: EpochMetrics | null;
  error: string | null;
  hasWeights: boolean;
  /** Process id while training (status 'running'). */
  pid: number | null;
}

/** A model with its JSON documents parsed (config, tokenizer, data summary stay untyped here). */
export interface ModelRecord extends ModelSummary {
  config: unknown;
  tokenizer: unknown;
  data: unknown;
}

export interface StepRow {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  logitScale: number;
}

export interface EpochRow {
  epoch: number;
  trainLoss: number;
  metrics: EpochMetrics | null;
  seconds: number;
  samplesPerSec: number;
}

export interface Checkpoint {
  step: number;
  createdAt: string;
  state: unknown;
  weights: Float32Array;
  optimizer: Float32Array;
}

/** All embeddings of one kind of a model as one matrix: row r belongs to ids[r]. */
export interface EmbeddingMatrix {
  kind: EmbeddingKind;
  dim: number;
  ids: Int32Array;
  data: Float32Array;
  /** id → row. */
  rowOf: Map<number, number>;
}

export class ModelNotFoundError extends UserError {
  override readonly name = 'ModelNotFoundError';
  constructor(readonly modelId: number | null) {
    super(
      modelId === null ? 'the lab has no trained model yet (run `nearlab train`)' : `the lab has no model ${modelId}`,
    );
  }
}

const now = () => new Date().toISOString();

export function floatsToBlob(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Copies a blob into a fresh (aligned) Float32Array. */
export function blobToFloats(b: Buffer | Uint8Array): Float32Array {
  if (b.byteLength % 4 !== 0) throw new Error(`a float32 blob of ${b.byteLength} bytes`);
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

interface ModelRowDb {
  id: number;
  status: ModelStatus;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  backend: string;
  epochs_done: number;
  steps_done: number;
  metrics: string | null;
  error: string | null;
  has_weights: number;
  pid: number | null;
}

const SUMMARY_COLUMNS = `id, status, created_at, updated_at, finished_at, backend, epochs_done, steps_done, metrics, error,
  weights IS NOT NULL AS has_weights, pid`;

function summary(r: ModelRowDb): ModelSummary {
  return {
    id: r.id,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    backend: r.backend,
    epochsDone: r.epochs_done,
    stepsDone: r.steps_done,
    metrics: r.metrics ? (JSON.parse(r.metrics) as EpochMetrics) : null,
    error: r.error,
    hasWeights: r.has_weights === 1,
    pid: r.pid,
  };
}

export interface NewModel {
  config: unknown;
  tokenizer: unknown;
  data: unknown;
  backend: string;
}

export function createModel(db: Db, m: NewModel): number {
  const t = now();
  const r = db
    .prepare(
      `INSERT INTO models (status, created_at, updated_at, config, tokenizer, data, backend, pid)
       VALUES ('running', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(t, t, JSON.stringify(m.config), JSON.stringify(m.tokenizer), JSON.stringify(m.data), m.backend, process.pid);
  return Number(r.lastInsertRowid);
}

/** Newest first. */
export function listModels(db: Db): ModelSummary[] {
  return (db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM models ORDER BY id DESC`).all() as ModelRowDb[]).map(summary);
}

export function getModel(db: Db, id: number): ModelRecord {
  const r = db.prepare(`SELECT ${SUMMARY_COLUMNS}, config, tokenizer, data FROM models WHERE id = ?`).get(id) as
    (ModelRowDb & { config: string; tokenizer: string; data: string }) | undefined;
  if (!r) throw new ModelNotFoundError(id);
  return { ...summary(r), config: JSON.parse(r.config), tokenizer: JSON.parse(r.tokenizer), data: JSON.parse(r.data) };
}

/** The newest finished model (status 'done'), or null. */
export function latestModelId(db: Db): number | null {
  const r = db
    .prepare(`SELECT id FROM models WHERE status = 'done' AND weights IS NOT NULL ORDER BY id DESC LIMIT 1`)
    .get() as { id: number } | undefined;
  return r?.id ?? null;
}

/** The model `id`, or the newest finished one; throws ModelNotFoundError when there is none. */
export function resolveModelId(db: Db, id?: number | null): number {
  if (id !== undefined && id !== null) {
    getModel(db, id);
    return id;
  }
  const latest = latestModelId(db);
  if (latest === null) throw new ModelNotFoundError(null);
  return latest;
}

export function modelWeights(db: Db, id: number): Float32Array {
  const r = db.prepare('SELECT weights FROM models WHERE id = ?').get(id) as { weights: Buffer | null } | undefined;
  if (!r) throw new ModelNotFoundError(id);
  if (!r.weights) throw new Error(`model ${id} has no final weights (it did not finish training)`);
  return blobToFloats(r.weights);
}

/** Runs that stopped before finishing and can continue from a checkpoint: cancelled, or killed while running. */
export function resumableModels(db: Db, isAlive: (pid: number) => boolean = pidAlive): ModelSummary[] {
  const rows = (
    db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM models m WHERE status IN ('running', 'cancelled')
         AND EXISTS (SELECT 1 FROM model_checkpoints c WHERE c.model_id = m.id) ORDER BY id DESC`,
      )
      .all() as ModelRowDb[]
  ).map(summary);
  return rows.filter((m) => m.status === 'cancelled' || m.pid === null || !isAlive(m.pid));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Marks a run as running in this process again (resume). */
export function claimModel(db: Db, id: number): void {
  db.prepare(`UPDATE models SET status = 'running', pid = ?, error = NULL, updated_at = ? WHERE id = ?`).run(
    process.pid,
    now(),
    id,
  );
}

export function recordSteps(db: Db, id: number, steps: readonly StepRow[]): void {
  if (steps.length === 0) return;
  const ins = db.prepare(
    'INSERT OR REPLACE INTO model_steps (model_id, step, epoch, loss, lr, logit_scale) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const s of steps) ins.run(id, s.step, s.epoch, s.loss, s.lr, s.logitScale);
    const last = steps[steps.length - 1];
    db.prepare('UPDATE models SET steps_done = ?, updated_at = ? WHERE id = ?').run(last.step + 1, now(), id);
  })();
}

export function recordEpoch(db: Db, id: number, e: EpochRow): void {
  db.transaction(() => {
    db.prepare(
      'INSERT OR REPLACE INTO model_epochs (model_id, epoch, train_loss, metrics, seconds, samples_per_sec) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, e.epoch, e.trainLoss, JSON.stringify(e.metrics), e.seconds, e.samplesPerSec);
    db.prepare('UPDATE models SET epochs_done = ?, metrics = ?, updated_at = ? WHERE id = ?').run(
      e.epoch + 1,
      e.metrics ? JSON.stringify(e.metrics) : null,
      now(),
      id,
    );
  })();
}

export function modelSteps(db: Db, id: number): StepRow[] {
  return (
    db
      .prepare('SELECT step, epoch, loss, lr, logit_scale FROM model_steps WHERE model_id = ? ORDER BY step')
      .all(id) as {
      step: number;
      epoch: number;
      loss: number;
      lr: number;
      logit_scale: number;
    }[]
  ).map((r) => ({ step: r.step, epoch: r.epoch, loss: r.loss, lr: r.lr, logitScale: r.logit_scale }));
}

export function modelEpochs(db: Db, id: number): EpochRow[] {
  return (
    db
      .prepare(
        'SELECT epoch, train_loss, metrics, seconds, samples_per_sec FROM model_epochs WHERE model_id = ? ORDER BY epoch',
      )
      .all(id) as {
      epoch: number;
      train_loss: number;
      metrics: string;
      seconds: number;
      samples_per_sec: number;
    }[]
  ).map((r) => ({
    epoch: r.epoch,
    trainLoss: r.train_loss,
    metrics: JSON.parse(r.metrics) as EpochMetrics | null,
    seconds: r.seconds,
    samplesPerSec: r.samples_per_sec,
  }));
}

/** Stores a checkpoint and drops the run's older ones, atomically. */
export function saveCheckpoint(db: Db, id: number, c: Omit<Checkpoint, 'createdAt'>): void {
  db.transaction(() => {
    db.prepare('DELETE FROM model_checkpoints WHERE model_id = ?').run(id);
    db.prepare(
      'INSERT INTO model_checkpoints (model_id, step, created_at, state, weights, optimizer) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, c.step, now(), JSON.stringify(c.state), floatsToBlob(c.weights), floatsToBlob(c.optimizer));
  })();
}

export function latestCheckpoint(db: Db, id: number): Checkpoint | null {
  const r = db
    .prepare(
      'SELECT step, created_at, state, weights, optimizer FROM model_checkpoints WHERE model_id = ? ORDER BY step DESC LIMIT 1',
    )
    .get(id) as { step: number; created_at: string; state: string; weights: Buffer; optimizer: Buffer } | undefined;
  if (!r) return null;
  return {
    step: r.step,
    createdAt: r.created_at,
    state: JSON.parse(r.state),
    weights: blobToFloats(r.weights),
    optimizer: blobToFloats(r.optimizer),
  };
}

/** Forgets history recorded after a checkpoint (steps ≥ `step`, epochs ≥ `epoch`) before a resumed run redoes it. */
export function truncateHistory(db: Db, id: number, step: number, epoch: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM model_steps WHERE model_id = ? AND step >= ?').run(id, step);
    db.prepare('DELETE FROM model_epochs WHERE model_id = ? AND epoch >= ?').run(id, epoch);
    const last = db
      .prepare('SELECT metrics FROM model_epochs WHERE model_id = ? ORDER BY epoch DESC LIMIT 1')
      .get(id) as { metrics: string } | undefined;
    const metrics = last && last.metrics !== 'null' ? last.metrics : null;
    db.prepare('UPDATE models SET steps_done = ?, epochs_done = ?, metrics = ?, updated_at = ? WHERE id = ?').run(
      step,
      epoch,
      metrics,
      now(),
      id,
    );
  })();
}

/** Replaces a model's latest validation metrics (e.g. adds classification accuracies once it is finished). */
export function setModelMetrics(db: Db, id: number, metrics: EpochMetrics): void {
  const r = db
    .prepare('UPDATE models SET metrics = ?, updated_at = ? WHERE id = ?')
    .run(JSON.stringify(metrics), now(), id);
  if (r.changes === 0) throw new ModelNotFoundError(id);
}

export interface FinishModel {
  status: Exclude<ModelStatus, 'running'>;
  weights?: Float32Array;
  error?: string;
}

export function finishModel(db: Db, id: number, f: FinishModel): void {
  const t = now();
  db.prepare(
    `UPDATE models SET status = ?, weights = COALESCE(?, weights), error = ?, pid = NULL, updated_at = ?,
     finished_at = CASE WHEN ? = 'done' THEN ? ELSE finished_at END WHERE id = ?`,
  ).run(f.status, f.weights ? floatsToBlob(f.weights) : null, f.error ?? null, t, f.status, t, id);
  if (f.status === 'done') db.prepare('DELETE FROM model_checkpoints WHERE model_id = ?').run(id);
}

export function deleteModel(db: Db, id: number): void {
  const r = db.prepare('DELETE FROM models WHERE id = ?').run(id);
  if (r.changes === 0) throw new ModelNotFoundError(id);
}

/** Replaces a model's embeddings of one kind for the given ids (row i of `vectors` belongs to ids[i]). */
export function saveEmbeddings(
  db: Db,
  id: number,
  kind: EmbeddingKind,
  ids: ArrayLike<number>,
  vectors: Float32Array,
  dim: number,
): void {
  if (vectors.length !== ids.length * dim)
    throw new Error(`${vectors.length} values for ${ids.length} ${dim}-d embeddings`);
  const ins = db.prepare('INSERT OR REPLACE INTO embeddings (model_id, kind, ref_id, vector) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ids.length; i++)
      ins.run(id, kind, ids[i], floatsToBlob(vectors.subarray(i * dim, (i + 1) * dim)));
  })();
}

export function clearEmbeddings(db: Db, id: number): void {
  db.prepare('DELETE FROM embeddings WHERE model_id = ?').run(id);
}

/**
 * Every stored embedding of one kind of a model, ordered by id, as one matrix. With `liveOnly`
 * (default) only live items (status 'ok') and their captions are returned.
 */
export function readEmbeddings(
  db: Db,
  id: number,
  kind: EmbeddingKind,
  options: { liveOnly?: boolean } = {},
): EmbeddingMatrix {
  const live = options.liveOnly ?? true;
  const liveItem = (col: string) => `EXISTS (SELECT 1 FROM items i WHERE i.id = ${col} AND i.status = 'ok')`;
  let sql = 'SELECT e.ref_id AS id, e.vector AS v FROM embeddings e';
  if (live && kind === 'image') sql += ` WHERE e.model_id = ? AND e.kind = 'image' AND ${liveItem('e.ref_id')}`;
  else if (live)
    sql += ` JOIN captions c ON c.id = e.ref_id WHERE e.model_id = ? AND e.kind = 'caption' AND ${liveItem('c.item_id')}`;
  else sql += ' WHERE e.model_id = ? AND e.kind = ?';
  sql += ' ORDER BY e.ref_id';
  const params = live ? [id] : [id, kind];
  const rows = db.prepare(sql).all(...params) as { id: number; v: Buffer }[];
  const dim = rows.length > 0 ? rows[0].v.byteLength / 4 : 0;
  const data = new Float32Array(rows.length * dim);
  const ids = new Int32Array(rows.length);
  const rowOf = new Map<number, number>();
  const bytes = new Uint8Array(data.buffer);
  rows.forEach((r, i) => {
    if (r.v.byteLength !== dim * 4)
      throw new Error(`embedding ${kind} ${r.id} of model ${id} has ${r.v.byteLength / 4} values, expected ${dim}`);
    bytes.set(r.v, i * dim * 4);
    ids[i] = r.id;
    rowOf.set(r.id, i);
  });
  return { kind, dim, ids, data, rowOf };
}

export function embeddingCounts(db: Db, id: number): Record<EmbeddingKind, number> {
  const rows = db.prepare('SELECT kind, count(*) AS n FROM embeddings WHERE model_id = ? GROUP BY kind').all(id) as {
    kind: EmbeddingKind;
    n: number;
  }[];
  const out: Record<EmbeddingKind, number> = { image: 0, caption: 0 };
  for (const r of rows) out[r.kind] = r.n;
  return out;
}
