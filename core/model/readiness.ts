import { lastEpochRates } from '../store/history.ts';
import type { Db } from '../store/lab.ts';
import { hasTrainText, tooFewPairs } from './batch.ts';
import { imageBackbone, isLit, type TrainConfig } from './config.ts';
import { countImagesWithoutFeatures } from '../store/features.ts';
import { loadLabItems } from './data.ts';
import { runSchedule } from './schedule.ts';
import { NotTrainedModelError, readModelConfig, StoredModelError } from './stored.ts';

/** Something about the lab's data that stops a run ('error') or makes it learn less than it could ('warning'). */
export interface ReadinessProblem {
  severity: 'error' | 'warning';
  message: string;
}

/** What a run of some settings would train on, checked before it starts (the checks the run itself makes). */
export interface TrainingReadiness {
  /** Live images of the train split. */
  trainImages: number;
  /** Those with at least one caption. */
  captioned: number;
  /** Those a run pairs with a text: captioned, or labelled with label prompts on. */
  pairs: number;
  /** The batch size a run would use: the one asked for, or every pair when there are fewer. */
  batch: number;
  problems: ReadinessProblem[];
}

const CAPTION_FIX =
  'import captions (a captions table or NAME.txt sidecars), or caption images from their file names ("Caption from file name", or nearlab import FOLDER --caption-from-filename)';

/**
 * Whether the lab's train split can train a CLIP-style model with `config`: fewer than 2 image–text pairs is the
 * error the run would stop with; no captions at all (label prompts only) and fewer pairs than one batch are
 * warnings; so are images a head on a frozen backbone lacks features of (the run computes them first). Reads no
 * pixels.
 */
export function trainingReadiness(
  db: Db,
  config: Pick<TrainConfig, 'labelPrompts' | 'batchSize'> & { model?: Pick<TrainConfig['model'], 'backbone'> },
): TrainingReadiness {
  const { items } = loadLabItems(db, ['train']);
  const captioned = items.filter((i) => i.captions.length > 0).length;
  const pairs = items.filter((i) => hasTrainText(i, config.labelPrompts)).length;
  const problems: ReadinessProblem[] = [];
  const short = tooFewPairs(pairs);
  if (short) problems.push({ severity: 'error', message: short.message });
  else {
    if (captioned === 0) {
      problems.push({
        severity: 'warning',
        message: `the train split has no captions: the model learns only the label prompts ("a photo of a …") of its ${pairs} labelled images, so text search knows little beyond label names; ${CAPTION_FIX}`,
      });
    }
    if (pairs < config.batchSize) {
      problems.push({
        severity: 'warning',
        message: `the train split has ${pairs} image–text pairs, fewer than one batch of ${config.batchSize}: every step trains on all ${pairs} (fewer negatives each, one step per epoch); ${CAPTION_FIX}, or lower the batch size`,
      });
    }
    if (config.model && isLit(config.model)) {
      const backbone = imageBackbone(config.model);
      const missing = countImagesWithoutFeatures(db, backbone);
      if (missing > 0) {
        problems.push({
          severity: 'warning',
          message: `${missing} image${missing === 1 ? ' has' : 's have'} no ${backbone} features yet: the run computes them first (the feature job, with its progress; a few minutes per thousand images on a MobileNetV2), or run nearlab features --backbone ${backbone} beforehand`,
        });
      }
    }
  }
  return {
    trainImages: items.length,
    captioned,
    pairs,
    batch: Math.min(config.batchSize, Math.max(pairs, 1)),
    problems,
  };
}

/** How long a run's training steps would take, from a speed measured in this lab. */
export interface DurationEstimate {
  seconds: number;
  samplesPerSec: number;
  /** The run whose last epoch measured that speed. */
  modelId: number;
}

/** The same network on the same number of worker threads: what makes two runs' speeds comparable. */
function sameShape(a: Pick<TrainConfig, 'model' | 'workers'>, b: Pick<TrainConfig, 'model' | 'workers'>): boolean {
  return a.workers === b.workers && JSON.stringify(a.model) === JSON.stringify(b.model);
}

/**
 * The training time of a run of `config` over `pairs` pairs (validation and embedding not included), at the speed
 * the newest run of the same network and worker count measured in its last epoch; null when no such run has
 * finished an epoch in this lab, or there is nothing to train on.
 */
export function estimateDuration(db: Db, config: TrainConfig, pairs: number): DurationEstimate | null {
  if (pairs < 2) return null;
  for (const rate of lastEpochRates(db)) {
    if (!(rate.samplesPerSec > 0)) continue;
    let measured: TrainConfig;
    try {
      measured = readModelConfig(db, rate.modelId);
    } catch (e) {
      // A run stored by another version, or a model not trained here: no speed to go by.
      if (e instanceof StoredModelError || e instanceof NotTrainedModelError) continue;
      throw e;
    }
    if (!sameShape(measured, config)) continue;
    const s = runSchedule(pairs, config);
    const samples = s.totalSteps * s.batch;
    return { seconds: samples / rate.samplesPerSec, samplesPerSec: rate.samplesPerSec, modelId: rate.modelId };
  }
  return null;
}
