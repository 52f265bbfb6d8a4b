import * as tf from '@tensorflow/tfjs';
import { channelMean, conv2dFilterGrad, conv2dInputGrad } from './ops.ts';
import type { ParamSpec } from './params.ts';
import type { Grads, Weights } from './weights.ts';

/**
 * The image encoder: depth × [conv 3×3 pad 1 → batch norm → ReLU → max-pool 2], global average
 * pool, linear → d, L2 normalisation. Forward and backward are written out by hand (instead of
 * tf.grad's tape) so that the backward pass uses the fast composed kernels, fuses batch norm,
 * ReLU and pooling, and skips the input gradient of the first layer.
 */

export interface ImageTowerConfig {
  imageSize: number;
  widths: number[];
  dim: number;
}

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;
const CONV = { strides: [1, 1] as [number, number], pad: 'same' as const };

export function imageParamSpecs(cfg: ImageTowerConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  let cin = 3;
  cfg.widths.forEach((w, i) => {
    specs.push({
      name: `img.conv${i}.w`,
      shape: [3, 3, cin, w],
      init: { kind: 'normal', std: Math.sqrt(2 / (9 * cin)) },
      trainable: true,
      decay: true,
    });
    specs.push({ name: `img.bn${i}.gamma`, shape: [w], init: { kind: 'ones' }, trainable: true, decay: false });
    specs.push({ name: `img.bn${i}.beta`, shape: [w], init: { kind: 'zeros' }, trainable: true, decay: false });
    specs.push({ name: `img.bn${i}.mean`, shape: [w], init: { kind: 'zeros' }, trainable: false, decay: false });
    specs.push({ name: `img.bn${i}.var`, shape: [w], init: { kind: 'ones' }, trainable: false, decay: false });
    cin = w;
  });
  specs.push({
    name: 'img.head.w',
    shape: [cin, cfg.dim],
    init: { kind: 'normal', std: Math.sqrt(1 / cin) },
    trainable: true,
    decay: true,
  });
  specs.push({ name: 'img.head.b', shape: [cfg.dim], init: { kind: 'zeros' }, trainable: true, decay: false });
  return specs;
}

interface BlockCache {
  x: tf.Tensor4D;
  xhat: tf.Tensor4D;
  rstd: tf.Tensor1D;
  /** 1 where an input is the maximum of its 2×2 window. */
  mask: tf.Tensor4D;
  /**
   * Per pooled output: 0 where ReLU cut it, else 1/(number of window inputs equal to the maximum), so
   * ties (common in flat image regions) share the gradient instead of each receiving all of it.
   */
  route: tf.Tensor4D;
}

export interface ImageForward {
  /** L2-normalised embeddings [N, d]. */
  emb: tf.Tensor2D;
  /** Everything backward needs; released by backward() or dispose(). */
  cache: ImageCache;
}

export interface ImageCache {
  blocks: BlockCache[];
  pooled: tf.Tensor2D;
  norm: tf.Tensor2D;
  emb: tf.Tensor2D;
  lastShape: [number, number, number, number];
}

export function disposeImageCache(c: ImageCache): void {
  for (const b of c.blocks) tf.dispose([b.x, b.xhat, b.rstd, b.mask, b.route]);
  tf.dispose([c.pooled, c.norm, c.emb]);
}

/** L2-normalises rows; returns the result and the row norms. */
export function l2normalize(v: tf.Tensor2D): { emb: tf.Tensor2D; norm: tf.Tensor2D } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(v), 1, true), 1e-12)) as tf.Tensor2D;
    return { emb: tf.div(v, norm) as tf.Tensor2D, norm };
  });
}

/** ∂L/∂v of e = v/‖v‖ given ∂L/∂e: (de − e·(e·de)) / ‖v‖. */
export function l2normalizeGrad(emb: tf.Tensor2D, norm: tf.Tensor2D, dEmb: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(tf.sub(dEmb, tf.mul(emb, tf.sum(tf.mul(emb, dEmb), 1, true))), norm) as tf.Tensor2D);
}

export class ImageTower {
  constructor(readonly cfg: ImageTowerConfig) {}

  /** Inference: batch norm uses the running statistics. Input [N, S, S, 3], normalised pixels. */
  embed(x: tf.Tensor4D, w: Weights): tf.Tensor2D {
    return tf.tidy(() => {
      let h = x;
      this.cfg.widths.forEach((_, i) => {
        const z = tf.conv2d(h, w.get(`img.conv${i}.w`) as tf.Tensor4D, 1, 'same');
        // Batch norm folded into one per-channel scale and shift (wasm's fused kernel is slower).
        const scale = tf.mul(w.get(`img.bn${i}.gamma`), tf.rsqrt(tf.add(w.get(`img.bn${i}.var`), BN_EPS)));
        const shift = tf.sub(w.get(`img.bn${i}.beta`), tf.mul(w.get(`img.bn${i}.mean`), scale));
        const y = tf.add(tf.mul(z, scale), shift);
        h = tf.maxPool(tf.relu(y) as tf.Tensor4D, 2, 2, 'valid');
      });
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      const v = tf.add(tf.matMul(pooled, w.get('img.head.w') as tf.Tensor2D), w.get('img.head.b')) as tf.Tensor2D;
      return l2normalize(v).emb;
    });
  }

  /**
   * Training forward: batch statistics, running statistics updated into `stats` (name → new value).
   */
  forward(x: tf.Tensor4D, w: Weights, stats: Grads): ImageForward {
    const blocks: BlockCache[] = [];
    let h: tf.Tensor4D = tf.clone(x);
    this.cfg.widths.forEach((width, i) => {
      const input = h;
      const out = tf.tidy(() => {
        const z = tf.conv2d(input, w.get(`img.conv${i}.w`) as tf.Tensor4D, 1, 'same');
        const [n, hh, ww] = z.shape;
        const m = n * hh * ww;
        const mean = channelMean(z);
        const d = tf.sub(z, mean) as tf.Tensor4D;
        const variance = channelMean(tf.square(d));
        const rstd = tf.rsqrt(tf.add(variance, BN_EPS)) as tf.Tensor1D;
        const xhat = tf.mul(d, rstd) as tf.Tensor4D;
        const a = tf.relu(tf.add(tf.mul(xhat, w.get(`img.bn${i}.gamma`)), w.get(`img.bn${i}.beta`))) as tf.Tensor4D;
        const p = tf.maxPool(a, 2, 2, 'valid');
        // Window maxima: 1 − step(max − a). Same-shape ops only (broadcast compares are slow on wasm).
        const up = tf.image.resizeNearestNeighbor(p, [hh, ww]);
        const mask = tf.sub(1, tf.step(tf.sub(up, a))) as tf.Tensor4D;
        const ties = tf.mul(tf.avgPool(mask, 2, 2, 'valid'), 4);
        const route = tf.div(tf.step(p), ties) as tf.Tensor4D;
        const unbiased = m > 1 ? m / (m - 1) : 1;
        const newMean = tf.add(tf.mul(w.get(`img.bn${i}.mean`), 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM));
        const newVar = tf.add(
          tf.mul(w.get(`img.bn${i}.var`), 1 - BN_MOMENTUM),
          tf.mul(variance, BN_MOMENTUM * unbiased),
        );
        return { p, xhat, rstd, mask, route, newMean, newVar };
      });
      stats.set(`img.bn${i}.mean`, out.newMean);
      stats.set(`img.bn${i}.var`, out.newVar);
      blocks.push({ x: input, xhat: out.xhat, rstd: out.rstd, mask: out.mask, route: out.route });
      h = out.p;
    });
    const lastShape = h.shape;
    const head = tf.tidy(() => {
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      const v = tf.add(tf.matMul(pooled, w.get('img.head.w') as tf.Tensor2D), w.get('img.head.b')) as tf.Tensor2D;
      return { pooled, ...l2normalize(v) };
    });
    h.dispose();
    const cache: ImageCache = { blocks, pooled: head.pooled, norm: head.norm, emb: head.emb, lastShape };
    return { emb: tf.clone(head.emb), cache };
  }

  /** Backward from ∂L/∂emb; adds parameter gradients to `grads` and releases the cache. */
  backward(cache: ImageCache, dEmb: tf.Tensor2D, w: Weights, grads: Grads): void {
    const [n, lh, lw, lc] = cache.lastShape;
    let dp = tf.tidy(() => {
      const dv = l2normalizeGrad(cache.emb, cache.norm, dEmb);
      grads.add('img.head.w', tf.matMul(cache.pooled, dv, true, false));
      grads.add('img.head.b', tf.sum(dv, 0));
      const dPooled = tf.matMul(dv, w.get('img.head.w') as tf.Tensor2D, false, true);
      return tf.mul(tf.ones([n, lh, lw, lc]), tf.reshape(tf.div(dPooled, lh * lw), [n, 1, 1, lc])) as tf.Tensor4D;
    });
    for (let i = cache.blocks.length - 1; i >= 0; i--) {
      const b = cache.blocks[i];
      const next: tf.Tensor4D | null =
        tf.tidy((): tf.Tensor4D[] => {
          const [bn, hh, ww] = b.x.shape;
          const m = bn * hh * ww;
          const dy = tf.mul(
            b.mask,
            tf.image.resizeNearestNeighbor(tf.mul(dp, b.route) as tf.Tensor4D, [hh, ww]),
          ) as tf.Tensor4D;
          // Means (not sums) of dβ and dγ: they enter dz divided by m anyway.
          const meanDy = channelMean(dy);
          const meanDyXhat = channelMean(tf.mul(dy, b.xhat) as tf.Tensor4D);
          grads.add(`img.bn${i}.beta`, tf.mul(meanDy, m));
          grads.add(`img.bn${i}.gamma`, tf.mul(meanDyXhat, m));
          const gamma = w.get(`img.bn${i}.gamma`);
          const centred = tf.add(tf.mul(b.xhat, meanDyXhat), meanDy);
          const dz = tf.mul(tf.sub(dy, centred), tf.mul(gamma, b.rstd)) as tf.Tensor4D;
          const filter = w.get(`img.conv${i}.w`) as tf.Tensor4D;
          grads.add(`img.conv${i}.w`, conv2dFilterGrad(b.x, dz, filter.shape, CONV));
          return i > 0 ? [conv2dInputGrad(dz, filter, b.x.shape, CONV)] : [];
        })[0] ?? null;
      dp.dispose();
      if (!next) break;
      dp = next;
    }
    disposeImageCache(cache);
  }
}
