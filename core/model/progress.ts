import { RateMeter } from '../data/progress.ts';
import type { EpochMetrics } from '../store/models.ts';
import type { RunSetup } from './run-setup.ts';

export interface TrainProgress {
  modelId: number;
  phase: 'training' | 'validating' | 'embedding' | 'done';
  /** 0-based epoch in progress. */
  epoch: number;
  epochs: number;
  /** Optimizer steps done so far (whole run). */
  step: number;
  totalSteps: number;
  /** Loss of the last step (null before the first). */
  loss: number | null;
  samplesPerSec: number;
  etaSeconds: number | null;
  /** Validation metrics of the epoch just finished (phase 'validating' → next event). */
  metrics?: EpochMetrics | null;
}

/** Turns a run's position into progress events: samples per second over a 10 s window, and the time left. */
export class ProgressReporter {
  private readonly meter = new RateMeter(10_000);
  /** Loss of the last step (null before the first). */
  lastLoss: number | null = null;

  constructor(
    private readonly run: Pick<RunSetup, 'modelId' | 'config' | 'state' | 'schedule'>,
    private readonly listener?: (p: TrainProgress) => void,
  ) {}

  /** Samples per second now. */
  rate(): number {
    return this.measure().rate;
  }

  report(phase: TrainProgress['phase'], extra: Partial<TrainProgress> = {}): void {
    const p = this.measure();
    const { modelId, config, state, schedule } = this.run;
    this.listener?.({
      modelId,
      phase,
      epoch: state.epoch,
      epochs: config.epochs,
      step: state.step,
      totalSteps: schedule.totalSteps,
      loss: this.lastLoss,
      samplesPerSec: p.rate,
      etaSeconds: p.etaSeconds,
      ...extra,
    });
  }

  private measure() {
    const { state, schedule } = this.run;
    return this.meter.measure('train', state.step * schedule.batch, schedule.totalSteps * schedule.batch);
  }
}
