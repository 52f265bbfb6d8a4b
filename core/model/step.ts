import type { Engine } from './engine.ts';
import type { LossOptions } from './loss-options.ts';
import { LOGIT_SCALE_MAX, lossAndGrads } from './losses.ts';
import type { AdamW } from './optim.ts';
import type { ParamLayout } from './params.ts';
import { concatEncoded } from './tokenizer.ts';

/** One data-parallel optimizer step over engines that share `params` (and each own a gradient buffer). */
export interface StepContext {
  engines: Engine[];
  grads: Float32Array[];
  layout: ParamLayout;
  params: Float32Array;
  optimizer: AdamW;
  loss: LossOptions;
  dim: number;
}

export interface StepInput {
  rows: Int32Array;
  seeds: Uint32Array;
  /** Token ids of each row's text. */
  texts: Int32Array[];
  /** B×B 0/1 matrix of positive pairs. */
  positives: Float32Array;
  lr: number;
}

/** Contiguous shares of n rows over e engines. */
export function shares(n: number, e: number): (readonly [number, number])[] {
  return Array.from({ length: e }, (_, k) => [Math.floor((k * n) / e), Math.floor(((k + 1) * n) / e)] as const);
}

/**
 * Forward on every engine's share, the loss on the whole batch (in-batch negatives span the
 * shares), backward on every engine, summed gradients, AdamW, and the new weights synced.
 * Returns the loss.
 */
export async function trainStep(ctx: StepContext, input: StepInput): Promise<number> {
  const { engines, dim: d } = ctx;
  const n = input.rows.length;
  const parts = shares(n, engines.length);
  const embs = await Promise.all(
    engines.map((e, k) => {
      const [a, b] = parts[k];
      return e.forward({
        rows: input.rows.subarray(a, b),
        seeds: input.seeds.subarray(a, b),
        texts: concatEncoded(input.texts.slice(a, b)),
      });
    }),
  );
  const img = new Float32Array(n * d);
  const txt = new Float32Array(n * d);
  embs.forEach((e, k) => {
    img.set(e.img, parts[k][0] * d);
    txt.set(e.txt, parts[k][0] * d);
  });
  const logScale = ctx.layout.get('loss.logScale').offset;
  const loss = lossAndGrads(ctx.loss, img, txt, n, d, ctx.params[logScale], input.positives);
  // A diverged step changes nothing (the engines drop their caches at the next forward).
  if (!Number.isFinite(loss.loss)) return loss.loss;
  await Promise.all(
    engines.map((e, k) => {
      const [a, b] = parts[k];
      return e.backward(loss.dImg.subarray(a * d, b * d), loss.dTxt.subarray(a * d, b * d));
    }),
  );
  const total = combineGrads(ctx.layout, ctx.grads, ctx.params);
  total[logScale] = loss.dLogScale;
  ctx.optimizer.step(ctx.params, total, input.lr);
  ctx.params[logScale] = Math.min(Math.max(ctx.params[logScale], 0), LOGIT_SCALE_MAX);
  await Promise.all(engines.map((e) => e.syncWeights()));
  return loss.loss;
}

/** Sums the replicas' gradients; averages their buffer values (running statistics) straight into params. */
export function combineGrads(layout: ParamLayout, grads: Float32Array[], params: Float32Array): Float32Array {
  const total = new Float32Array(layout.total);
  for (const e of layout.entries) {
    const end = e.offset + e.size;
    if (e.trainable) {
      for (const g of grads) for (let i = e.offset; i < end; i++) total[i] += g[i];
    } else {
      for (let i = e.offset; i < end; i++) {
        let s = 0;
        for (const g of grads) s += g[i];
        params[i] = s / grads.length;
      }
    }
  }
  return total;
}
