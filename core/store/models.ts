import { dropCheckpoints } from './checkpoints.ts';
import { isoNow } from './clock.ts';
import { blobToFloats, floatsToBlob } from './floats.ts';
import type { Db } from './lab.ts';
import { processAlive } from './process-alive.ts';
import { UserError } from '../util/user-error.ts';

/**
 * The models table: one row per training run, with its final weights and latest metrics (schema in migration
 * 002). Its history is in history.ts, checkpoints in checkpoints.ts, embeddings in embeddings.ts.
 */

export type ModelStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** A run's status as shown: a 'running' run whose process is gone (killed, crashed, switched off) is 'interrupted'. */
export type RunStatus = ModelStatus | 'interrupted';

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

/** What a model is (config.kind, absent = 'trained'): trained here, backbone features, or a user's ONNX CLIP. */
export type StoredModelKind = 'trained' | 'backbone' | 'onnx-clip';

export interface ModelSummary {
  id: number;
  kind: StoredModelKind;
  /**
   * The frozen image backbone: a trained model's `model.backbone` ('scratch' when absent: the CNN trained from
   * nothing), a backbone-features model's own; null for an ONNX CLIP.
   */
  backbone: string | null;
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

/**
 * A model with its JSON documents parsed but not checked: config, tokenizer and data summary are the training
 * engine's to read (core/model/stored.ts parses them).
 */
export interface ModelRecord extends ModelSummary {
  config: unknown;
  tokenizer: unknown;
  data: unknown;
}

export class ModelNotFoundError extends UserError {
  override readonly name = 'ModelNotFoundError';
  constructor(readonly modelId: number | null) {
    super(
      modelId === null ? 'the lab has no trained model yet (run `nearlab train`)' : `the lab has no model ${modelId}`,
    );
  }
}

interface ModelRowDb {
  id: number;
  kind: StoredModelKind;
  backbone: string | null;
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

const KIND = `coalesce(json_extract(config, '$.kind'), 'trained')`;

/**
 * SQL for "the model has final weights". `weights IS NOT NULL` would read the whole blob (2.3 ms for a 4.6 MB model,
 * on every search that names its model); typeof() reads only the row's header.
 */
export function hasWeightsSql(column = 'weights'): string {
  return `typeof(${column}) <> 'null'`;
}

const HAS_WEIGHTS = hasWeightsSql();

const SUMMARY_COLUMNS = `id, ${KIND} AS kind,
  CASE ${KIND} WHEN 'trained' THEN coalesce(json_extract(config, '$.model.backbone'), 'scratch')
    WHEN 'backbone' THEN json_extract(config, '$.backbone') END AS backbone,
  status, created_at, updated_at, finished_at, backend, epochs_done, steps_done, metrics, error,
  ${HAS_WEIGHTS} AS has_weights, pid`;

function summary(r: ModelRowDb): ModelSummary {
  return {
    id: r.id,
    kind: r.kind,
    backbone: r.backbone,
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
  const t = isoNow();
  const r = db
    .prepare(
      `INSERT INTO models (status, created_at, updated_at, config, tokenizer, data, backend, pid)
       VALUES ('running', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(t, t, JSON.stringify(m.config), JSON.stringify(m.tokenizer), JSON.stringify(m.data), m.backend, process.pid);
  return Number(r.lastInsertRowid);
}

/**
 * A model that needs no training (backbone features, a user's ONNX CLIP): finished from the start, with an empty
 * weights blob (it has nothing trained here; `hasWeights` says it can embed) and no process.
 */
export function createReadyModel(db: Db, m: NewModel): number {
  const t = isoNow();
  const r = db
    .prepare(
      `INSERT INTO models (status, created_at, updated_at, finished_at, config, tokenizer, data, backend, weights)
       VALUES ('done', ?, ?, ?, ?, ?, ?, ?, X'')`,
    )
    .run(t, t, t, JSON.stringify(m.config), JSON.stringify(m.tokenizer), JSON.stringify(m.data), m.backend);
  return Number(r.lastInsertRowid);
}

/** The "backbone features" model of a backbone, or null when there is none yet. */
export function backboneModelId(db: Db, backbone: string): number | null {
  const r = db
    .prepare(
      `SELECT id FROM models WHERE ${KIND} = 'backbone' AND json_extract(config, '$.backbone') = ? ORDER BY id LIMIT 1`,
    )
    .get(backbone) as { id: number } | undefined;
  return r?.id ?? null;
}

/** Newest first. */
export function listModels(db: Db): ModelSummary[] {
  return (db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM models ORDER BY id DESC`).all() as ModelRowDb[]).map(summary);
}

/** The finished models (with final weights), oldest first: the models that embed the lab. */
export function finishedModelIds(db: Db): number[] {
  return db
    .prepare(`SELECT id FROM models WHERE status = 'done' AND ${HAS_WEIGHTS} ORDER BY id`)
    .pluck()
    .all() as number[];
}

export function getModel(db: Db, id: number): ModelRecord {
  const r = db.prepare(`SELECT ${SUMMARY_COLUMNS}, config, tokenizer, data FROM models WHERE id = ?`).get(id) as
    (ModelRowDb & { config: string; tokenizer: string; data: string }) | undefined;
  if (!r) throw new ModelNotFoundError(id);
  return { ...summary(r), config: JSON.parse(r.config), tokenizer: JSON.parse(r.tokenizer), data: JSON.parse(r.data) };
}

/**
 * The newest finished model (status 'done'), or null. One with a text tower comes first: backbone features answer
 * image queries only, so they are the default only while the lab has no other model.
 */
export function latestModelId(db: Db): number | null {
  const r = db
    .prepare(
      `SELECT id FROM models WHERE status = 'done' AND ${HAS_WEIGHTS}
       ORDER BY ${KIND} = 'backbone', id DESC LIMIT 1`,
    )
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

export function runStatus(m: Pick<ModelSummary, 'status' | 'pid'>, isAlive = processAlive): RunStatus {
  if (m.status !== 'running') return m.status;
  return m.pid !== null && isAlive(m.pid) ? 'running' : 'interrupted';
}

/**
 * Runs that stopped before finishing and can continue, newest first: cancelled, or interrupted (their process is
 * gone). They continue from their last checkpoint, or from the start (same settings) when they have none.
 */
export function resumableModels(db: Db, isAlive: (pid: number) => boolean = processAlive): ModelSummary[] {
  const rows = (
    db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM models WHERE status IN ('running', 'cancelled') ORDER BY id DESC`)
      .all() as ModelRowDb[]
  ).map(summary);
  return rows.filter((m) => runStatus(m, isAlive) !== 'running');
}

export class ModelInUseError extends UserError {
  override readonly name = 'ModelInUseError';
  constructor(
    readonly modelId: number,
    pid: number | null,
  ) {
    super(`model ${modelId} is training (pid ${pid}): stop it before removing it`);
  }
}

/**
 * Removes a run that is not training now (finished, cancelled, failed or interrupted) with its history,
 * checkpoints and embeddings; one that is training is refused with ModelInUseError.
 */
export function removeModel(db: Db, id: number, isAlive: (pid: number) => boolean = processAlive): void {
  db.transaction(() => {
    const m = getModel(db, id);
    if (runStatus(m, isAlive) === 'running') throw new ModelInUseError(id, m.pid);
    deleteModel(db, id);
  })();
}

/** Marks a run as running in this process again (resume), with its new configuration when one is given. */
export function claimModel(db: Db, id: number, config?: unknown): void {
  db.prepare(
    `UPDATE models SET status = 'running', pid = ?, error = NULL, updated_at = ?, config = COALESCE(?, config)
     WHERE id = ?`,
  ).run(process.pid, isoNow(), config === undefined ? null : JSON.stringify(config), id);
}

/** Replaces a model's latest validation metrics (e.g. adds classification accuracies once it is finished). */
export function setModelMetrics(db: Db, id: number, metrics: EpochMetrics): void {
  const r = db
    .prepare('UPDATE models SET metrics = ?, updated_at = ? WHERE id = ?')
    .run(JSON.stringify(metrics), isoNow(), id);
  if (r.changes === 0) throw new ModelNotFoundError(id);
}

export interface FinishModel {
  status: Exclude<ModelStatus, 'running'>;
  weights?: Float32Array;
  error?: string;
}

/** Ends a run: its status, final weights (kept when none are given) and error; a finished run drops its checkpoints. */
export function finishModel(db: Db, id: number, f: FinishModel): void {
  const t = isoNow();
  db.prepare(
    `UPDATE models SET status = ?, weights = COALESCE(?, weights), error = ?, pid = NULL, updated_at = ?,
     finished_at = CASE WHEN ? = 'done' THEN ? ELSE finished_at END WHERE id = ?`,
  ).run(f.status, f.weights ? floatsToBlob(f.weights) : null, f.error ?? null, t, f.status, t, id);
  if (f.status === 'done') dropCheckpoints(db, id);
}

/** Deletes a model with its history, checkpoints and embeddings (foreign keys cascade). */
export function deleteModel(db: Db, id: number): void {
  const r = db.prepare('DELETE FROM models WHERE id = ?').run(id);
  if (r.changes === 0) throw new ModelNotFoundError(id);
}
