import { z } from 'zod';
import { saveCheckpoint, type Checkpoint } from '../store/checkpoints.ts';
import { recordSteps, truncateHistory, type StepRow } from '../store/history.ts';
import type { Db } from '../store/lab.ts';
import { TrainingError } from './errors.ts';
import { AdamW } from './optim.ts';
import type { ParamLayout } from './params.ts';
import { parseStored } from './stored.ts';

/** Position of a run, stored with every checkpoint. */
const runStateSchema = z.object({
  epoch: z.number(),
  /** Next step within the epoch. */
  stepInEpoch: z.number(),
  step: z.number(),
  adamT: z.number(),
  epochLossSum: z.number(),
  epochSteps: z.number(),
  epochSeconds: z.number(),
  seconds: z.number(),
});
export type RunState = z.infer<typeof runStateSchema>;

/** What a checkpoint saves and restores: the run's position, its parameters (in shared memory) and optimizer. */
export interface RunPosition {
  state: RunState;
  params: Float32Array;
  optimizer: AdamW;
}

/** Steps recorded in the lab at most this many at a time between checkpoints. */
const STEP_FLUSH = 20;

function sharedParams(layout: ParamLayout): Float32Array {
  return new Float32Array(new SharedArrayBuffer(layout.total * 4));
}

/** Where a run starts from weights without a checkpoint: step 0, or where a finished run it continues stopped. */
export type StartAt = Pick<RunState, 'epoch' | 'step' | 'seconds'>;

/** A run at the start of epoch `at.epoch` (default 0) from the given weights, with new optimizer moments. */
export function startPosition(
  layout: ParamLayout,
  weights: Float32Array,
  weightDecay: number,
  at: StartAt = { epoch: 0, step: 0, seconds: 0 },
): RunPosition {
  const params = sharedParams(layout);
  params.set(weights);
  const state: RunState = {
    ...at,
    stepInEpoch: 0,
    adamT: 0,
    epochLossSum: 0,
    epochSteps: 0,
    epochSeconds: 0,
  };
  return { state, params, optimizer: new AdamW(layout, { weightDecay }) };
}

/** The position of model `modelId`'s checkpoint; the history recorded after it is forgotten, as the run redoes it. */
export function restorePosition(
  db: Db,
  modelId: number,
  checkpoint: Checkpoint,
  layout: ParamLayout,
  weightDecay: number,
): RunPosition {
  if (checkpoint.weights.length !== layout.total)
    throw new TrainingError(`checkpoint of model ${modelId} does not match its parameter layout`);
  const params = sharedParams(layout);
  params.set(checkpoint.weights);
  const state = parseStored(runStateSchema, checkpoint.state, modelId, 'checkpoint');
  const optimizer = new AdamW(
    layout,
    { weightDecay },
    { t: state.adamT, m: checkpoint.optimizer.slice(0, layout.total), v: checkpoint.optimizer.slice(layout.total) },
  );
  truncateHistory(db, modelId, state.step, state.epoch);
  return { state, params, optimizer };
}

/**
 * Writes a run's progress to the lab: its steps (in batches) and checkpoints, at least every `everySeconds` and
 * whenever asked. Keeps the run's clock: seconds trained over all of its sessions.
 */
export class RunRecorder {
  private readonly pending: StepRow[] = [];
  private readonly started = performance.now();
  private readonly secondsBefore: number;
  private lastCheckpoint = performance.now();

  constructor(
    private readonly db: Db,
    private readonly modelId: number,
    private readonly position: RunPosition,
    private readonly everySeconds: number,
  ) {
    this.secondsBefore = position.state.seconds;
  }

  /** Seconds trained so far, earlier sessions of a resumed run included. */
  seconds(): number {
    return this.secondsBefore + (performance.now() - this.started) / 1000;
  }

  step(row: StepRow): void {
    this.pending.push(row);
    if (this.pending.length >= STEP_FLUSH) this.flushSteps();
  }

  flushSteps(): void {
    recordSteps(this.db, this.modelId, this.pending.splice(0));
  }

  checkpointDue(): boolean {
    return (performance.now() - this.lastCheckpoint) / 1000 >= this.everySeconds;
  }

  /** Records the pending steps and the run's position, parameters and optimizer moments (m then v). */
  checkpoint(): void {
    this.flushSteps();
    const { state, params, optimizer } = this.position;
    state.adamT = optimizer.state.t;
    state.seconds = this.seconds();
    const total = params.length;
    const moments = new Float32Array(total * 2);
    moments.set(optimizer.state.m);
    moments.set(optimizer.state.v, total);
    saveCheckpoint(this.db, this.modelId, { step: state.step, state, weights: params.slice(), optimizer: moments });
    this.lastCheckpoint = performance.now();
  }
}
