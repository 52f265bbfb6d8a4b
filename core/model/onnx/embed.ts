import { matrix, normaliseRows } from '../../knn/index.ts';
import { RateMeter } from '../../data/progress.ts';
import {
  captionsToEmbed,
  embeddingCoverage,
  itemsToEmbed,
  saveCaptionEmbeddings,
  saveItemEmbeddings,
  type ItemToEmbed,
} from '../../store/embeddings.ts';
import type { Lab } from '../../store/lab.ts';
import { getModel } from '../../store/models.ts';
import type { EmbedModelOptions, EmbedModelResult } from '../embed-incremental.ts';
import { itemImagesReader, type ItemImages } from './item-images.ts';
import { loadOnnxClipModel } from './load.ts';
import type { OnnxClipModel } from './model.ts';
import { runEmbedPasses, type EmbedPasses } from '../embed-passes.ts';

/** Images per written batch when the caller gives none: a batch of a real CLIP at 224×224 takes a few seconds. */
const DEFAULT_BATCH = 64;

/** Unit-length rows (what the lab stores and its galleries compare by dot product). */
function unitRows(data: Float32Array, rows: number, dim: number): Float32Array {
  return normaliseRows(matrix(data, rows, dim)).data;
}

/**
 * embedModel for a user's CLIP (kind 'onnx-clip'): embeds the live items without an image embedding from it (from
 * their original files at the vision model's input size, falling back to the stored pixels) and the captions
 * without one (through its tokenizer and text model), or with `all` every one (then drops the vectors of items no
 * longer live). One transaction per batch: a killed run loses at most the batch in flight. Stored vectors are unit
 * length. With nothing to do it returns at once without loading the model. Same options and result as embedModel.
 */
export async function embedOnnxModel(
  lab: Lab,
  modelId: number,
  options: EmbedModelOptions = {},
): Promise<EmbedModelResult> {
  getModel(lab.db, modelId);
  const job = new OnnxEmbedJob(lab, modelId, options);
  return runEmbedPasses(lab, modelId, job, options.all);
}

/** One embedOnnxModel run: the model (loaded on first need), counts and progress. */
class OnnxEmbedJob implements EmbedPasses {
  readonly stored = { images: 0, captions: 0 };
  private readonly batch: number;
  private readonly read: (items: readonly ItemToEmbed[]) => Promise<ItemImages>;
  private readonly meter = new RateMeter();
  private model: Promise<OnnxClipModel> | null = null;
  private done = 0;
  private total = 0;

  constructor(
    private readonly lab: Lab,
    private readonly modelId: number,
    private readonly options: EmbedModelOptions,
  ) {
    this.batch = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
    this.read = itemImagesReader(lab.db);
  }

  get cancelled(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  private load(): Promise<OnnxClipModel> {
    this.model ??= loadOnnxClipModel(this.lab, this.modelId, { threads: this.options.threads });
    return this.model;
  }

  /** Goes once over the items, then the captions, to embed (`all`: every one), in id order. */
  async pass(all: boolean): Promise<{ found: number; stored: number }> {
    const db = this.lab.db;
    const id = this.modelId;
    const c = embeddingCoverage(db, id);
    const todo = all ? c.items + c.liveCaptions : c.items - c.images + (c.liveCaptions - c.captions);
    this.total = this.done + todo;
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
      const model = await this.load();
      const emb = await model.embedTexts(captions.map((x) => x.text));
      const n = saveCaptionEmbeddings(db, id, captions, unitRows(emb, captions.length, model.dim), model.dim);
      found += captions.length;
      stored += n;
      this.stored.captions += n;
      this.progress('captions', captions.length);
    }
    return { found, stored };
  }

  private async embedItems(items: ItemToEmbed[]): Promise<number> {
    const model = await this.load();
    const { images, kept, rows } = await this.read(items);
    const d = model.dim;
    const emb = unitRows(await model.embedImages(images), images.length, d);
    const vectors = new Float32Array(kept.length * d);
    rows.forEach((row, i) => vectors.set(emb.subarray(row * d, (row + 1) * d), i * d));
    return saveItemEmbeddings(this.lab.db, this.modelId, kept, vectors, d);
  }

  private progress(kind: 'images' | 'captions', n: number): void {
    this.done += n;
    this.total = Math.max(this.total, this.done);
    const p = this.meter.measure(`model ${this.modelId} ${kind}`, this.done, this.total);
    this.options.onProgress?.({ ...p, detail: { modelId: this.modelId } });
  }

  close(): void {
    void this.model?.then((m) => m.dispose()).catch(() => undefined);
    this.model = null;
  }
}
