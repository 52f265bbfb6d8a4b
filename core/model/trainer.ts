import { modelEpochs, type EpochRow } from '../store/history.ts';
import type { Lab } from '../store/lab.ts';
import { finishModel, type EpochMetrics } from '../store/models.ts';
import { initBackend, type BackendName } from './backend.ts';
import { RunRecorder } from './checkpoint.ts';
import type { DeepPartial, TrainConfig } from './config.ts';
import type { Progress } from '../api/types.ts';
import { embedLab } from './embed.ts';
import { computeRunFeatures } from './lit-features.ts';
import { trainEpoch } from './epoch.ts';
import { ProgressReporter, type TrainProgress } from './progress.ts';
import { setupRun, startRunEngines } from './run-setup.ts';
import type { StepContext } from './step.ts';
import { withValClassification } from './validation.ts';

export interface TrainOptions {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /**
   * Continue this model from its last checkpoint instead of starting a new one; a finished model continues from its
   * final weights up to `partial.epochs` in total (the only setting a resumed run takes).
   */
  resume?: number;
  /** 'workers' (default): config.workers threads; 'local': everything in this thread (tests). */
  threads?: 'workers' | 'local';
  prefer?: BackendName;
  /** Called after every optimizer step (and its checkpoint, when one was due) with the number of steps done. */
  onStep?: (step: number) => void;
  /** Progress of computing a LiT run's missing backbone features, before it is set up. */
  onFeatureProgress?: (p: Progress) => void;
}

export interface TrainResult {
  modelId: number;
  status: 'done' | 'cancelled';
  backend: string;
  epochs: EpochRow[];
  /** Validation metrics after the last epoch (null without a val split). */
  metrics: EpochMetrics | null;
  seconds: number;
  samplesPerSec: number;
  embedded: { images: number; captions: number };
}

/**
 * Trains a dual encoder on the lab's train split (or resumes an interrupted run), records the run in
 * the lab, and finally embeds every live image and caption with the finished model.
 */
export async function train(
  lab: Lab,
  partial: DeepPartial<TrainConfig> = {},
  options: TrainOptions = {},
): Promise<TrainResult> {
  const db = lab.db;
  const backend = await initBackend({ prefer: options.prefer });
  // A head on a frozen backbone trains on its stored features: the missing ones are computed first.
  await computeRunFeatures(lab, partial, options.resume, {
    signal: options.signal,
    onProgress: options.onFeatureProgress,
  });
  const run = setupRun(db, partial, options.resume, backend.description);
  const { modelId, config } = run;
  const { engines, grads } = await startRunEngines(db, run, options.threads, options.prefer);
  const { layout, params, optimizer } = run;
  const step: StepContext = { engines, grads, layout, params, optimizer, loss: config.loss, dim: config.model.dim };
  const progress = new ProgressReporter(run, options.onProgress);
  const epochs = modelEpochs(db, modelId);
  const recorder = new RunRecorder(db, modelId, run, config.checkpointSeconds);
  const context = { db, run, step, recorder, progress, signal: options.signal, onStep: options.onStep };
  const result = { modelId, backend: backend.description, epochs };
  let metrics = epochs.length ? epochs[epochs.length - 1].metrics : null;
  try {
    await Promise.all(engines.map((e) => e.syncWeights()));
    while (run.state.epoch < config.epochs) {
      const row = await trainEpoch(context);
      if (!row) {
        recorder.checkpoint();
        finishModel(db, modelId, { status: 'cancelled' });
        const { seconds } = run.state;
        const embedded = { images: 0, captions: 0 };
        return { ...result, status: 'cancelled', metrics, seconds, samplesPerSec: progress.rate(), embedded };
      }
      epochs.push(row);
      metrics = row.metrics;
    }

    progress.report('embedding');
    const { images, captions } = await embedLab(lab, modelId, { engines, data: run.data, tokenizer: run.tokenizer });
    const seconds = recorder.seconds();
    finishModel(db, modelId, { status: 'done', weights: params.slice() });
    progress.report('validating');
    const final = await withValClassification(lab, run.data, modelId, metrics, options.prefer);
    progress.report('done');
    const trainSeconds = epochs.reduce((s, e) => s + e.seconds, 0);
    const samplesPerSec = epochs.reduce((s, e) => s + e.samplesPerSec * e.seconds, 0) / Math.max(trainSeconds, 1e-9);
    return { ...result, status: 'done', metrics: final, seconds, samplesPerSec, embedded: { images, captions } };
  } catch (e) {
    try {
      finishModel(db, modelId, { status: 'failed', error: (e as Error).message });
    } catch {
      // The lab may be closed or broken; the original error matters more.
    }
    throw e;
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
}
