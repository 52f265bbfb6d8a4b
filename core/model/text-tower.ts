import * as tf from '@tensorflow/tfjs';
import { l2normalize, l2normalizeGrad } from './image-tower.ts';
import type { ParamSpec } from './params.ts';
import type { EncodedTexts } from './tokenizer.ts';
import type { Grads, Weights } from './weights.ts';

/**
 * The text encoder: mean of the token embeddings → linear (hidden) → ReLU → linear → d → L2
 * normalisation. Gathering rows of the table and pooling them with a [B, T] averaging matrix keeps
 * the cost proportional to the tokens in the batch; the table's gradient is a scatter-add.
 */

export interface TextTowerConfig {
  vocabSize: number;
  embedDim: number;
  hidden: number;
  dim: number;
}

export function textParamSpecs(cfg: TextTowerConfig): ParamSpec[] {
  return [
    {
      name: 'txt.emb',
      shape: [cfg.vocabSize, cfg.embedDim],
      init: { kind: 'normal', std: 1 },
      trainable: true,
      decay: true,
    },
    {
      name: 'txt.w1',
      shape: [cfg.embedDim, cfg.hidden],
      init: { kind: 'normal', std: Math.sqrt(2 / cfg.embedDim) },
      trainable: true,
      decay: true,
    },
    { name: 'txt.b1', shape: [cfg.hidden], init: { kind: 'zeros' }, trainable: true, decay: false },
    {
      name: 'txt.w2',
      shape: [cfg.hidden, cfg.dim],
      init: { kind: 'normal', std: Math.sqrt(1 / cfg.hidden) },
      trainable: true,
      decay: true,
    },
    { name: 'txt.b2', shape: [cfg.dim], init: { kind: 'zeros' }, trainable: true, decay: false },
  ];
}

export interface TextCache {
  ids: tf.Tensor1D;
  poolT: tf.Tensor2D;
  h0: tf.Tensor2D;
  h1: tf.Tensor2D;
  norm: tf.Tensor2D;
  emb: tf.Tensor2D;
}

export function disposeTextCache(c: TextCache): void {
  tf.dispose([c.ids, c.poolT, c.h0, c.h1, c.norm, c.emb]);
}

/** [B, T] matrix averaging each text's tokens (a text without tokens pools to zero), and its transpose. */
function poolingMatrices(texts: EncodedTexts): { pool: tf.Tensor2D; poolT: tf.Tensor2D } {
  const b = texts.offsets.length - 1;
  const t = Math.max(texts.ids.length, 1);
  const pool = new Float32Array(b * t);
  const poolT = new Float32Array(t * b);
  for (let i = 0; i < b; i++) {
    const start = texts.offsets[i];
    const end = texts.offsets[i + 1];
    const v = end > start ? 1 / (end - start) : 0;
    for (let j = start; j < end; j++) {
      pool[i * t + j] = v;
      poolT[j * b + i] = v;
    }
  }
  return { pool: tf.tensor2d(pool, [b, t]), poolT: tf.tensor2d(poolT, [t, b]) };
}

export class TextTower {
  constructor(readonly cfg: TextTowerConfig) {}

  private pooled(
    texts: EncodedTexts,
    w: Weights,
  ): { ids: tf.Tensor1D; pool: tf.Tensor2D; poolT: tf.Tensor2D; h0: tf.Tensor2D } {
    // A batch without any token still needs one (zero-weighted) row to gather.
    const ids = tf.tensor1d(texts.ids.length > 0 ? texts.ids : new Int32Array(1), 'int32');
    const { pool, poolT } = poolingMatrices(texts);
    const h0 = tf.tidy(() => tf.matMul(pool, tf.gather(w.get('txt.emb'), ids) as tf.Tensor2D) as tf.Tensor2D);
    return { ids, pool, poolT, h0 };
  }

  embed(texts: EncodedTexts, w: Weights): tf.Tensor2D {
    const p = this.pooled(texts, w);
    const out = tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.matMul(p.h0, w.get('txt.w1') as tf.Tensor2D), w.get('txt.b1'))) as tf.Tensor2D;
      const v = tf.add(tf.matMul(h1, w.get('txt.w2') as tf.Tensor2D), w.get('txt.b2')) as tf.Tensor2D;
      return l2normalize(v).emb;
    });
    tf.dispose([p.ids, p.pool, p.poolT, p.h0]);
    return out;
  }

  forward(texts: EncodedTexts, w: Weights): { emb: tf.Tensor2D; cache: TextCache } {
    const p = this.pooled(texts, w);
    p.pool.dispose();
    const r = tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.matMul(p.h0, w.get('txt.w1') as tf.Tensor2D), w.get('txt.b1'))) as tf.Tensor2D;
      const v = tf.add(tf.matMul(h1, w.get('txt.w2') as tf.Tensor2D), w.get('txt.b2')) as tf.Tensor2D;
      return { h1, ...l2normalize(v) };
    });
    const cache: TextCache = { ids: p.ids, poolT: p.poolT, h0: p.h0, h1: r.h1, norm: r.norm, emb: r.emb };
    return { emb: tf.clone(r.emb), cache };
  }

  /**
   * Backward from ∂L/∂emb. Transposes are explicit: TF.js wasm's matMul with a transposed operand is several times
   * slower here than a transpose and a plain matMul.
   */
  backward(cache: TextCache, dEmb: tf.Tensor2D, w: Weights, grads: Grads): void {
    tf.tidy(() => {
      const dv = l2normalizeGrad(cache.emb, cache.norm, dEmb);
      grads.add('txt.w2', tf.matMul(tf.transpose(cache.h1), dv));
      grads.add('txt.b2', tf.sum(dv, 0));
      const dh1 = tf.mul(tf.matMul(dv, tf.transpose(w.get('txt.w2') as tf.Tensor2D)), tf.step(cache.h1));
      grads.add('txt.w1', tf.matMul(tf.transpose(cache.h0), dh1));
      grads.add('txt.b1', tf.sum(dh1, 0));
      const dh0 = tf.matMul(dh1, tf.transpose(w.get('txt.w1') as tf.Tensor2D));
      const dRows = tf.matMul(cache.poolT, dh0);
      grads.add('txt.emb', tf.unsortedSegmentSum(dRows, cache.ids, this.cfg.vocabSize));
    });
    disposeTextCache(cache);
  }
}
