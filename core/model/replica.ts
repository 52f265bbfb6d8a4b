import * as tf from '@tensorflow/tfjs';
import type { AugmentOptions } from './augment.ts';
import type { ModelConfig } from './config.ts';
import { modelLayout } from './layout.ts';
import {
  CnnSide,
  imageSide,
  LitSide,
  type FeatureStore,
  type ImagePass,
  type ImageSide,
  type PixelStore,
} from './image-side.ts';
import type { ParamLayout } from './params.ts';
import { TextTower, type TextCache, disposeTextCache } from './text-tower.ts';
import type { EncodedTexts } from './tokenizer.ts';
import { Grads, Weights } from './weights.ts';

export type { FeatureStore, PixelStore } from './image-side.ts';

export interface TrainBatch {
  /** Rows of the pixel store (or of the feature store, for a head on a frozen backbone). */
  rows: Int32Array;
  /** One augmentation seed per row. */
  seeds: Uint32Array;
  texts: EncodedTexts;
}

/** Embeddings of one forward pass, row-major [n × d]. */
export interface Embeddings {
  img: Float32Array;
  txt: Float32Array;
}

const EMBED_CHUNK = 128;

/**
 * One copy of the model doing the tensor work: a training forward/backward on its share of a batch,
 * or inference. Runs in the calling thread; the trainer owns one per worker thread (or one locally).
 */
export class Replica {
  readonly layout: ParamLayout;
  private readonly image: ImageSide;
  private readonly text: TextTower;
  private weights: Weights | null = null;
  private pending: { img: ImagePass; txt: TextCache; stats: Grads } | null = null;

  constructor(
    readonly model: ModelConfig,
    readonly vocabSize: number,
    store: PixelStore | null,
    augment: AugmentOptions,
    features: FeatureStore | null = null,
  ) {
    this.layout = modelLayout(model, vocabSize);
    this.image = imageSide(model, store, features, augment);
    this.text = new TextTower({ vocabSize, embedDim: model.text.embedDim, hidden: model.text.hidden, dim: model.dim });
  }

  setWeights(flat: Float32Array): void {
    this.weights?.dispose();
    this.weights = Weights.fromFlat(this.layout, flat);
  }

  private w(): Weights {
    if (!this.weights) throw new Error('replica has no weights yet');
    return this.weights;
  }

  /** Training forward on this replica's share; keeps what backward() needs. */
  forward(batch: TrainBatch): Embeddings {
    this.release();
    const w = this.w();
    const stats = new Grads();
    const img = this.image.forward(batch.rows, batch.seeds, w, stats);
    const txt = this.text.forward(batch.texts, w);
    this.pending = { img, txt: txt.cache, stats };
    const out = { img: img.emb.dataSync() as Float32Array, txt: txt.emb.dataSync() as Float32Array };
    tf.dispose([img.emb, txt.emb]);
    return out;
  }

  /**
   * Backward from the loss gradients of this replica's embeddings. Writes parameter gradients into
   * `out` (layout order) and, for buffers, their new values (batch-norm running statistics).
   */
  backward(dImg: Float32Array, dTxt: Float32Array, out: Float32Array): void {
    const p = this.pending;
    if (!p) throw new Error('backward() without a forward()');
    this.pending = null;
    const w = this.w();
    const grads = new Grads();
    const d = this.model.dim;
    const di = tf.tensor2d(dImg, [dImg.length / d, d]);
    const dt = tf.tensor2d(dTxt, [dTxt.length / d, d]);
    p.img.backward(di, w, grads);
    this.text.backward(p.txt, dt, w, grads);
    tf.dispose([di, dt]);
    grads.writeTo(this.layout, out, (name) => this.layout.get(name).trainable);
    p.stats.writeTo(this.layout, out, (name) => !this.layout.get(name).trainable);
    grads.dispose();
    p.stats.dispose();
  }

  /** Drops the cache of a forward pass whose backward will not come (cancelled step). */
  release(): void {
    if (!this.pending) return;
    this.pending.img.release();
    disposeTextCache(this.pending.txt);
    this.pending.stats.dispose();
    this.pending = null;
  }

  /** Inference embeddings of store rows (whole image; running batch-norm statistics). */
  embedRows(rows: Int32Array): Float32Array {
    const d = this.model.dim;
    const out = new Float32Array(rows.length * d);
    for (let start = 0; start < rows.length; start += EMBED_CHUNK) {
      const part = rows.subarray(start, Math.min(start + EMBED_CHUNK, rows.length));
      const e = this.image.embedRows(part, this.w());
      out.set(e.dataSync() as Float32Array, start * d);
      e.dispose();
    }
    return out;
  }

  /** Inference embeddings of a LiT model from raw backbone features [n, featureDim]. */
  embedFeatures(features: Float32Array, n: number): Float32Array {
    if (!(this.image instanceof LitSide)) throw new Error('embedFeatures needs a head on a frozen backbone');
    const f = features.length / Math.max(n, 1);
    const d = this.model.dim;
    const out = new Float32Array(n * d);
    for (let start = 0; start < n; start += EMBED_CHUNK) {
      const m = Math.min(EMBED_CHUNK, n - start);
      const x = tf.tensor2d(features.subarray(start * f, (start + m) * f), [m, f]);
      const e = this.image.tower.embed(x, this.w());
      out.set(e.dataSync() as Float32Array, start * d);
      tf.dispose([x, e]);
    }
    return out;
  }

  /** Inference embeddings of already-normalised model inputs [n, S, S, 3] (the CNN trained from scratch). */
  embedInputs(input: Float32Array, n: number): Float32Array {
    if (!(this.image instanceof CnnSide)) throw new Error('embedInputs needs the CNN image tower');
    const s = this.model.imageSize;
    const d = this.model.dim;
    const per = s * s * 3;
    const out = new Float32Array(n * d);
    for (let start = 0; start < n; start += EMBED_CHUNK) {
      const m = Math.min(EMBED_CHUNK, n - start);
      const x = tf.tensor4d(input.subarray(start * per, (start + m) * per), [m, s, s, 3]);
      const e = this.image.tower.embed(x, this.w());
      out.set(e.dataSync() as Float32Array, start * d);
      tf.dispose([x, e]);
    }
    return out;
  }

  embedTexts(texts: EncodedTexts): Float32Array {
    const n = texts.offsets.length - 1;
    const d = this.model.dim;
    const out = new Float32Array(n * d);
    for (let start = 0; start < n; start += EMBED_CHUNK) {
      const end = Math.min(start + EMBED_CHUNK, n);
      const a = texts.offsets[start];
      const b = texts.offsets[end];
      const offsets = texts.offsets.slice(start, end + 1).map((o) => o - a);
      const e = this.text.embed({ ids: texts.ids.subarray(a, b), offsets }, this.w());
      out.set(e.dataSync() as Float32Array, start * d);
      e.dispose();
    }
    return out;
  }

  dispose(): void {
    this.release();
    this.weights?.dispose();
    this.weights = null;
  }
}
