import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxClipModel } from './model.ts';
import { openClipFolder } from './open.ts';
import { TINY_CLIP, tinyClipExpected } from './testing/tiny-clip.ts';

const expected = tinyClipExpected();
let model: OnnxClipModel;

beforeAll(async () => {
  model = new OnnxClipModel(7, await openClipFolder(TINY_CLIP));
});
afterAll(() => model.dispose());

function expectClose(actual: Float32Array, reference: number[]): void {
  expect(actual.length).toBe(reference.length);
  const worst = Math.max(...reference.map((v, i) => Math.abs(v - actual[i])));
  expect(worst).toBeLessThan(1e-4);
}

describe('OnnxClipModel', () => {
  it('is a QueryModel of kind onnx-clip with a text tower and CLIP scale', () => {
    expect({ id: model.id, kind: model.kind, dim: model.dim, hasText: model.hasText, scale: model.scale }).toEqual({
      id: 7,
      kind: 'onnx-clip',
      dim: 16,
      hasText: true,
      scale: 100,
    });
  });

  it('tokenizes as the script tokenizer does: lower case, CLIP pre-tokenizer, BPE, start/end, truncation', () => {
    for (const t of expected.tokens) expect(model.tokenIds(t.text), t.text).toEqual(t.ids);
    // The long text is cut to the model's 24 positions, its end token kept.
    expect(expected.tokens.at(-1)!.ids).toHaveLength(24);
  });

  it('embeds images from their files as torch does (within 1e-4)', async () => {
    const images = expected.images.map((e) => ({
      bytes: readFileSync(join(TINY_CLIP, e.file)),
      pixels: { data: new Uint8Array(3), size: 1 },
    }));
    const emb = await model.embedImages(images);
    expected.images.forEach((e, i) => expectClose(emb.subarray(i * 16, (i + 1) * 16), e.embedding));
  });

  it('embeds from the stored pixels when there are no bytes', async () => {
    const file = join(TINY_CLIP, expected.images[0].file);
    const { data } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expectClose(await model.embedImages([{ bytes: null, pixels: { data, size: 32 } }]), expected.images[0].embedding);
  });

  it('embeds texts as torch does (within 1e-4), in any batch', async () => {
    const emb = await model.embedTexts(expected.texts.map((t) => t.text));
    expected.texts.forEach((t, i) => expectClose(emb.subarray(i * 16, (i + 1) * 16), t.embedding));
    const alone = await model.embedTexts([expected.texts[1].text]);
    expectClose(alone, expected.texts[1].embedding);
  });
});
