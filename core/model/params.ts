import { createRng } from '../util/random.ts';

/** How a parameter starts. */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'const'; value: number }
  /** Normal with the given standard deviation. */
  | { kind: 'normal'; std: number };

export interface ParamSpec {
  name: string;
  shape: number[];
  init: Init;
  /** Updated by the optimizer. False for buffers such as batch-norm running statistics. */
  trainable: boolean;
  /** AdamW weight decay applies (weights, embeddings; not biases, norms or the logit scale). */
  decay: boolean;
}

export interface ParamEntry extends ParamSpec {
  offset: number;
  size: number;
}

/**
 * All parameters and buffers of a model in one flat Float32Array: the unit that is averaged across
 * workers, updated by the optimizer, checkpointed and stored.
 */
export class ParamLayout {
  readonly entries: readonly ParamEntry[];
  readonly total: number;
  private readonly byName = new Map<string, ParamEntry>();

  constructor(specs: readonly ParamSpec[]) {
    let offset = 0;
    const entries: ParamEntry[] = [];
    for (const s of specs) {
      if (this.byName.has(s.name)) throw new Error(`duplicate parameter ${s.name}`);
      const size = s.shape.reduce((a, b) => a * b, 1);
      const e = { ...s, offset, size };
      entries.push(e);
      this.byName.set(s.name, e);
      offset += size;
    }
    this.entries = entries;
    this.total = offset;
  }

  get(name: string): ParamEntry {
    const e = this.byName.get(name);
    if (!e) throw new Error(`unknown parameter ${name}`);
    return e;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A view (no copy) of one parameter inside a flat array. */
  view(flat: Float32Array, name: string): Float32Array {
    const e = this.get(name);
    return flat.subarray(e.offset, e.offset + e.size);
  }

  /** Fresh parameter values from a seed. */
  init(seed: number): Float32Array {
    const flat = new Float32Array(this.total);
    const rng = createRng(seed);
    for (const e of this.entries) {
      const v = flat.subarray(e.offset, e.offset + e.size);
      switch (e.init.kind) {
        case 'zeros':
          break;
        case 'ones':
          v.fill(1);
          break;
        case 'const':
          v.fill(e.init.value);
          break;
        case 'normal':
          for (let i = 0; i < v.length; i++) v[i] = rng.normal() * e.init.std;
          break;
      }
    }
    return flat;
  }
}
