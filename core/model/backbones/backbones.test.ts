import { describe, expect, it } from 'vitest';
import { backboneInfo, backboneNames, DEFAULT_BACKBONE, loadBackbone, UnknownBackboneError } from './index.ts';
import { OnnxBackbone } from './onnx-backbone.ts';
import { flipHorizontal } from './preprocess.ts';
import { BackboneRuntimeError, onnxRuntimeFor, runtimeFromEnvironment } from './runtime.ts';
import { TfBackbone } from './tf-backbone.ts';

/** n distinct synthetic s×s RGB images: diagonal gradients with a bright square off centre (not mirror-symmetric). */
function images(n: number, s: number): Uint8Array {
  const out = new Uint8Array(n * s * s * 3);
  for (let k = 0; k < n; k++) {
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const at = ((k * s + y) * s + x) * 3;
        const inSquare = x > s * 0.1 && x < s * 0.4 && y > s * 0.3 && y < s * 0.6;
        out[at] = inSquare ? 250 : (x * (k + 1)) % 256;
        out[at + 1] = inSquare ? 240 : (y * 2 + k * 40) % 256;
        out[at + 2] = inSquare ? 20 : ((x + y) * 3) % 256;
      }
    }
  }
  return out;
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};

describe('backbones', () => {
  it('the default backbone loads offline and gives featureDim values per image: deterministic, a flip differs', async () => {
    expect(backboneNames()).toContain(DEFAULT_BACKBONE);
    const b = await loadBackbone(DEFAULT_BACKBONE);
    try {
      expect(b.featureDim).toBe(backboneInfo(DEFAULT_BACKBONE).featureDim);
      const s = b.inputSize;
      const two = images(2, s);
      const y = await b.run(two, 2);
      expect(y.length).toBe(2 * b.featureDim);
      expect(y.every(Number.isFinite)).toBe(true);
      const [f0, f1] = [y.subarray(0, b.featureDim), y.subarray(b.featureDim)];
      expect(f0.some((v) => v !== 0)).toBe(true);
      // Different images, different features; the same image twice (alone this time), the same features.
      expect(cosine(f0, f1)).toBeLessThan(0.999);
      const again = await b.run(two.subarray(0, s * s * 3), 1);
      for (let i = 0; i < b.featureDim; i++) expect(again[i]).toBeCloseTo(f0[i], 4);
      // The mirror image (view 1) is another input: its features differ.
      const flipped = await b.run(flipHorizontal(two.subarray(0, s * s * 3), 1, s), 1);
      expect(cosine(f0, flipped)).toBeLessThan(0.999);
    } finally {
      b.dispose();
    }
  });

  it('the default backbone computes the same features on onnxruntime (its default) as on TF.js', async () => {
    const onnx = await loadBackbone(DEFAULT_BACKBONE, { threads: 1 });
    const tfjs = await loadBackbone(DEFAULT_BACKBONE, { runtime: 'tfjs' });
    try {
      expect(onnx).toBeInstanceOf(OnnxBackbone);
      expect(tfjs).toBeInstanceOf(TfBackbone);
      const three = images(3, onnx.inputSize);
      const [a, b] = [await onnx.run(three, 3), await tfjs.run(three, 3)];
      expect(a.length).toBe(b.length);
      let worst = 0;
      let largest = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        largest = Math.max(largest, Math.abs(b[i]));
      }
      expect(largest).toBeGreaterThan(0.5);
      expect(worst).toBeLessThan(1e-4 * largest);
    } finally {
      onnx.dispose();
      tfjs.dispose();
    }
  });

  it('NEARLAB_BACKBONE_RUNTIME picks the runtime; without onnxruntime the default falls back to TF.js', async () => {
    expect(runtimeFromEnvironment({})).toBeNull();
    expect(runtimeFromEnvironment({ NEARLAB_BACKBONE_RUNTIME: ' tfjs ' })).toBe('tfjs');
    expect(() => runtimeFromEnvironment({ NEARLAB_BACKBONE_RUNTIME: 'cuda' })).toThrow(BackboneRuntimeError);
    expect(() => runtimeFromEnvironment({ NEARLAB_BACKBONE_RUNTIME: 'cuda' })).toThrow(/must be onnx or tfjs/);
    const missing = () => Promise.reject(new Error('onnxruntime-node is not installed'));
    expect(await onnxRuntimeFor({}, missing)).toBeNull();
    expect(await onnxRuntimeFor({ runtime: 'tfjs' }, () => Promise.reject(new Error('not called')))).toBeNull();
    await expect(onnxRuntimeFor({ runtime: 'onnx' }, missing)).rejects.toThrow(/not installed/);
  });

  it('mobilenet_v2 (a layers model cut at its pooled features) gives its registered dimension', async () => {
    const b = await loadBackbone('mobilenet_v2');
    try {
      const y = await b.run(images(1, b.inputSize), 1);
      expect(y.length).toBe(backboneInfo('mobilenet_v2').featureDim);
      expect(y.some((v) => v > 0)).toBe(true);
    } finally {
      b.dispose();
    }
  });

  it('an unknown backbone name is a user error that lists the names there are', async () => {
    await expect(loadBackbone('resnet50')).rejects.toThrow(UnknownBackboneError);
    expect(() => backboneInfo('resnet50')).toThrow(
      "no backbone named 'resnet50': choose one of mobilenet_v2_mid, mobilenet_v2, inception_v3",
    );
  });
});
