import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { initBackend } from './backend.ts';
import { featureStandardisation, HEAD_MEAN, HEAD_SCALE, HeadTower, headParamSpecs } from './head-tower.ts';
import { ParamLayout } from './params.ts';
import { Grads, Weights } from './weights.ts';

/** The head written with ordinary tf ops, differentiated by tf.grads (the reference). */
function reference(x: tf.Tensor2D, p: Record<string, tf.Tensor>, hidden: number): tf.Tensor2D {
  const s = tf.mul(tf.sub(x, p[HEAD_MEAN]), p[HEAD_SCALE]) as tf.Tensor2D;
  const v =
    hidden > 0
      ? tf.add(
          tf.matMul(
            tf.relu(tf.add(tf.matMul(s, p['img.lit.fc1.w'] as tf.Tensor2D), p['img.lit.fc1.b'])) as tf.Tensor2D,
            p['img.lit.fc2.w'] as tf.Tensor2D,
          ),
          p['img.lit.fc2.b'],
        )
      : tf.add(tf.matMul(s, p['img.lit.fc.w'] as tf.Tensor2D), p['img.lit.fc.b']);
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

describe.each(['wasm', 'cpu'] as const)('LiT head: hand-written backward matches tf.grads (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await tf.setBackend(backend);
  });

  it.each([0, 7])('hidden %i: embeddings, every gradient, the standardisation passed on unchanged', (hidden) => {
    const cfg = { featureDim: 12, hidden, dim: 5 };
    const layout = new ParamLayout(headParamSpecs(cfg));
    const rand = createRng(3).next;
    const flat = layout.init(3);
    const xs = Float32Array.from({ length: 4 * 12 }, () => rand() * 6);
    const { mean, scale } = featureStandardisation(xs, 4, 12);
    layout.view(flat, HEAD_MEAN).set(mean);
    layout.view(flat, HEAD_SCALE).set(scale);
    for (const name of ['img.lit.fc.b', 'img.lit.fc1.b', 'img.lit.fc2.b'].filter((n) => layout.has(n))) {
      const v = layout.view(flat, name);
      for (let i = 0; i < v.length; i++) v[i] = 0.3 * (rand() - 0.5);
    }
    const rs = Float32Array.from({ length: 4 * 5 }, () => rand() * 2 - 1);
    const before = tf.memory().numTensors;

    const w = Weights.fromFlat(layout, flat);
    const x = tf.tensor2d(xs, [4, 12]);
    const r = tf.tensor2d(rs, [4, 5]);
    const tower = new HeadTower(cfg);
    const stats = new Grads();
    const grads = new Grads();
    const f = tower.forward(x, w, stats);
    const inference = tower.embed(x, w);
    tower.backward(f.cache, r, w, grads);

    const names = layout.entries.filter((e) => e.trainable).map((e) => e.name);
    const ref = tf.tidy(() => {
      const fixed = { [HEAD_MEAN]: w.get(HEAD_MEAN), [HEAD_SCALE]: w.get(HEAD_SCALE) };
      const g = tf.grads((...ps: tf.Tensor[]) => {
        const p: Record<string, tf.Tensor> = { ...fixed };
        names.forEach((n, i) => (p[n] = ps[i]));
        return tf.sum(tf.mul(reference(x, p, hidden), r));
      })(names.map((n) => w.get(n)));
      return { emb: reference(x, { ...fixed, ...Object.fromEntries(names.map((n) => [n, w.get(n)])) }, hidden), g };
    });
    expect(relError(f.emb.dataSync(), ref.emb.dataSync())).toBeLessThan(1e-5);
    expect(relError(inference.dataSync(), ref.emb.dataSync())).toBeLessThan(1e-5);
    names.forEach((n, i) => {
      expect(grads.get(n), n).toBeDefined();
      expect(relError(grads.get(n)!.dataSync(), ref.g[i].dataSync()), n).toBeLessThan(2e-4);
    });
    // The buffers come back as they went in: combining replicas keeps them.
    expect(Array.from(stats.get(HEAD_MEAN)!.dataSync())).toEqual(Array.from(mean));
    expect(Array.from(stats.get(HEAD_SCALE)!.dataSync())).toEqual(Array.from(scale));

    tf.dispose([x, r, f.emb, inference, ref.emb, ...ref.g]);
    grads.dispose();
    stats.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
