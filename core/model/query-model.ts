import { UserError } from '../util/user-error.ts';
import type { ImagePixels } from './model.ts';

/** The kinds of model a lab holds: trained here (from scratch or on a frozen backbone), backbone features, a user's CLIP. */
export type ModelKind = 'trained' | 'backbone' | 'onnx-clip';

/** An image to embed: its stored model-input pixels and, when known, its original encoded bytes. */
export interface QueryImage {
  pixels: ImagePixels;
  bytes: Buffer | null;
}

/**
 * A model loaded for inference in the calling thread, whatever its kind: what search, classification and the
 * query encoder use. Embeddings are row-major [n × dim] and not yet normalised.
 */
export interface QueryModel {
  readonly id: number;
  readonly kind: ModelKind;
  readonly dim: number;
  /** False for backbone features: text queries and zero-shot need a text tower. */
  readonly hasText: boolean;
  /** exp(logit scale): multiply cosine similarities by it before a softmax (zero-shot). */
  readonly scale: number;
  embedImages(images: readonly QueryImage[]): Promise<Float32Array>;
  /** Throws NoTextTowerError when `hasText` is false. */
  embedTexts(texts: readonly string[]): Promise<Float32Array>;
  /**
   * The words of a text query that the text tower never saw in training (a vocabulary built from the lab's
   * captions), or null when the model cannot tell (a subword tokenizer knows every word). A query of only unknown
   * words (or no words: emoji, punctuation) cannot be understood, whatever its scores.
   */
  unknownWords?(text: string): string[] | null;
  dispose(): void;
}

/** A text query or zero-shot prompt sent to a model without a text tower (backbone features). */
export class NoTextTowerError extends UserError {
  override readonly name = 'NoTextTowerError';
  constructor(readonly modelId: number) {
    super(
      `model ${modelId} has no text tower (backbone features): search by image, or use a model trained on captions`,
    );
  }
}
