import * as tf from '@tensorflow/tfjs';
import { createRng } from '../util/random.ts';
import { NO_AUGMENT, renderInput, type AugmentOptions } from './augment.ts';
import { isLit, type ModelConfig } from './config.ts';
import { disposeHeadCache, HeadTower } from './head-tower.ts';
import { disposeImageCache, ImageTower } from './image-tower.ts';
import type { Grads, Weights } from './weights.ts';

/** Model-input pixels of many items: row r is sizes[r]²·3 bytes at offsets[r]. */
export interface PixelStore {
  data: Uint8Array;
  offsets: Float64Array;
  sizes: Int32Array;
}

/**
 * A frozen backbone's features of many images, in shared memory like the pixels (worker threads read them in
 * place): view v of row r is the `dim` values at ((v · rows) + r) · dim. View 0 is the whole image, view 1 (when
 * `views` is 2) its horizontal flip.
 */
export interface FeatureStore {
  data: Float32Array;
  rows: number;
  dim: number;
  views: number;
}

/** One training forward of the image tower: embeddings, and its backward (or release, when none will come). */
export interface ImagePass {
  emb: tf.Tensor2D;
  backward(dEmb: tf.Tensor2D, w: Weights, grads: Grads): void;
  release(): void;
}

/** What a replica's image tower reads and how: stored pixels through the CNN, or stored features through a head. */
export interface ImageSide {
  /** Training forward of store rows, augmented by one seed each; new buffer values into `stats`. */
  forward(rows: Int32Array, seeds: Uint32Array, w: Weights, stats: Grads): ImagePass;
  /** Inference embeddings of store rows (the whole image, view 0). */
  embedRows(rows: Int32Array, w: Weights): tf.Tensor2D;
}

/** The CNN trained from scratch on the stored pixels (rendered and augmented per row). */
export class CnnSide implements ImageSide {
  readonly tower: ImageTower;

  constructor(
    private readonly model: ModelConfig,
    private readonly store: PixelStore | null,
    private readonly augment: AugmentOptions,
  ) {
    this.tower = new ImageTower(model);
  }

  private render(rows: Int32Array, seeds: Uint32Array | null, options: AugmentOptions): tf.Tensor4D {
    if (!this.store) throw new Error('replica has no pixel store');
    const s = this.model.imageSize;
    const out = new Float32Array(rows.length * s * s * 3);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      renderInput(
        { data: this.store.data, offset: this.store.offsets[r], size: this.store.sizes[r] },
        out,
        i * s * s * 3,
        s,
        options,
        seeds ? seeds[i] : 0,
      );
    }
    return tf.tensor4d(out, [rows.length, s, s, 3]);
  }

  forward(rows: Int32Array, seeds: Uint32Array, w: Weights, stats: Grads): ImagePass {
    const x = this.render(rows, seeds, this.augment);
    const out = this.tower.forward(x, w, stats);
    x.dispose();
    return {
      emb: out.emb,
      backward: (dEmb, weights, grads) => this.tower.backward(out.cache, dEmb, weights, grads),
      release: () => disposeImageCache(out.cache),
    };
  }

  embedRows(rows: Int32Array, w: Weights): tf.Tensor2D {
    const x = this.render(rows, null, NO_AUGMENT);
    const e = this.tower.embed(x, w);
    x.dispose();
    return e;
  }
}

/** A LiT head on a frozen backbone's stored features; augmentation = a stored view drawn per row (its flip). */
export class LitSide implements ImageSide {
  readonly tower: HeadTower;

  constructor(
    model: ModelConfig,
    private readonly features: FeatureStore | null,
    private readonly augment: AugmentOptions,
  ) {
    if (!model.head) throw new Error('a LiT model needs its head settings');
    this.tower = new HeadTower({ ...model.head, dim: model.dim });
  }

  /** Rows' features: view 0, or with flips on, view 1 for about half of them (by each row's seed). */
  private gather(rows: Int32Array, seeds: Uint32Array | null): tf.Tensor2D {
    const f = this.features;
    if (!f) throw new Error('replica has no feature store');
    const out = new Float32Array(rows.length * f.dim);
    const flips = this.augment.flip && f.views > 1 && seeds !== null;
    for (let i = 0; i < rows.length; i++) {
      const view = flips && createRng(seeds[i]).next() < 0.5 ? 1 : 0;
      const at = (view * f.rows + rows[i]) * f.dim;
      out.set(f.data.subarray(at, at + f.dim), i * f.dim);
    }
    return tf.tensor2d(out, [rows.length, f.dim]);
  }

  forward(rows: Int32Array, seeds: Uint32Array, w: Weights, stats: Grads): ImagePass {
    const x = this.gather(rows, seeds);
    const out = this.tower.forward(x, w, stats);
    x.dispose();
    return {
      emb: out.emb,
      backward: (dEmb, weights, grads) => this.tower.backward(out.cache, dEmb, weights, grads),
      release: () => disposeHeadCache(out.cache),
    };
  }

  embedRows(rows: Int32Array, w: Weights): tf.Tensor2D {
    const x = this.gather(rows, null);
    const e = this.tower.embed(x, w);
    x.dispose();
    return e;
  }
}

/** The image side of a model: a head on stored features for LiT, the CNN on stored pixels otherwise. */
export function imageSide(
  model: ModelConfig,
  store: PixelStore | null,
  features: FeatureStore | null,
  augment: AugmentOptions,
): ImageSide {
  return isLit(model) ? new LitSide(model, features, augment) : new CnnSide(model, store, augment);
}
