import { isoNow } from './clock.ts';
import { blobToFloats, floatsToBlob } from './floats.ts';
import type { Db } from './lab.ts';

/** The latest checkpoint of a training run: its position, weights and optimizer moments (migration 002). */

export interface Checkpoint {
  step: number;
  createdAt: string;
  /** The run's position as the trainer wrote it (core/model parses it). */
  state: unknown;
  weights: Float32Array;
  optimizer: Float32Array;
}

/** Stores a checkpoint and drops the run's older ones, atomically. */
export function saveCheckpoint(db: Db, id: number, c: Omit<Checkpoint, 'createdAt'>): void {
  db.transaction(() => {
    dropCheckpoints(db, id);
    db.prepare(
      'INSERT INTO model_checkpoints (model_id, step, created_at, state, weights, optimizer) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, c.step, isoNow(), JSON.stringify(c.state), floatsToBlob(c.weights), floatsToBlob(c.optimizer));
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

/** Deletes every checkpoint of a run (a finished run needs none). */
export function dropCheckpoints(db: Db, id: number): void {
  db.prepare('DELETE FROM model_checkpoints WHERE model_id = ?').run(id);
}
