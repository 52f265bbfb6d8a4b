import type { TrainConfig } from './config.ts';

/** Batch size and step counts of a run. */
export interface Schedule {
  batch: number;
  stepsPerEpoch: number;
  totalSteps: number;
  warmupSteps: number;
}

/** The batch size and step counts of a run of `config` over `pairs` training pairs (a batch holds at most all). */
export function runSchedule(
  pairs: number,
  config: Pick<TrainConfig, 'batchSize' | 'epochs' | 'warmupEpochs'>,
): Schedule {
  const batch = Math.min(config.batchSize, pairs);
  const stepsPerEpoch = Math.max(1, Math.floor(pairs / batch));
  return {
    batch,
    stepsPerEpoch,
    totalSteps: stepsPerEpoch * config.epochs,
    warmupSteps: Math.round(config.warmupEpochs * stepsPerEpoch),
  };
}
