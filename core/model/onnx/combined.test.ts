import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFixtureLab } from '../../store/testing/fixture-lab.ts';
import { addOnnxModel } from './add.ts';
import { loadOnnxClipModel } from './load.ts';
import { OnnxClipModel } from './model.ts';
import { openClipFolder } from './open.ts';
import { copyTinyClip, TINY_CLIP, TINY_CLIP_VARIANTS, tinyClipExpected } from './testing/tiny-clip.ts';

/** The tiny CLIP as `optimum-cli export onnx` lays a CLIP out: one onnx/model.onnx holding both towers. */
function combinedFolder(): string {
  const dir = copyTinyClip();
  rmSync(join(dir, 'onnx'), { recursive: true });
  mkdirSync(join(dir, 'onnx'));
  copyFileSync(join(TINY_CLIP_VARIANTS, 'model.onnx'), join(dir, 'onnx/model.onnx'));
  return dir;
}

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('one model.onnx holding both towers (Optimum’s CLIP export)', () => {
  it('runs each tower alone, with the same embeddings as the split export, and its own logit scale', async () => {
    const expected = tinyClipExpected();
    const clip = await openClipFolder(combinedFolder());
    const model = new OnnxClipModel(1, clip);
    try {
      expect(clip.files.combined).toBe(true);
      expect(clip.files.all[0]).toBe('onnx/model.onnx');
      expect(model.dim).toBe(16);
      expect(model.scale).toBeCloseTo(50, 3);
      const bytes = expected.images.map((e) => readFileSync(join(TINY_CLIP, e.file)));
      const images = await model.embedImages(
        bytes.map((b) => ({ bytes: b, pixels: { data: new Uint8Array(3), size: 1 } })),
      );
      expected.images.forEach((e, i) =>
        expect(maxDiff(images.subarray(i * 16, (i + 1) * 16), unit(e.embedding))).toBeLessThan(1e-4),
      );
      const texts = await model.embedTexts(expected.texts.map((t) => t.text));
      expected.texts.forEach((t, i) =>
        expect(maxDiff(texts.subarray(i * 16, (i + 1) * 16), unit(t.embedding))).toBeLessThan(1e-4),
      );
    } finally {
      model.dispose();
    }
  });

  it('keeps the scale found when it was added', async () => {
    const lab = createFixtureLab({ perPair: 1 });
    const { modelId, scale } = await addOnnxModel(lab, combinedFolder());
    expect(scale).toBeCloseTo(50, 3);
    const model = await loadOnnxClipModel(lab, modelId);
    expect(model.scale).toBeCloseTo(50, 3);
    model.dispose();
    lab.close();
  });
});
