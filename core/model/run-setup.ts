import { latestCheckpoint, type Checkpoint } from '../store/checkpoints.ts';
import type { Db } from '../store/lab.ts';
import { modelEpochs, truncateHistory } from '../store/history.ts';
import { claimModel, createModel, finishModel, modelWeights } from '../store/models.ts';
import type { BackendName } from './backend.ts';
import { TrainingPairs, trainTexts } from './batch.ts';
import { restorePosition, startPosition, type RunPosition, type StartAt } from './checkpoint.ts';
import { ConfigError, labelPrompt, resolveConfig, type DeepPartial, type TrainConfig } from './config.ts';
import { modelLayout } from './layout.ts';
import { loadLabData, type LabData } from './data.ts';
import { startEngines, type Engine } from './engine.ts';
import type { ParamLayout } from './params.ts';
import { runSchedule, type Schedule } from './schedule.ts';
import { labBackboneLookup } from './backbones/lab-backbones.ts';
import { initialWeights, withFeatures } from './lit-features.ts';
import { readStoredModel, type StoredModel } from './stored.ts';
import { Tokenizer } from './tokenizer.ts';

/** A run ready to train: its model row, settings, data and position (new, warm-started or resumed). */
export interface RunSetup extends RunPosition {
  modelId: number;
  config: TrainConfig;
  tokenizer: Tokenizer;
  data: LabData;
  pairs: TrainingPairs;
  layout: ParamLayout;
  schedule: Schedule;
}

/** Where a run starts: a new configuration (perhaps warm-started from another model's weights), or a checkpoint. */
interface RunSource {
  config: TrainConfig;
  tokenizer: Tokenizer;
  /** The model resumed; null when a new one is to be created. */
  modelId: number | null;
  checkpoint: Checkpoint | null;
  /** Initial weights of a warm start, or a finished run's final weights. */
  initial: Float32Array | null;
  /** Where a finished run continued for more epochs stopped (without a checkpoint, a run starts at 0). */
  at?: StartAt;
  /** The stored configuration changed (more epochs): the model row is to be updated when it is claimed. */
  reconfigured: boolean;
}

/**
 * A finished run continued for more epochs: from its final weights (a finished run keeps no checkpoint) with new
 * optimizer moments, at the step and epoch it stopped, its history kept and appended to.
 */
function continueSource(db: Db, rec: StoredModel, config: TrainConfig): RunSource {
  const seconds = modelEpochs(db, rec.id).reduce((s, e) => s + e.seconds, 0);
  return {
    config,
    tokenizer: Tokenizer.fromSpec(rec.tokenizer),
    modelId: rec.id,
    checkpoint: null,
    initial: modelWeights(db, rec.id),
    at: { epoch: rec.epochsDone, step: rec.stepsDone, seconds },
    reconfigured: true,
  };
}

/**
 * A stopped run: from its last checkpoint, or from the start with the same settings and tokenizer when it stopped
 * before its first one (the steps it recorded before are forgotten, as it redoes them). With `epochs`, it trains up
 * to that many epochs in total; a finished run needs `epochs` and continues from its final weights.
 */
function resumeSource(db: Db, id: number, epochs: number | undefined): RunSource {
  const rec = readStoredModel(db, id);
  const trained = `${rec.epochsDone} epoch${rec.epochsDone === 1 ? '' : 's'}`;
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > rec.epochsDone)) {
    throw new ConfigError(
      `model ${rec.id} has trained ${trained}; to continue it, ask for more than ${rec.epochsDone} in total`,
    );
  }
  const config = epochs === undefined ? rec.config : { ...rec.config, epochs };
  if (rec.status === 'done') {
    if (epochs === undefined) {
      throw new ConfigError(
        `model ${rec.id} already finished training its ${trained}; to continue it, ask for more epochs in total (e.g. --epochs ${rec.epochsDone + 10})`,
      );
    }
    return continueSource(db, rec, config);
  }
  const checkpoint = latestCheckpoint(db, rec.id);
  if (!checkpoint) truncateHistory(db, rec.id, 0, 0);
  return {
    config,
    tokenizer: Tokenizer.fromSpec(rec.tokenizer),
    modelId: rec.id,
    checkpoint,
    initial: checkpoint || rec.config.initFrom === null ? null : modelWeights(db, rec.config.initFrom),
    reconfigured: epochs !== undefined,
  };
}

/** A tokenizer over the train split's captions (and label prompts). */
function buildTokenizer(data: LabData, config: TrainConfig): Tokenizer {
  const texts: string[] = [];
  for (const item of data.items) {
    if (item.split !== 'train') continue;
    texts.push(...trainTexts(item));
    if (config.labelPrompts && item.label !== null) texts.push(labelPrompt(item.label));
  }
  const t = config.model.text;
  return Tokenizer.build(texts, {
    maxWords: t.maxWords,
    buckets: t.buckets,
    ngramMin: t.ngramMin,
    ngramMax: t.ngramMax,
  });
}

/** A new run from the user's settings; a warm start takes its source model's tokenizer and weights. */
function newSource(db: Db, partial: DeepPartial<TrainConfig>, data: LabData): RunSource {
  const config = resolveConfig(partial, labBackboneLookup(db));
  if (config.initFrom === null) {
    const tokenizer = buildTokenizer(data, config);
    return { config, tokenizer, modelId: null, checkpoint: null, initial: null, reconfigured: false };
  }
  const src = readStoredModel(db, config.initFrom);
  if (JSON.stringify(src.config.model) !== JSON.stringify(config.model)) {
    throw new ConfigError(`model ${src.id} has a different architecture; a warm start needs the same sizes`);
  }
  return {
    config,
    tokenizer: Tokenizer.fromSpec(src.tokenizer),
    modelId: null,
    checkpoint: null,
    initial: modelWeights(db, src.id),
    reconfigured: false,
  };
}

/**
 * Loads the lab's data and sets up a run: model `resume` from its checkpoint (or a finished one for more epochs),
 * claimed by this process, or a new model from the default settings under `partial`; either once its training
 * pairs check out. A resumed run takes only `partial.epochs`: the epochs to train in total.
 */
export function setupRun(
  db: Db,
  partial: DeepPartial<TrainConfig>,
  resume: number | undefined,
  backend: string,
): RunSetup {
  const loaded = loadLabData(db);
  const source = resume !== undefined ? resumeSource(db, resume, partial.epochs) : newSource(db, partial, loaded);
  const { config, tokenizer } = source;
  const data = withFeatures(db, loaded, config);
  const pairs = new TrainingPairs(data, config, tokenizer);
  if (source.modelId !== null) claimModel(db, source.modelId, source.reconfigured ? config : undefined);
  const layout = modelLayout(config.model, tokenizer.vocabSize);
  const modelId =
    source.modelId ??
    createModel(db, {
      config,
      tokenizer: tokenizer.spec,
      backend,
      data: {
        trainPairs: pairs.items.length,
        valItems: data.items.filter((i) => i.split === 'val').length,
        items: data.items.length,
        labels: [...new Set(data.items.map((i) => i.label).filter((l): l is string => l !== null))].sort(),
      },
    });
  const schedule = runSchedule(pairs.items.length, config);
  const position = source.checkpoint
    ? restorePosition(db, modelId, source.checkpoint, layout, config.weightDecay)
    : startPosition(layout, source.initial ?? initialWeights(layout, config, data), config.weightDecay, source.at);
  return { ...position, modelId, config, tokenizer, data, pairs, layout, schedule };
}

/** The run's engines: `workers` threads, or 0 (this thread) for 'local'. A failure to start them fails the run. */
export async function startRunEngines(
  db: Db,
  run: RunSetup,
  threads: 'workers' | 'local' | undefined,
  prefer: BackendName | undefined,
): Promise<{ engines: Engine[]; grads: Float32Array[] }> {
  const { config, tokenizer } = run;
  try {
    return await startEngines(
      threads === 'local' ? 0 : config.workers,
      {
        model: config.model,
        vocabSize: tokenizer.vocabSize,
        store: run.data.store,
        features: run.data.features ?? null,
        augment: config.augment,
        prefer,
        weights: run.params,
      },
      run.layout.total,
    );
  } catch (e) {
    finishModel(db, run.modelId, {
      status: 'failed',
      error: `could not start the training workers: ${(e as Error).message}`,
    });
    throw e;
  }
}
