import type { Progress } from '../api/types.ts';
import {
  saveCaptionEmbeddings,
  saveItemEmbeddings,
  type CaptionToEmbed,
  type ItemToEmbed,
} from '../store/embeddings.ts';
import type { Lab } from '../store/lab.ts';
import { finishedModelIds, modelWeights } from '../store/models.ts';
import { UserError } from '../util/user-error.ts';
import { NO_AUGMENT } from './augment.ts';
import type { BackendName } from './backend.ts';
import { embedAll, NO_TEXTS } from './embed.ts';
import { startEngines, type Engine } from './engine.ts';
import { modelLayout } from './layout.ts';
import { isLit } from './config.ts';
import { FeatureSlots, PixelSlots, type Slots } from './embed-slots.ts';
import { readModelKind, readStoredModel, type StoredModel } from './stored.ts';
import { encodeAll, Tokenizer } from './tokenizer.ts';
import { EmbedPassJob, runEmbedPasses } from './embed-passes.ts';

export interface EmbedModelOptions {
  /** Embed every live item and caption again (and drop the vectors of items no longer live), not only new ones. */
  all?: boolean;
  /** Images per written batch (captions: four times as many). Default 256. */
  batchSize?: number;
  /** Worker threads (0 = this thread). Default 2, fewer for little work. */
  threads?: number;
  prefer?: BackendName;
  /** Stops after the batch in flight; what is written stays. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface EmbedModelResult {
  modelId: number;
  status: 'done' | 'cancelled';
  /** Embeddings written. */
  images: number;
  captions: number;
  seconds: number;
}

/** A model that cannot embed: it has no final weights (still training, cancelled or failed). */
export class ModelNotFinishedError extends UserError {
  override readonly name = 'ModelNotFinishedError';
  constructor(
    readonly modelId: number,
    status: string,
  ) {
    super(`model ${modelId} has not finished training (${status}): only a finished model embeds the lab`);
  }
}

/**
 * Brings a finished model's embeddings up to date with the lab (a backbone-features model's: backbone-embed.ts): embeds the live items without an image embedding
 * from it (new, changed — migration 003 drops a changed item's vector — or imported while it trained) and the
 * captions without one, or with `all` every item and caption. Writes one transaction per batch, so a killed run
 * loses at most the batch in flight and the next run goes on from there; items and captions that appear or change
 * while it runs are embedded too (it goes over the lab again until nothing is left). With nothing to do it returns
 * at once, writing nothing and starting no engine.
 */
export async function embedModel(
  lab: Lab,
  modelId: number,
  options: EmbedModelOptions = {},
): Promise<EmbedModelResult> {
  const kind = readModelKind(lab.db, modelId);
  if (kind === 'backbone') return (await import('./backbone-embed.ts')).embedBackboneModel(lab, modelId, options);
  if (kind === 'onnx-clip') return (await import('./onnx/embed.ts')).embedOnnxModel(lab, modelId, options);
  const model = readStoredModel(lab.db, modelId);
  if (model.status !== 'done' || !model.hasWeights) throw new ModelNotFinishedError(modelId, model.status);
  const job = new EmbedJob(lab, model, options);
  return runEmbedPasses(lab, modelId, job, options.all);
}

/** embedModel for each finished model in turn (`modelIds`, default every one), until cancelled. */
export async function embedModels(
  lab: Lab,
  modelIds: readonly number[] = finishedModelIds(lab.db),
  options: EmbedModelOptions = {},
): Promise<EmbedModelResult[]> {
  const results: EmbedModelResult[] = [];
  for (const id of modelIds) {
    if (options.signal?.aborted) break;
    results.push(await embedModel(lab, id, options));
  }
  return results;
}

/** One embedModel run of a model trained here: its engines (started on first need) and pixel or feature slots. */
class EmbedJob extends EmbedPassJob {
  private readonly tokenizer: Tokenizer;
  private engines: Engine[] | null = null;
  private slots: Slots | null = null;

  constructor(
    lab: Lab,
    private readonly model: StoredModel,
    options: EmbedModelOptions,
  ) {
    super(lab, model.id, options, Math.max(1, options.batchSize ?? 256));
    this.tokenizer = Tokenizer.fromSpec(model.tokenizer);
  }

  protected async embedItems(items: ItemToEmbed[]): Promise<number> {
    const engines = await this.start(this.imagesTodo);
    const { rows, kept } = this.slots!.fill(items);
    const emb = await embedAll(engines, rows, NO_TEXTS);
    return saveItemEmbeddings(this.lab.db, this.modelId, kept, emb.images, this.model.config.model.dim);
  }

  protected async embedCaptions(captions: CaptionToEmbed[]): Promise<number> {
    const engines = await this.start(this.imagesTodo);
    const texts = encodeAll(
      this.tokenizer,
      captions.map((x) => x.text),
    );
    const emb = await embedAll(engines, new Int32Array(0), texts);
    return saveCaptionEmbeddings(this.lab.db, this.modelId, captions, emb.captions, this.model.config.model.dim);
  }

  /** The engines, started with the model's weights on first need: one worker per 256 images, at most `threads`. */
  private async start(images: number): Promise<Engine[]> {
    if (this.engines) return this.engines;
    const { config } = this.model;
    const layout = modelLayout(config.model, this.tokenizer.vocabSize);
    const weights = new Float32Array(new SharedArrayBuffer(layout.total * 4));
    weights.set(modelWeights(this.lab.db, this.model.id));
    this.slots = isLit(config.model)
      ? FeatureSlots.forModel(this.lab, config.model, this.batch)
      : PixelSlots.forLab(this.lab, this.model.id, this.batch);
    const threads = Math.min(this.options.threads ?? 2, Math.max(1, Math.ceil(images / 256)));
    const base = {
      model: config.model,
      vocabSize: this.tokenizer.vocabSize,
      store: this.slots.pixels,
      features: this.slots.features,
      augment: NO_AUGMENT,
      prefer: this.options.prefer,
      weights,
    };
    this.engines = (await startEngines(threads, base, layout.total)).engines;
    await Promise.all(this.engines.map((e) => e.syncWeights()));
    return this.engines;
  }

  async close(): Promise<void> {
    if (this.engines) await Promise.all(this.engines.map((e) => e.close()));
    this.engines = null;
  }
}
