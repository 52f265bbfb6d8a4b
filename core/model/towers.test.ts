import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { BN_EPS, ImageTower, imageParamSpecs } from './image-tower.ts';
import { ParamLayout } from './params.ts';
import { createRng } from '../util/random.ts';
import { TextTower, textParamSpecs } from './text-tower.ts';
import { concatEncoded } from './tokenizer.ts';
import { Grads, Weights } from './weights.ts';

/** The image tower written with ordinary tf ops, differentiated by tf.grads (the reference). */
function referenceImage(x: tf.Tensor4D, p: Record<string, tf.Tensor>, depth: number): tf.Tensor2D {
  let h = x;
  for (let i = 0; i < depth; i++) {
    const z = tf.conv2d(h, p[`img.conv${i}.w`] as tf.Tensor4D, 1, 'same');
    const { mean, variance } = tf.moments(z, [0, 1, 2]);
    const y = tf.add(
      tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, BN_EPS))), p[`img.bn${i}.gamma`]),
      p[`img.bn${i}.beta`],
    );
    h = tf.maxPool(tf.relu(y) as tf.Tensor4D, 2, 2, 'valid');
  }
  const v = tf.add(
    tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, p['img.head.w'] as tf.Tensor2D),
    p['img.head.b'],
  ) as tf.Tensor2D;
  return tf.div(v, tf.norm(v, 'euclidean', 1, true)) as tf.Tensor2D;
}

function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-12);
}

function randomFlat(layout: ParamLayout, seed: number): Float32Array {
  const flat = layout.init(seed);
  const rand = createRng(seed + 1).next;
  // Non-trivial norm parameters so their gradients are exercised.
  for (const e of layout.entries) {
    if (e.name.includes('.gamma') || e.name.includes('.beta') || e.name.endsWith('.b') || /\.b\d$/.test(e.name)) {
      const v = layout.view(flat, e.name);
      for (let i = 0; i < v.length; i++) v[i] = (e.name.includes('gamma') ? 1 : 0) + 0.3 * (rand() - 0.5);
    }
  }
  return flat;
}

describe.each(['wasm', 'cpu'] as const)('hand-written backward matches tf.grads (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await tf.setBackend(backend);
  });

  it('image tower: every parameter gradient', () => {
    const cfg = { imageSize: 16, widths: [4, 6], dim: 5 };
    const layout = new ParamLayout(imageParamSpecs(cfg));
    const flat = randomFlat(layout, 3);
    const rand = createRng(11).next;
    const xs = Float32Array.from({ length: 3 * 16 * 16 * 3 }, () => rand() * 2 - 1);
    const rs = Float32Array.from({ length: 3 * 5 }, () => rand() * 2 - 1);
    const before = tf.memory().numTensors;

    const w = Weights.fromFlat(layout, flat);
    const x = tf.tensor4d(xs, [3, 16, 16, 3]);
    const r = tf.tensor2d(rs, [3, 5]);
    const tower = new ImageTower(cfg);
    const stats = new Grads();
    const grads = new Grads();
    const f = tower.forward(x, w, stats);
    tower.backward(f.cache, r, w, grads);

    const names = layout.entries.filter((e) => e.trainable).map((e) => e.name);
    const ref = tf.tidy(() => {
      const params = names.map((n) => w.get(n));
      const g = tf.grads((...ps: tf.Tensor[]) => {
        const p: Record<string, tf.Tensor> = {};
        names.forEach((n, i) => (p[n] = ps[i]));
        return tf.sum(tf.mul(referenceImage(x, p, 2), r));
      })(params);
      return { emb: referenceImage(x, Object.fromEntries(names.map((n) => [n, w.get(n)])), 2), g };
    });
    expect(relError(f.emb.dataSync(), ref.emb.dataSync())).toBeLessThan(1e-5);
    names.forEach((n, i) => {
      const mine = grads.get(n);
      expect(mine, n).toBeDefined();
      expect(relError(mine!.dataSync(), ref.g[i].dataSync()), n).toBeLessThan(2e-4);
    });
    // Running statistics moved towards the batch statistics.
    const mean0 = stats.get('img.bn0.mean')!.dataSync();
    expect(Math.max(...Array.from(mean0, Math.abs))).toBeGreaterThan(0);

    tf.dispose([x, r, f.emb, ref.emb, ...ref.g]);
    grads.dispose();
    stats.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('image tower: flat image regions (tied window maxima) still match the reference', () => {
    const cfg = { imageSize: 16, widths: [4, 6], dim: 5 };
    const layout = new ParamLayout(imageParamSpecs(cfg));
    const flat = randomFlat(layout, 4);
    // 8×8 blocks of constant colour: after conv, BN and ReLU many 2×2 windows hold equal maxima.
    const rand = createRng(5).next;
    const colours = Array.from({ length: 2 * 16 * 3 }, () => rand() * 2 - 1);
    const xs = new Float32Array(2 * 16 * 16 * 3);
    for (let n = 0; n < 2; n++)
      for (let y = 0; y < 16; y++)
        for (let x = 0; x < 16; x++)
          for (let c = 0; c < 3; c++)
            xs[((n * 16 + y) * 16 + x) * 3 + c] = colours[(n * 16 + (y >> 3) * 2 + (x >> 3)) * 3 + c];
    const rs = Float32Array.from({ length: 2 * 5 }, () => rand() * 2 - 1);
    const w = Weights.fromFlat(layout, flat);
    const x = tf.tensor4d(xs, [2, 16, 16, 3]);
    const r = tf.tensor2d(rs, [2, 5]);
    const tower = new ImageTower(cfg);
    const stats = new Grads();
    const grads = new Grads();
    const f = tower.forward(x, w, stats);
    tower.backward(f.cache, r, w, grads);
    const names = layout.entries.filter((e) => e.trainable).map((e) => e.name);
    const ref = tf.tidy(() =>
      tf.grads((...ps: tf.Tensor[]) => {
        const p: Record<string, tf.Tensor> = {};
        names.forEach((n, i) => (p[n] = ps[i]));
        return tf.sum(tf.mul(referenceImage(x, p, 2), r));
      })(names.map((n) => w.get(n))),
    );
    names.forEach((n, i) => expect(relError(grads.get(n)!.dataSync(), ref[i].dataSync()), n).toBeLessThan(2e-4));
    tf.dispose([x, r, f.emb, ...ref]);
    grads.dispose();
    stats.dispose();
    w.dispose();
  });

  it('text tower: every parameter gradient, repeated tokens and an empty text', () => {
    const cfg = { vocabSize: 9, embedDim: 4, hidden: 6, dim: 3 };
    const layout = new ParamLayout(textParamSpecs(cfg));
    const flat = randomFlat(layout, 5);
    const texts = concatEncoded([
      Int32Array.from([1, 2, 2]),
      Int32Array.from([8]),
      new Int32Array(0),
      Int32Array.from([0, 4, 1, 7]),
    ]);
    const rand = createRng(2).next;
    const rs = Float32Array.from({ length: 4 * 3 }, () => rand() * 2 - 1);
    const before = tf.memory().numTensors;

    const w = Weights.fromFlat(layout, flat);
    const r = tf.tensor2d(rs, [4, 3]);
    const tower = new TextTower(cfg);
    const grads = new Grads();
    const f = tower.forward(texts, w);
    tower.backward(f.cache, r, w, grads);

    const names = layout.entries.map((e) => e.name);
    const ref = tf.tidy(() =>
      tf.grads((...ps: tf.Tensor[]) => {
        const [emb, w1, b1, w2, b2] = ps;
        const rows: tf.Tensor[] = [];
        for (let i = 0; i < 4; i++) {
          const ids = texts.ids.subarray(texts.offsets[i], texts.offsets[i + 1]);
          rows.push(ids.length ? tf.mean(tf.gather(emb, tf.tensor1d(ids, 'int32')), 0) : tf.zeros([4]));
        }
        const h1 = tf.relu(tf.add(tf.matMul(tf.stack(rows) as tf.Tensor2D, w1 as tf.Tensor2D), b1));
        const v = tf.add(tf.matMul(h1 as tf.Tensor2D, w2 as tf.Tensor2D), b2);
        return tf.sum(tf.mul(tf.div(v, tf.norm(v, 'euclidean', 1, true)), r));
      })(names.map((n) => w.get(n))),
    );
    names.forEach((n, i) => expect(relError(grads.get(n)!.dataSync(), ref[i].dataSync()), n).toBeLessThan(1e-4));
    // Token 3 appears in no text: its embedding row gets no gradient.
    expect(Array.from(grads.get('txt.emb')!.dataSync().subarray(12, 16))).toEqual([0, 0, 0, 0]);

    tf.dispose([r, f.emb, ...ref]);
    grads.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
