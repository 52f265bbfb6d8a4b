import * as tf from '@tensorflow/tfjs';
import type { ParamLayout } from './params.ts';

/** Model parameters as tensors, created from (and owned apart from) a flat array. */
export class Weights {
  private constructor(private readonly tensors: Map<string, tf.Tensor>) {}

  static fromFlat(layout: ParamLayout, flat: Float32Array): Weights {
    const m = new Map<string, tf.Tensor>();
    for (const e of layout.entries) {
      // slice(): the tensor must not alias a buffer that another thread rewrites.
      m.set(e.name, tf.tensor(flat.slice(e.offset, e.offset + e.size), e.shape, 'float32'));
    }
    return new Weights(m);
  }

  get(name: string): tf.Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`missing weight ${name}`);
    return t;
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}

/** Accumulates parameter gradients (and new buffer values) by name. */
export class Grads {
  private readonly tensors = new Map<string, tf.Tensor>();

  /** Adds `t` to the gradient of `name`. Takes ownership of `t`; safe inside tf.tidy. */
  add(name: string, t: tf.Tensor): void {
    const old = this.tensors.get(name);
    if (!old) {
      this.tensors.set(name, tf.keep(t));
      return;
    }
    const sum = tf.keep(tf.add(old, t));
    old.dispose();
    t.dispose();
    this.tensors.set(name, sum);
  }

  /** Sets a value (batch-norm running statistics), replacing any earlier one. */
  set(name: string, t: tf.Tensor): void {
    this.tensors.get(name)?.dispose();
    this.tensors.set(name, tf.keep(t));
  }

  get(name: string): tf.Tensor | undefined {
    return this.tensors.get(name);
  }

  /** Writes every gradient into `flat` at its layout offset; entries without one become 0. */
  writeTo(layout: ParamLayout, flat: Float32Array, only?: (name: string) => boolean): void {
    for (const e of layout.entries) {
      if (only && !only(e.name)) continue;
      const t = this.tensors.get(e.name);
      const view = flat.subarray(e.offset, e.offset + e.size);
      if (t) view.set(t.dataSync() as Float32Array);
      else view.fill(0);
    }
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}
