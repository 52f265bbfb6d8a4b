import { recordEpoch, type EpochRow } from '../store/history.ts';
import type { Db } from '../store/lab.ts';
import type { RunRecorder } from './checkpoint.ts';
import { TrainingError } from './errors.ts';
import { learningRate } from './optim.ts';
import type { ProgressReporter } from './progress.ts';
import type { RunSetup } from './run-setup.ts';
import { trainStep, type StepContext } from './step.ts';
import { validationRecall } from './validation.ts';

export interface EpochContext {
  db: Db;
  run: RunSetup;
  step: StepContext;
  recorder: RunRecorder;
  progress: ProgressReporter;
  signal?: AbortSignal;
  /** Called after each step with the number of steps done. */
  onStep?: (step: number) => void;
}

/**
 * Trains the rest of the run's current epoch, validates and records it, and checkpoints at its end; returns the
 * epoch's row, or null when the signal stopped it before a step (the caller checkpoints and cancels).
 */
export async function trainEpoch(e: EpochContext): Promise<EpochRow | null> {
  const { run, recorder, progress } = e;
  const { state, config, schedule, params } = run;
  const logScale = run.layout.get('loss.logScale').offset;
  const order = run.pairs.epochOrder(state.epoch);
  let epochStart = performance.now();
  while (state.stepInEpoch < schedule.stepsPerEpoch) {
    if (e.signal?.aborted) return null;
    const batch = run.pairs.batch(order, state.epoch, state.stepInEpoch, schedule.batch);
    const lr = learningRate(state.step, schedule.totalSteps, config.lr, schedule.warmupSteps);
    const loss = await trainStep(e.step, { ...batch, lr });
    if (!Number.isFinite(loss)) {
      throw new TrainingError(`the loss became ${loss} at step ${state.step}; lower the learning rate (--lr)`);
    }
    progress.lastLoss = loss;
    recorder.step({ step: state.step, epoch: state.epoch, loss, lr, logitScale: params[logScale] });
    state.step++;
    state.stepInEpoch++;
    state.epochLossSum += loss;
    state.epochSteps++;
    if (recorder.checkpointDue()) {
      state.epochSeconds += (performance.now() - epochStart) / 1000;
      epochStart = performance.now();
      recorder.checkpoint();
    }
    progress.report('training');
    e.onStep?.(state.step);
  }
  // Epoch time (and samples/s) counts training only, not validation.
  state.epochSeconds += (performance.now() - epochStart) / 1000;
  progress.report('validating');
  const metrics = await validationRecall(e.step.engines, run.data, run.tokenizer, config.model.dim);
  const row: EpochRow = {
    epoch: state.epoch,
    trainLoss: state.epochLossSum / Math.max(state.epochSteps, 1),
    metrics,
    seconds: state.epochSeconds,
    samplesPerSec: (state.epochSteps * schedule.batch) / Math.max(state.epochSeconds, 1e-9),
  };
  recorder.flushSteps();
  recordEpoch(e.db, run.modelId, row);
  Object.assign(state, { epoch: state.epoch + 1, stepInEpoch: 0, epochLossSum: 0, epochSteps: 0, epochSeconds: 0 });
  recorder.checkpoint();
  // The epoch's own training throughput (the meter's window would include validation).
  progress.report('training', { metrics, samplesPerSec: row.samplesPerSec });
  return row;
}
