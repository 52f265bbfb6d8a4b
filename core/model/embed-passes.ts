import { RateMeter } from '../data/progress.ts';
import {
  captionsToEmbed,
  embeddingCoverage,
  itemsToEmbed,
  pruneEmbeddings,
  type CaptionToEmbed,
  type ItemToEmbed,
} from '../store/embeddings.ts';
import type { Lab } from '../store/lab.ts';
import type { EmbedModelOptions, EmbedModelResult } from './embed-incremental.ts';

/**
 * One model's embed run, whatever the kind of model: passes over the lab's items, then its captions, without an
 * embedding from the model (`all`: every one), in id order and in batches, with counts and progress. A kind of
 * model says only how it embeds one batch of each, and what it frees at the end.
 */
export abstract class EmbedPassJob {
  readonly stored = { images: 0, captions: 0 };
  private readonly meter = new RateMeter();
  private done = 0;
  private total = 0;
  /** Images the current pass has to embed (a job may size its workers by it). */
  protected imagesTodo = 0;

  protected constructor(
    protected readonly lab: Lab,
    protected readonly modelId: number,
    protected readonly options: EmbedModelOptions,
    /** Images per written batch (captions: four times as many). */
    protected readonly batch: number,
  ) {}

  /** Embeds and writes one batch of items; returns the embeddings written (an item gone meanwhile is left out). */
  protected abstract embedItems(items: ItemToEmbed[]): Promise<number>;
  /** Embeds and writes one batch of captions; returns the embeddings written. */
  protected abstract embedCaptions(captions: CaptionToEmbed[]): Promise<number>;
  abstract close(): void | Promise<void>;

  get cancelled(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** Goes once over the items, then the captions, to embed (`all`: every one), in id order. */
  async pass(all: boolean): Promise<{ found: number; stored: number }> {
    const db = this.lab.db;
    const id = this.modelId;
    const c = embeddingCoverage(db, id);
    const todo = all
      ? { images: c.items, captions: c.liveCaptions }
      : { images: c.items - c.images, captions: c.liveCaptions - c.captions };
    this.imagesTodo = todo.images;
    this.total = this.done + todo.images + todo.captions;
    let found = 0;
    let stored = 0;
    let after = 0;
    while (!this.cancelled) {
      const items = itemsToEmbed(db, id, { all, after, limit: this.batch });
      if (items.length === 0) break;
      after = items[items.length - 1].itemId;
      const n = await this.embedItems(items);
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
      const n = await this.embedCaptions(captions);
      found += captions.length;
      stored += n;
      this.stored.captions += n;
      this.progress('captions', captions.length);
    }
    return { found, stored };
  }

  private progress(kind: 'images' | 'captions', n: number): void {
    this.done += n;
    this.total = Math.max(this.total, this.done);
    const p = this.meter.measure(`model ${this.modelId} ${kind}`, this.done, this.total);
    this.options.onProgress?.({ ...p, detail: { modelId: this.modelId } });
  }
}

/**
 * Drives an embed run to its end: with `all`, one pass over every row, then the vectors of rows no longer live are
 * dropped; then passes over new and changed rows until one finds none (or writes none: rows changing faster than
 * they are embedded), or the run is cancelled. The job is closed after.
 */
export async function runEmbedPasses(
  lab: Lab,
  modelId: number,
  job: EmbedPassJob,
  all: boolean | undefined,
): Promise<EmbedModelResult> {
  const started = performance.now();
  try {
    if (all) {
      await job.pass(true);
      if (!job.cancelled) pruneEmbeddings(lab.db, modelId);
    }
    while (!job.cancelled) {
      const r = await job.pass(false);
      if (r.found === 0 || r.stored === 0) break;
    }
  } finally {
    await job.close();
  }
  return {
    modelId,
    status: job.cancelled ? 'cancelled' : 'done',
    images: job.stored.images,
    captions: job.stored.captions,
    seconds: (performance.now() - started) / 1000,
  };
}
