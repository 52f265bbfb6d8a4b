import { RateMeter } from '../data/progress.ts';
import type { Lab } from '../store/lab.ts';
import { latestCheckpoint, saveCheckpoint } from '../store/checkpoints.ts';
import {
  modelEpochs,
  recordEpoch,
  recordSteps,
  truncateHistory,
  type EpochRow,
  type StepRow,
} from '../store/history.ts';
import {
  claimModel,
  createModel,
  finishModel,
  modelWeights,
  setModelMetrics,
  type EpochMetrics,
} from '../store/models.ts';
import { initBackend, type BackendName } from './backend.ts';
import {
  ConfigError,
  defaultTrainConfig,
  labelPrompt,
  modelLayout,
  validateConfig,
  type TrainConfig,
} from './config.ts';
import { loadLabData, type LabData, type LabItem } from './data.ts';
import { embedAll, embedLab } from './embed.ts';
import { evaluateModel } from './evaluate.ts';
import { startEngines, type Engine } from './engine.ts';
import { crossModalRecall } from './metrics.ts';
import { AdamW, learningRate } from './optim.ts';
import { trainStep, type StepContext } from './step.ts';
import { createRng, deriveSeed, shuffleInPlace } from '../util/random.ts';
import { readStoredModel } from './stored.ts';
import { encodeAll, Tokenizer } from './tokenizer.ts';
import { UserError } from '../util/user-error.ts';

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

export interface TrainOptions {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /** Continue this model from its last checkpoint instead of starting a new one. */
  resume?: number;
  /** 'workers' (default): config.workers threads; 'local': everything in this thread (tests). */
  threads?: 'workers' | 'local';
  prefer?: BackendName;
  /** Test hook, called after every step has been recorded (throw to simulate a crash). */
  afterStep?: (step: number) => void;
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

/** Training data that cannot work (too few pairs); the message says what to import. */
export class TrainingDataError extends UserError {
  override readonly name = 'TrainingDataError';
}

/** Training diverged or failed in a way the user can address. */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}

/** Position of a run, stored with every checkpoint. */
interface RunState {
  epoch: number;
  /** Next step within the epoch. */
  stepInEpoch: number;
  step: number;
  adamT: number;
  epochLossSum: number;
  epochSteps: number;
  epochSeconds: number;
  seconds: number;
}

/** How often a labelled item's text is its label prompt instead of one of its captions. */
const PROMPT_RATE = 0.2;
const STEP_FLUSH = 20;

interface TrainItem {
  item: LabItem;
  texts: string[];
  /** Encoded texts, parallel to `texts`. */
  encoded: Int32Array[];
}

function trainTexts(item: LabItem): string[] {
  return item.captions.map((c) => c.text);
}

/** Merges user settings over the defaults (nested model/text/augment objects too; undefined keeps the default). */
export function resolveConfig(partial: DeepPartial<TrainConfig> = {}): TrainConfig {
  const d = defaultTrainConfig();
  const p = defined(partial) as Partial<TrainConfig>;
  const model = defined(partial.model ?? {}) as Partial<TrainConfig['model']>;
  const c: TrainConfig = {
    ...d,
    ...p,
    model: { ...d.model, ...model, text: { ...d.model.text, ...defined(partial.model?.text ?? {}) } },
    loss: { ...d.loss, ...defined(partial.loss ?? {}) } as TrainConfig['loss'],
    augment: { ...d.augment, ...defined(partial.augment ?? {}) } as TrainConfig['augment'],
  };
  validateConfig(c);
  return c;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object | null ? DeepPartial<T[K]> : T[K];
};

/**
 * Positive pairs of a batch: image i with its own text, with any identical text, with the label
 * prompt of its own label, and (supervised) with every text of an item sharing its label.
 */
export function batchPositives(
  texts: readonly string[],
  labels: readonly (string | null)[],
  promptOf: readonly (string | null)[],
  supervised: boolean,
): Float32Array {
  const n = texts.length;
  const p = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const same =
        i === j ||
        texts[i] === texts[j] ||
        (labels[i] !== null && promptOf[j] === labels[i]) ||
        (supervised && labels[i] !== null && labels[i] === labels[j]);
      p[i * n + j] = same ? 1 : 0;
    }
  }
  return p;
}

/** Validation retrieval metrics on the val split's items and captions. */
async function validate(
  engines: Engine[],
  data: LabData,
  tokenizer: Tokenizer,
  dim: number,
): Promise<EpochMetrics | null> {
  const val = data.items.filter((i) => i.split === 'val' && i.captions.length > 0);
  if (val.length < 2) return null;
  const captions: string[] = [];
  const owner: number[] = [];
  val.forEach((item, k) => item.captions.forEach((c) => (captions.push(c.text), owner.push(k))));
  const emb = await embedAll(engines, Int32Array.from(val.map((i) => i.row)), encodeAll(tokenizer, captions));
  return crossModalRecall(emb.images, val.length, emb.captions, Int32Array.from(owner), dim);
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
  let config: TrainConfig;
  let tokenizer: Tokenizer;
  let modelId: number;
  const data = loadLabData(db);
  let initial: Float32Array | null = null;
  let resumeFrom: ReturnType<typeof latestCheckpoint> = null;

  if (options.resume !== undefined) {
    const rec = readStoredModel(db, options.resume);
    if (rec.status === 'done') throw new ConfigError(`model ${rec.id} already finished training`);
    config = rec.config;
    tokenizer = Tokenizer.fromSpec(rec.tokenizer);
    resumeFrom = latestCheckpoint(db, rec.id);
    if (!resumeFrom) throw new ConfigError(`model ${rec.id} has no checkpoint to resume from`);
    modelId = rec.id;
    claimModel(db, modelId);
  } else {
    config = resolveConfig(partial);
    if (config.initFrom !== null) {
      const src = readStoredModel(db, config.initFrom);
      const srcConfig = src.config;
      if (JSON.stringify(srcConfig.model) !== JSON.stringify(config.model)) {
        throw new ConfigError(`model ${src.id} has a different architecture; a warm start needs the same sizes`);
      }
      tokenizer = Tokenizer.fromSpec(src.tokenizer);
      initial = modelWeights(db, src.id);
    } else {
      const texts: string[] = [];
      for (const item of data.items) {
        if (item.split !== 'train') continue;
        texts.push(...trainTexts(item));
        if (config.labelPrompts && item.label !== null) texts.push(labelPrompt(item.label));
      }
      tokenizer = Tokenizer.build(texts, {
        maxWords: config.model.text.maxWords,
        buckets: config.model.text.buckets,
        ngramMin: config.model.text.ngramMin,
        ngramMax: config.model.text.ngramMax,
      });
    }
    modelId = -1;
  }

  // Training pairs: train items with a caption (or a label prompt).
  const trainItems: TrainItem[] = [];
  for (const item of data.items) {
    if (item.split !== 'train') continue;
    const texts = trainTexts(item);
    if (texts.length === 0 && !(config.labelPrompts && item.label !== null)) continue;
    trainItems.push({ item, texts, encoded: texts.map((t) => tokenizer.encode(t)) });
  }
  if (trainItems.length < 2) {
    throw new TrainingDataError(
      `the train split has ${trainItems.length} image${trainItems.length === 1 ? '' : 's'} with a caption; training needs at least 2 (import captions, or labels with label prompts on)`,
    );
  }
  const promptCache = new Map<string, Int32Array>();
  const promptIds = (label: string) => {
    let ids = promptCache.get(label);
    if (!ids) promptCache.set(label, (ids = tokenizer.encode(labelPrompt(label))));
    return ids;
  };

  const layout = modelLayout(config.model, tokenizer.vocabSize);
  const labels = [...new Set(data.items.map((i) => i.label).filter((l): l is string => l !== null))].sort();
  if (modelId < 0) {
    modelId = createModel(db, {
      config,
      tokenizer: tokenizer.spec,
      backend: backend.description,
      data: {
        trainPairs: trainItems.length,
        valItems: data.items.filter((i) => i.split === 'val').length,
        items: data.items.length,
        labels,
      },
    });
  }

  const batch = Math.min(config.batchSize, trainItems.length);
  const stepsPerEpoch = Math.max(1, Math.floor(trainItems.length / batch));
  const totalSteps = stepsPerEpoch * config.epochs;
  const warmupSteps = Math.round(config.warmupEpochs * stepsPerEpoch);

  const params = new Float32Array(new SharedArrayBuffer(layout.total * 4));
  let adamState;
  let state: RunState = {
    epoch: 0,
    stepInEpoch: 0,
    step: 0,
    adamT: 0,
    epochLossSum: 0,
    epochSteps: 0,
    epochSeconds: 0,
    seconds: 0,
  };
  if (resumeFrom) {
    if (resumeFrom.weights.length !== layout.total)
      throw new TrainingError(`checkpoint of model ${modelId} does not match its parameter layout`);
    params.set(resumeFrom.weights);
    state = resumeFrom.state as RunState;
    adamState = {
      t: state.adamT,
      m: resumeFrom.optimizer.slice(0, layout.total),
      v: resumeFrom.optimizer.slice(layout.total),
    };
    truncateHistory(db, modelId, state.step, state.epoch);
  } else {
    params.set(initial ?? layout.init(config.seed));
  }
  const optimizer = new AdamW(layout, { weightDecay: config.weightDecay }, adamState);
  const logScale = layout.get('loss.logScale').offset;

  const threads = options.threads === 'local' ? 0 : config.workers;
  let startedEngines: Awaited<ReturnType<typeof startEngines>>;
  try {
    startedEngines = await startEngines(
      threads,
      {
        model: config.model,
        vocabSize: tokenizer.vocabSize,
        store: data.store,
        augment: config.augment,
        prefer: options.prefer,
        weights: params,
      },
      layout.total,
    );
  } catch (e) {
    finishModel(db, modelId, {
      status: 'failed',
      error: `could not start the training workers: ${(e as Error).message}`,
    });
    throw e;
  }
  const { engines, grads } = startedEngines;
  const ctx: StepContext = { engines, grads, layout, params, optimizer, loss: config.loss, dim: config.model.dim };

  const meter = new RateMeter(10_000);
  const pendingSteps: StepRow[] = [];
  const epochsDone: EpochRow[] = modelEpochs(db, modelId);
  let lastMetrics: EpochMetrics | null = epochsDone.length ? epochsDone[epochsDone.length - 1].metrics : null;
  let lastLoss: number | null = null;
  let lastCheckpoint = performance.now();
  const started = performance.now();
  const secondsBefore = state.seconds;
  const report = (phase: TrainProgress['phase'], extra: Partial<TrainProgress> = {}) => {
    const p = meter.measure('train', state.step * batch, totalSteps * batch);
    options.onProgress?.({
      modelId,
      phase,
      epoch: state.epoch,
      epochs: config.epochs,
      step: state.step,
      totalSteps,
      loss: lastLoss,
      samplesPerSec: p.rate,
      etaSeconds: p.etaSeconds,
      ...extra,
    });
  };
  const checkpoint = () => {
    recordSteps(db, modelId, pendingSteps.splice(0));
    state.adamT = optimizer.state.t;
    state.seconds = secondsBefore + (performance.now() - started) / 1000;
    const opt = new Float32Array(layout.total * 2);
    opt.set(optimizer.state.m);
    opt.set(optimizer.state.v, layout.total);
    saveCheckpoint(db, modelId, { step: state.step, state, weights: params.slice(), optimizer: opt });
    lastCheckpoint = performance.now();
  };

  try {
    await Promise.all(engines.map((e) => e.syncWeights()));
    let epochStart = performance.now();
    while (state.epoch < config.epochs) {
      const order = trainItems.map((_, i) => i);
      shuffleInPlace(order, createRng(deriveSeed(config.seed, state.epoch, 0x5eed)));
      while (state.stepInEpoch < stepsPerEpoch) {
        if (options.signal?.aborted) {
          checkpoint();
          finishModel(db, modelId, { status: 'cancelled' });
          return {
            modelId,
            status: 'cancelled',
            backend: backend.description,
            epochs: epochsDone,
            metrics: lastMetrics,
            seconds: state.seconds,
            samplesPerSec: meter.measure('train', state.step * batch, totalSteps * batch).rate,
            embedded: { images: 0, captions: 0 },
          };
        }
        const picked = order
          .slice(state.stepInEpoch * batch, (state.stepInEpoch + 1) * batch)
          .map((i) => trainItems[i]);
        const texts: string[] = [];
        const encoded: Int32Array[] = [];
        const promptOf: (string | null)[] = [];
        for (const t of picked) {
          const rand = createRng(deriveSeed(config.seed, state.epoch, t.item.id, 1)).next;
          const usePrompt =
            config.labelPrompts && t.item.label !== null && (t.texts.length === 0 || rand() < PROMPT_RATE);
          promptOf.push(usePrompt ? t.item.label : null);
          if (usePrompt) {
            texts.push(labelPrompt(t.item.label!));
            encoded.push(promptIds(t.item.label!));
          } else {
            const k = Math.floor(rand() * t.texts.length);
            texts.push(t.texts[k]);
            encoded.push(t.encoded[k]);
          }
        }
        const rows = Int32Array.from(picked.map((t) => t.item.row));
        const seeds = Uint32Array.from(picked.map((t) => deriveSeed(config.seed, state.epoch, t.item.id, 2)));
        const positives = batchPositives(
          texts,
          picked.map((t) => t.item.label),
          promptOf,
          config.supervised,
        );
        const lr = learningRate(state.step, totalSteps, config.lr, warmupSteps);
        const loss = await trainStep(ctx, { rows, seeds, texts: encoded, positives, lr });
        if (!Number.isFinite(loss)) {
          throw new TrainingError(`the loss became ${loss} at step ${state.step}; lower the learning rate (--lr)`);
        }
        lastLoss = loss;
        pendingSteps.push({ step: state.step, epoch: state.epoch, loss, lr, logitScale: params[logScale] });
        state.step++;
        state.stepInEpoch++;
        state.epochLossSum += loss;
        state.epochSteps++;
        if (pendingSteps.length >= STEP_FLUSH) recordSteps(db, modelId, pendingSteps.splice(0));
        if ((performance.now() - lastCheckpoint) / 1000 >= config.checkpointSeconds) {
          state.epochSeconds += (performance.now() - epochStart) / 1000;
          epochStart = performance.now();
          checkpoint();
        }
        report('training');
        options.afterStep?.(state.step);
      }
      // Epoch time (and samples/s) counts training only, not validation.
      state.epochSeconds += (performance.now() - epochStart) / 1000;
      report('validating');
      const metrics = await validate(engines, data, tokenizer, config.model.dim);
      const row: EpochRow = {
        epoch: state.epoch,
        trainLoss: state.epochLossSum / Math.max(state.epochSteps, 1),
        metrics,
        seconds: state.epochSeconds,
        samplesPerSec: (state.epochSteps * batch) / Math.max(state.epochSeconds, 1e-9),
      };
      recordSteps(db, modelId, pendingSteps.splice(0));
      recordEpoch(db, modelId, row);
      epochsDone.push(row);
      lastMetrics = metrics;
      state = { ...state, epoch: state.epoch + 1, stepInEpoch: 0, epochLossSum: 0, epochSteps: 0, epochSeconds: 0 };
      checkpoint();
      epochStart = performance.now();
      // The epoch's own training throughput (the meter's window would include validation).
      report('training', { metrics, samplesPerSec: row.samplesPerSec });
    }

    report('embedding');
    const { images, captions } = await embedLab(lab, modelId, { engines, data, tokenizer });
    const embedded = { images, captions };
    const seconds = secondsBefore + (performance.now() - started) / 1000;
    finishModel(db, modelId, { status: 'done', weights: params.slice() });
    report('validating');
    const finalMetrics = await withValClassification(lab, data, modelId, lastMetrics, options.prefer);
    report('done');
    const trainSeconds = epochsDone.reduce((s, e) => s + e.seconds, 0);
    return {
      modelId,
      status: 'done',
      backend: backend.description,
      epochs: epochsDone,
      metrics: finalMetrics,
      seconds,
      samplesPerSec: epochsDone.reduce((s, e) => s + e.samplesPerSec * e.seconds, 0) / Math.max(trainSeconds, 1e-9),
      embedded,
    };
  } catch (e) {
    if (!(e instanceof SimulatedCrash)) {
      try {
        finishModel(db, modelId, { status: 'failed', error: (e as Error).message });
      } catch {
        // The lab may be closed or broken; the original error matters more.
      }
    }
    throw e;
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
}

/**
 * Adds val-split classification accuracies (k-NN and label-prompt zero-shot, see evaluate.ts) to a finished model's
 * last metrics and stores them, so model lists can show them without evaluating again. Needs labelled val items;
 * a failure here leaves the finished model and its retrieval metrics as they are.
 */
async function withValClassification(
  lab: Lab,
  data: LabData,
  modelId: number,
  metrics: EpochMetrics | null,
  prefer: BackendName | undefined,
): Promise<EpochMetrics | null> {
  if (!metrics || !data.items.some((i) => i.split === 'val' && i.label !== null)) return metrics;
  try {
    const r = await evaluateModel(lab, modelId, { split: 'val', prefer, data });
    if (r.knnAccuracy === undefined && r.zeroShotAccuracy === undefined) return metrics;
    const merged: EpochMetrics = { ...metrics, knnAccuracy: r.knnAccuracy, zeroShotAccuracy: r.zeroShotAccuracy };
    setModelMetrics(lab.db, modelId, merged);
    return merged;
  } catch {
    return metrics;
  }
}

/** Thrown by tests from `afterStep` to stop a run as if the process were killed (nothing is cleaned up). */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}
