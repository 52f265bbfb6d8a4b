import type { Lab } from '../store/lab.ts';
import { modelWeights, resolveModelId } from '../store/models.ts';
import { NO_AUGMENT, renderInput } from './augment.ts';
import { initBackend, type BackendInfo, type BackendName } from './backend.ts';
import { backboneFeatures } from './backbone-model.ts';
import type { Backbone } from './backbones/index.ts';
import { loadLabBackbone } from './backbones/lab-backbones.ts';
import { imageBackbone, isLit, labelPrompt, type TrainConfig } from './config.ts';
import { modelLayout } from './layout.ts';
import { Replica } from './replica.ts';
import type { QueryImage, QueryModel } from './query-model.ts';
import { readStoredModel } from './stored.ts';
import { encodeAll, Tokenizer } from './tokenizer.ts';

/** Model-input pixels as stored in the lab's `pixels` table: size×size×3 RGB bytes. */
export interface ImagePixels {
  data: Uint8Array;
  size: number;
}

/**
 * A model trained here, loaded for inference in the calling thread: image and text embeddings in the same space,
 * and the logit scale for zero-shot probabilities.
 */
export class EmbeddingModel implements QueryModel {
  readonly kind = 'trained';
  readonly hasText = true;
  /** A LiT model's frozen backbone, loaded when a new image is first embedded. */
  private backbone: Promise<Backbone> | null = null;

  private constructor(
    readonly id: number,
    readonly config: TrainConfig,
    readonly tokenizer: Tokenizer,
    private readonly replica: Replica,
    /** ln of the similarity scale learned with the N-pair loss (ln(1/0.07) for the other losses). */
    readonly logitScale: number,
    readonly backend: BackendInfo,
    /** Loads a LiT model's frozen backbone (the registry's, or the lab's CLIP's vision encoder). */
    private readonly loadImageBackbone: () => Promise<Backbone>,
  ) {}

  /** Loads model `id`, or the newest finished model. */
  static async load(lab: Lab, id?: number | null, options: { prefer?: BackendName } = {}): Promise<EmbeddingModel> {
    const backend = await initBackend({ prefer: options.prefer });
    const modelId = resolveModelId(lab.db, id);
    const stored = readStoredModel(lab.db, modelId);
    const config = stored.config;
    const tokenizer = Tokenizer.fromSpec(stored.tokenizer);
    const weights = modelWeights(lab.db, modelId);
    const layout = modelLayout(config.model, tokenizer.vocabSize);
    if (weights.length !== layout.total)
      throw new Error(`model ${modelId}: stored weights do not match its configuration`);
    const replica = new Replica(config.model, tokenizer.vocabSize, null, NO_AUGMENT);
    replica.setWeights(weights);
    const logScale = layout.view(weights, 'loss.logScale')[0];
    const loadImageBackbone = () => loadLabBackbone(lab, imageBackbone(config.model));
    return new EmbeddingModel(modelId, config, tokenizer, replica, logScale, backend, loadImageBackbone);
  }

  get dim(): number {
    return this.config.model.dim;
  }

  get imageSize(): number {
    return this.config.model.imageSize;
  }

  /** exp(logitScale): multiply cosine similarities by it before a softmax (as core/knn's zeroShot expects). */
  get scale(): number {
    return Math.exp(this.logitScale);
  }

  /**
   * Embeddings of images, row-major [n × dim]: the CNN's from their stored pixels; a LiT head's from the frozen
   * backbone's features of their original bytes (else of their stored pixels).
   */
  async embedImages(images: readonly QueryImage[]): Promise<Float32Array> {
    if (!isLit(this.config.model)) return this.embedPixels(images.map((i) => i.pixels));
    this.backbone ??= this.loadImageBackbone();
    const features = await backboneFeatures(await this.backbone, images);
    return this.replica.embedFeatures(features, images.length);
  }

  /** The CNN's embeddings of images given as stored pixels, row-major [n × dim]. */
  embedPixels(images: readonly ImagePixels[]): Float32Array {
    const s = this.imageSize;
    const per = s * s * 3;
    const input = new Float32Array(images.length * per);
    images.forEach((img, i) => {
      if (img.data.length !== img.size * img.size * 3)
        throw new Error(`image ${i}: ${img.data.length} bytes for size ${img.size}`);
      renderInput({ data: img.data, offset: 0, size: img.size }, input, i * per, s, NO_AUGMENT, 0);
    });
    return this.replica.embedInputs(input, images.length);
  }

  /** Embeddings of texts, row-major [n × dim]. */
  async embedTexts(texts: readonly string[]): Promise<Float32Array> {
    return this.replica.embedTexts(encodeAll(this.tokenizer, texts));
  }

  unknownWords(text: string): string[] {
    return this.tokenizer.unknownWords(text);
  }

  /** The prompt used for label names ("a photo of a {label}"), as trained with label prompts. */
  static prompt(label: string): string {
    return labelPrompt(label);
  }

  dispose(): void {
    this.replica.dispose();
    void this.backbone?.then((b) => b.dispose()).catch(() => undefined);
  }
}
