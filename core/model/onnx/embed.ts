import { matrix, normaliseRows } from '../../knn/index.ts';
import {
  saveCaptionEmbeddings,
  saveItemEmbeddings,
  type CaptionToEmbed,
  type ItemToEmbed,
} from '../../store/embeddings.ts';
import type { Lab } from '../../store/lab.ts';
import { getModel } from '../../store/models.ts';
import type { EmbedModelOptions, EmbedModelResult } from '../embed-incremental.ts';
import { itemImagesReader, type ItemImages } from './item-images.ts';
import { loadOnnxClipModel } from './load.ts';
import type { OnnxClipModel } from './model.ts';
import { EmbedPassJob, runEmbedPasses } from '../embed-passes.ts';

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

/** One embedOnnxModel run: the model, loaded on first need. */
class OnnxEmbedJob extends EmbedPassJob {
  private readonly read: (items: readonly ItemToEmbed[]) => Promise<ItemImages>;
  private model: Promise<OnnxClipModel> | null = null;

  constructor(lab: Lab, modelId: number, options: EmbedModelOptions) {
    super(lab, modelId, options, Math.max(1, options.batchSize ?? DEFAULT_BATCH));
    this.read = itemImagesReader(lab.db);
  }

  private load(): Promise<OnnxClipModel> {
    this.model ??= loadOnnxClipModel(this.lab, this.modelId, { threads: this.options.threads });
    return this.model;
  }

  protected async embedItems(items: ItemToEmbed[]): Promise<number> {
    const model = await this.load();
    const { images, kept, rows } = await this.read(items);
    const d = model.dim;
    const emb = unitRows(await model.embedImages(images), images.length, d);
    const vectors = new Float32Array(kept.length * d);
    rows.forEach((row, i) => vectors.set(emb.subarray(row * d, (row + 1) * d), i * d));
    return saveItemEmbeddings(this.lab.db, this.modelId, kept, vectors, d);
  }

  protected async embedCaptions(captions: CaptionToEmbed[]): Promise<number> {
    const model = await this.load();
    const emb = await model.embedTexts(captions.map((x) => x.text));
    return saveCaptionEmbeddings(
      this.lab.db,
      this.modelId,
      captions,
      unitRows(emb, captions.length, model.dim),
      model.dim,
    );
  }

  close(): void {
    void this.model?.then((m) => m.dispose()).catch(() => undefined);
    this.model = null;
  }
}
