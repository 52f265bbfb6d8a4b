import type { Lab } from '../store/lab.ts';
import { backboneModelId, createReadyModel, getModel } from '../store/models.ts';
import { backboneInfo, loadBackbone, type Backbone } from './backbones/index.ts';
import { rgbFromEncoded, rgbFromPixels } from './backbones/preprocess.ts';
import { NoTextTowerError, type QueryImage, type QueryModel } from './query-model.ts';
import { parseStoredConfig, StoredModelError, type BackboneModelConfig } from './stored.ts';

/**
 * "Backbone features" as a model of its own (issue 11): no training and no text tower; its image embeddings are
 * the frozen backbone's features of the image (stored ones L2-normalised by the embed job, backbone-embed.ts).
 */

/**
 * The backbone-features model of `backbone`, created (finished, nothing to train) when the lab has none yet. Null
 * for the vision encoder of a user's CLIP ('onnx:<modelId>'): that model answers image queries itself.
 */
export function ensureBackboneModel(lab: Lab, backbone: string): number | null {
  if (backbone.startsWith('onnx:')) return null;
  const info = backboneInfo(backbone);
  // Immediate: two processes finishing feature jobs at once make one model, not two.
  return lab.db
    .transaction(() => {
      const existing = backboneModelId(lab.db, backbone);
      if (existing !== null) return existing;
      const config: BackboneModelConfig = {
        kind: 'backbone',
        backbone: info.name,
        dim: info.featureDim,
        inputSize: info.inputSize,
      };
      return createReadyModel(lab.db, { config, tokenizer: {}, data: { title: info.title }, backend: 'none' });
    })
    .immediate();
}

/** A backbone-features model's configuration; any other kind is a StoredModelError naming the model. */
export function readBackboneModelConfig(lab: Lab, id: number): BackboneModelConfig {
  const stored = parseStoredConfig(getModel(lab.db, id).config, id);
  if (stored.kind !== 'backbone') throw new StoredModelError(id, 'configuration', `kind is ${stored.kind}`);
  return stored.config;
}

/** The backbone's input for one image: its original bytes when they decode, else its stored pixels upscaled. */
async function inputOf(image: QueryImage, size: number): Promise<Buffer> {
  if (image.bytes) {
    try {
      return await rgbFromEncoded(image.bytes, size);
    } catch {
      // Bytes this build cannot decode whole: the stored pixels were decoded at import, they serve.
    }
  }
  const px = image.pixels;
  return rgbFromPixels(Buffer.from(px.data.buffer, px.data.byteOffset, px.data.byteLength), px.size, size);
}

/** The backbone's features of images (n × featureDim): of their original bytes, else their stored pixels. */
export async function backboneFeatures(backbone: Backbone, images: readonly QueryImage[]): Promise<Float32Array> {
  const s = backbone.inputSize;
  const per = s * s * 3;
  const rgb = new Uint8Array(images.length * per);
  for (let i = 0; i < images.length; i++) rgb.set(await inputOf(images[i], s), i * per);
  return backbone.run(rgb, images.length);
}

/** A backbone-features model loaded for queries: it runs the backbone on each new image. */
export class BackboneQueryModel implements QueryModel {
  readonly kind = 'backbone';
  readonly hasText = false;
  /** No logit scale was learned: zero-shot needs a text tower anyway. */
  readonly scale = 1;

  private constructor(
    readonly id: number,
    private readonly backbone: Backbone,
  ) {}

  static async load(lab: Lab, id: number): Promise<BackboneQueryModel> {
    const config = readBackboneModelConfig(lab, id);
    const backbone = await loadBackbone(config.backbone);
    if (backbone.featureDim !== config.dim) {
      backbone.dispose();
      throw new StoredModelError(
        id,
        'configuration',
        `${config.dim}-d features, but ${config.backbone} gives ${backbone.featureDim}`,
      );
    }
    return new BackboneQueryModel(id, backbone);
  }

  get dim(): number {
    return this.backbone.featureDim;
  }

  embedImages(images: readonly QueryImage[]): Promise<Float32Array> {
    return backboneFeatures(this.backbone, images);
  }

  async embedTexts(): Promise<Float32Array> {
    throw new NoTextTowerError(this.id);
  }

  dispose(): void {
    this.backbone.dispose();
  }
}
