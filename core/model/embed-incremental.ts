import type { Progress } from '../api/types.ts';
import { RateMeter } from '../data/progress.ts';
import {
  captionsToEmbed,
  embeddingCoverage,
  itemsToEmbed,
  saveCaptionEmbeddings,
  saveItemEmbeddings,
  type ItemToEmbed,
} from '../store/embeddings.ts';
import type { Lab } from '../store/lab.ts';
import { listModels, modelWeights } from '../store/models.ts';
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
import { runEmbedPasses, type EmbedPasses } from './embed-passes.ts';

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

/** The lab's finished models (with final weights), oldest first: the models that embed the lab. */
export function finishedModelIds(lab: Lab): number[] {
  return listModels(lab.db)
    .filter((m) => m.status === 'done' && m.hasWeights)
    .map((m) => m.id)
    .sort((a, b) => a - b);
}

/** embedModel for each finished model in turn (`modelIds`, default every one), until cancelled. */
export async function embedModels(
  lab: Lab,
  modelIds: readonly number[] = finishedModelIds(lab),
  options: EmbedModelOptions = {},
): Promise<EmbedModelResult[]> {
  const results: EmbedModelResult[] = [];
  for (const id of modelIds) {
    if (options.signal?.aborted) break;
    results.push(await embedModel(lab, id, options));
  }
  return results;
}

/** One embedModel run: its engines (started on first need), pixel slots, counts and progress. */
class EmbedJob implements EmbedPasses {
  readonly stored = { images: 0, captions: 0 };
  private readonly batch: number;
  private readonly tokenizer: Tokenizer;
  private readonly meter = new RateMeter();
  private engines: Engine[] | null = null;
  private slots: Slots | null = null;
  private done = 0;
  private total = 0;

  constructor(
    private readonly lab: Lab,
    private readonly model: StoredModel,
    private readonly options: EmbedModelOptions,
  ) {
    this.batch = Math.max(1, options.batchSize ?? 256);
    this.tokenizer = Tokenizer.fromSpec(model.tokenizer);
  }

  get cancelled(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** Goes once over the items, then the captions, to embed (`all`: every one), in id order. */
  async pass(all: boolean): Promise<{ found: number; stored: number }> {
    const db = this.lab.db;
    const id = this.model.id;
    const c = embeddingCoverage(db, id);
    const todo = all
      ? { images: c.items, captions: c.liveCaptions }
      : { images: c.items - c.images, captions: c.liveCaptions - c.captions };
    this.total = this.done + todo.images + todo.captions;
    let found = 0;
    let stored = 0;
    let after = 0;
    while (!this.cancelled) {
      const items = itemsToEmbed(db, id, { all, after, limit: this.batch });
      if (items.length === 0) break;
      after = items[items.length - 1].itemId;
      const n = await this.embedItems(items, todo.images);
      found += items.length;
      stored += n;
      this.stored.images += n;
      this.progress('images', items.length);
    }
    after = 0;
    while (!this.cancelled) {
      const captions = captionsToEmbed(db, id, { all, after, limit: this.batch * 4 });
      if (captions.length === 0) break;
      after = captions[captions.length - 1].id;
      const engines = await this.start(todo.images);
      const emb = await embedAll(
        engines,
        new Int32Array(0),
        encodeAll(
          this.tokenizer,
          captions.map((x) => x.text),
        ),
      );
      const n = saveCaptionEmbeddings(db, id, captions, emb.captions, this.model.config.model.dim);
      found += captions.length;
      stored += n;
      this.stored.captions += n;
      this.progress('captions', captions.length);
    }
    return { found, stored };
  }

  private async embedItems(items: ItemToEmbed[], images: number): Promise<number> {
    const engines = await this.start(images);
    const slots = this.slots!;
    const { rows, kept } = slots.fill(items);
    const emb = await embedAll(engines, rows, NO_TEXTS);
    return saveItemEmbeddings(this.lab.db, this.model.id, kept, emb.images, this.model.config.model.dim);
  }

  private progress(kind: 'images' | 'captions', n: number): void {
    this.done += n;
    this.total = Math.max(this.total, this.done);
    const p = this.meter.measure(`model ${this.model.id} ${kind}`, this.done, this.total);
    this.options.onProgress?.({ ...p, detail: { modelId: this.model.id } });
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
