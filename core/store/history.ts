import { isoNow } from './clock.ts';
import type { Db } from './lab.ts';
import type { EpochMetrics } from './models.ts';

/** A training run's history: one row per optimizer step and one per finished epoch (migration 002). */

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

/** Stores steps (replacing any recorded under the same numbers) and moves the model's step count past the last. */
export function recordSteps(db: Db, id: number, steps: readonly StepRow[]): void {
  if (steps.length === 0) return;
  const ins = db.prepare(
    'INSERT OR REPLACE INTO model_steps (model_id, step, epoch, loss, lr, logit_scale) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const s of steps) ins.run(id, s.step, s.epoch, s.loss, s.lr, s.logitScale);
    const last = steps[steps.length - 1];
    db.prepare('UPDATE models SET steps_done = ?, updated_at = ? WHERE id = ?').run(last.step + 1, isoNow(), id);
  })();
}

/** Stores a finished epoch and makes its metrics the model's latest. */
export function recordEpoch(db: Db, id: number, e: EpochRow): void {
  db.transaction(() => {
    db.prepare(
      'INSERT OR REPLACE INTO model_epochs (model_id, epoch, train_loss, metrics, seconds, samples_per_sec) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, e.epoch, e.trainLoss, JSON.stringify(e.metrics), e.seconds, e.samplesPerSec);
    db.prepare('UPDATE models SET epochs_done = ?, metrics = ?, updated_at = ? WHERE id = ?').run(
      e.epoch + 1,
      e.metrics ? JSON.stringify(e.metrics) : null,
      isoNow(),
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
      isoNow(),
      id,
    );
  })();
}

/** A run's training speed in its last recorded epoch. */
export interface MeasuredRate {
  modelId: number;
  samplesPerSec: number;
}

/** The training speed each run measured in its last recorded epoch, newest run first. */
export function lastEpochRates(db: Db): MeasuredRate[] {
  return db
    .prepare(
      `SELECT e.model_id AS modelId, e.samples_per_sec AS samplesPerSec
       FROM model_epochs e
       JOIN (SELECT model_id, MAX(epoch) AS epoch FROM model_epochs GROUP BY model_id) last
         ON last.model_id = e.model_id AND last.epoch = e.epoch
       ORDER BY e.model_id DESC`,
    )
    .all() as MeasuredRate[];
}
