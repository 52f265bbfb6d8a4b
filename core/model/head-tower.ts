import * as tf from '@tensorflow/tfjs';
import { l2normalize, l2normalizeGrad } from './image-tower.ts';
import type { ParamSpec } from './params.ts';
import type { Grads, Weights } from './weights.ts';

/**
 * The image tower of a LiT model (locked image tower, Zhai et al. 2022): a trained head on a frozen backbone's
 * stored features. Features are standardised per dimension (by the train split's mean and spread, fixed when the
 * run starts and kept with the weights), then Linear → ReLU → Linear to d (or one Linear when `hidden` is 0), then
 * L2 normalisation. Forward and backward written out like the CNN's.
 */

export interface HeadTowerConfig {
  featureDim: number;
  /** Width of the hidden layer; 0 = a single linear layer. */
  hidden: number;
  dim: number;
}

/** Names of the standardisation buffers: per-dimension mean and 1/spread of the train features. */
export const HEAD_MEAN = 'img.lit.mean';
export const HEAD_SCALE = 'img.lit.scale';

export function headParamSpecs(cfg: HeadTowerConfig): ParamSpec[] {
  const F = cfg.featureDim;
  const specs: ParamSpec[] = [
    { name: HEAD_MEAN, shape: [F], init: { kind: 'zeros' }, trainable: false, decay: false },
    { name: HEAD_SCALE, shape: [F], init: { kind: 'ones' }, trainable: false, decay: false },
  ];
  const linear = (name: string, cin: number, cout: number, gain: number): void => {
    specs.push({
      name: `${name}.w`,
      shape: [cin, cout],
      init: { kind: 'normal', std: Math.sqrt(gain / cin) },
      trainable: true,
      decay: true,
    });
    specs.push({ name: `${name}.b`, shape: [cout], init: { kind: 'zeros' }, trainable: true, decay: false });
  };
  if (cfg.hidden > 0) {
    linear('img.lit.fc1', F, cfg.hidden, 2);
    linear('img.lit.fc2', cfg.hidden, cfg.dim, 1);
  } else {
    linear('img.lit.fc', F, cfg.dim, 1);
  }
  return specs;
}

/**
 * The standardisation of a set of features (n × dim rows): mean and 1/(standard deviation + ε) per dimension, the
 * values a new run's HEAD_MEAN and HEAD_SCALE start (and stay) at.
 */
export function featureStandardisation(
  rows: Float32Array,
  n: number,
  dim: number,
): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < dim; j++) {
      const v = rows[r * dim + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  }
  const m = new Float32Array(dim);
  const scale = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const mu = mean[j] / Math.max(n, 1);
    const variance = Math.max(sq[j] / Math.max(n, 1) - mu * mu, 0);
    m[j] = mu;
    scale[j] = 1 / (Math.sqrt(variance) + 1e-3);
  }
  return { mean: m, scale };
}

export interface HeadCache {
  x: tf.Tensor2D;
  /** Pre-activation of the hidden layer (null without one). */
  h: tf.Tensor2D | null;
  a: tf.Tensor2D | null;
  emb: tf.Tensor2D;
  norm: tf.Tensor2D;
}

export function disposeHeadCache(c: HeadCache): void {
  tf.dispose([c.x, c.emb, c.norm, ...(c.h ? [c.h] : []), ...(c.a ? [c.a] : [])]);
}

export class HeadTower {
  constructor(readonly cfg: HeadTowerConfig) {}

  private standardise(features: tf.Tensor2D, w: Weights): tf.Tensor2D {
    return tf.mul(tf.sub(features, w.get(HEAD_MEAN)), w.get(HEAD_SCALE)) as tf.Tensor2D;
  }

  private layers(x: tf.Tensor2D, w: Weights): { h: tf.Tensor2D | null; a: tf.Tensor2D | null; v: tf.Tensor2D } {
    if (this.cfg.hidden === 0) {
      const v = tf.add(tf.matMul(x, w.get('img.lit.fc.w') as tf.Tensor2D), w.get('img.lit.fc.b')) as tf.Tensor2D;
      return { h: null, a: null, v };
    }
    const h = tf.add(tf.matMul(x, w.get('img.lit.fc1.w') as tf.Tensor2D), w.get('img.lit.fc1.b')) as tf.Tensor2D;
    const a = tf.relu(h);
    const v = tf.add(tf.matMul(a, w.get('img.lit.fc2.w') as tf.Tensor2D), w.get('img.lit.fc2.b')) as tf.Tensor2D;
    return { h, a, v };
  }

  /** Inference: unit-length embeddings [N, d] of raw features [N, F]. */
  embed(features: tf.Tensor2D, w: Weights): tf.Tensor2D {
    return tf.tidy(() => l2normalize(this.layers(this.standardise(features, w), w).v).emb);
  }

  /** Training forward; the standardisation buffers are passed on unchanged in `stats`. */
  forward(features: tf.Tensor2D, w: Weights, stats: Grads): { emb: tf.Tensor2D; cache: HeadCache } {
    stats.set(HEAD_MEAN, tf.clone(w.get(HEAD_MEAN)));
    stats.set(HEAD_SCALE, tf.clone(w.get(HEAD_SCALE)));
    const kept = tf.tidy((): tf.Tensor2D[] => {
      const x = this.standardise(features, w);
      const { h, a, v } = this.layers(x, w);
      const { emb, norm } = l2normalize(v);
      return h && a ? [x, emb, norm, h, a] : [x, emb, norm];
    });
    const [x, emb, norm, h = null, a = null] = kept;
    return { emb: tf.clone(emb), cache: { x, h, a, emb, norm } };
  }

  /**
   * Backward from ∂L/∂emb; adds the head's gradients to `grads` and releases the cache. Transposes are explicit:
   * TF.js wasm's matMul with a transposed operand is 5–8× slower here than a transpose and a plain matMul.
   */
  backward(cache: HeadCache, dEmb: tf.Tensor2D, w: Weights, grads: Grads): void {
    tf.tidy(() => {
      const dv = l2normalizeGrad(cache.emb, cache.norm, dEmb);
      if (!cache.h || !cache.a) {
        grads.add('img.lit.fc.w', tf.matMul(tf.transpose(cache.x), dv));
        grads.add('img.lit.fc.b', tf.sum(dv, 0));
        return;
      }
      grads.add('img.lit.fc2.w', tf.matMul(tf.transpose(cache.a), dv));
      grads.add('img.lit.fc2.b', tf.sum(dv, 0));
      const da = tf.matMul(dv, tf.transpose(w.get('img.lit.fc2.w') as tf.Tensor2D));
      const dh = tf.mul(da, tf.step(cache.h));
      grads.add('img.lit.fc1.w', tf.matMul(tf.transpose(cache.x), dh));
      grads.add('img.lit.fc1.b', tf.sum(dh, 0));
    });
    disposeHeadCache(cache);
  }
}
