import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { createRng } from '../util/random.ts';

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

function randomArray(n: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

/** Runs `f` on the named backend and returns its outputs as plain arrays. */
async function on(backend: 'wasm' | 'cpu', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(f);
  const data = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outs);
  return data;
}

interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid';
}

describe('composed wasm training kernels', () => {
  beforeAll(async () => {
    const info = await initBackend({ prefer: 'wasm' });
    expect(info.name).toBe('wasm');
  });

  const rand = createRng(7).next;
  const cases: Case[] = [];
  for (const stride of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      for (let r = 0; r < 3; r++) {
        cases.push({
          n: 1 + Math.floor(rand() * 3),
          h: 5 + Math.floor(rand() * 8),
          w: 5 + Math.floor(rand() * 8),
          ci: 1 + Math.floor(rand() * 5),
          co: 1 + Math.floor(rand() * 6),
          k: [1, 2, 3, 5][Math.floor(rand() * 4)],
          stride,
          pad,
        });
      }
    }
  }

  it.each(cases)('conv2d gradients match cpu: %o', async (c) => {
    const xs = randomArray(c.n * c.h * c.w * c.ci, rand);
    const ws = randomArray(c.k * c.k * c.ci * c.co, rand);
    const g = () => {
      const x = tf.tensor4d(xs, [c.n, c.h, c.w, c.ci]);
      const w = tf.tensor4d(ws, [c.k, c.k, c.ci, c.co]);
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
        // A non-uniform upstream gradient, so every output position matters.
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      };
      const [dx, dw] = tf.grads(f)([x, w]);
      return [dx, dw];
    };
    const [dxW, dwW] = await on('wasm', g);
    const [dxC, dwC] = await on('cpu', g);
    await tf.setBackend('wasm');
    expect(relError(dxW, dxC)).toBeLessThanOrEqual(1e-5);
    expect(relError(dwW, dwC)).toBeLessThanOrEqual(1e-5);
  });

  it('gather gradients (UnsortedSegmentSum) match cpu, with repeated ids', async () => {
    const table = randomArray(11 * 4, rand);
    const ids = [3, 0, 3, 10, 7, 3, 0];
    const g = () => {
      const t = tf.tensor2d(table, [11, 4]);
      const f = (a: tf.Tensor) =>
        tf.sum(tf.mul(tf.gather(a, tf.tensor1d(ids, 'int32')), tf.range(1, 29).reshape([7, 4])));
      return [tf.grad(f)(t)];
    };
    const [w] = await on('wasm', g);
    const [c] = await on('cpu', g);
    await tf.setBackend('wasm');
    expect(relError(w, c)).toBeLessThanOrEqual(1e-6);
    // Row 3 was gathered three times: its gradient sums three upstream rows.
    expect(w[3 * 4]).toBeCloseTo(1 + 9 + 21, 4);
  });
});
