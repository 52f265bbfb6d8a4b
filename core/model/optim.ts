import type { ParamLayout } from './params.ts';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay: number;
}

export interface AdamWState {
  /** Optimizer steps taken (for bias correction). */
  t: number;
  m: Float32Array;
  v: Float32Array;
}

/**
 * AdamW (Loshchilov & Hutter) over a flat parameter array, in plain JS: decoupled weight decay on
 * the entries marked `decay`, buffers (non-trainable entries) untouched.
 */
export class AdamW {
  readonly state: AdamWState;
  private readonly ranges: { start: number; end: number; decay: boolean }[];

  constructor(
    layout: ParamLayout,
    private readonly options: AdamWOptions,
    state?: AdamWState,
  ) {
    this.state = state ?? { t: 0, m: new Float32Array(layout.total), v: new Float32Array(layout.total) };
    this.ranges = layout.entries
      .filter((e) => e.trainable)
      .map((e) => ({ start: e.offset, end: e.offset + e.size, decay: e.decay }));
  }

  step(params: Float32Array, grads: Float32Array, lr: number): void {
    const b1 = this.options.beta1 ?? 0.9;
    const b2 = this.options.beta2 ?? 0.999;
    const eps = this.options.eps ?? 1e-8;
    const s = this.state;
    s.t++;
    const c1 = 1 - Math.pow(b1, s.t);
    const c2 = 1 - Math.pow(b2, s.t);
    const stepSize = lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    const { m, v } = s;
    for (const r of this.ranges) {
      const shrink = r.decay ? 1 - lr * this.options.weightDecay : 1;
      for (let i = r.start; i < r.end; i++) {
        const g = grads[i];
        const mi = b1 * m[i] + (1 - b1) * g;
        const vi = b2 * v[i] + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] = params[i] * shrink - (stepSize * mi) / (Math.sqrt(vi) / sqrtC2 + eps);
      }
    }
  }
}

/** Linear warm-up from 0 to the peak, then cosine decay to `floor`·peak at the last step. */
export function learningRate(
  step: number,
  totalSteps: number,
  peak: number,
  warmupSteps: number,
  floor = 0.01,
): number {
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const span = Math.max(totalSteps - warmupSteps, 1);
  const progress = Math.min(Math.max((step - warmupSteps) / span, 0), 1);
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
