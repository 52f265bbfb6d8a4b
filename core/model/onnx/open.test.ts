import { copyFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../util/user-error.ts';
import { OnnxRuntimeMissingError } from './errors.ts';
import { openClipFolder } from './open.ts';
import { importOrt } from './runtime.ts';
import { copyTinyClip, TINY_CLIP, TINY_CLIP_VARIANTS } from './testing/tiny-clip.ts';

/** The error opening `folder` gives (it must be a UserError), for its message. */
async function failure(folder: string): Promise<string> {
  const e = await openClipFolder(folder).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  return (e as Error).message;
}

const editJson = (dir: string, file: string, edit: (v: Record<string, unknown>) => void) => {
  const path = join(dir, file);
  const v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(v);
  writeFileSync(path, JSON.stringify(v));
};

describe('openClipFolder', () => {
  it('opens the tiny CLIP: its size, text length and scale, from its files', async () => {
    const clip = await openClipFolder(TINY_CLIP);
    try {
      expect(clip.dim).toBe(16);
      expect(clip.maxLength).toBe(24); // config.json's text_config.max_position_embeddings, not CLIP's 77
      expect(clip.scale).toBe(100);
      expect(clip.tokenizer.vocabSize).toBe(660);
      expect(clip.preprocessing).toMatchObject({ width: 32, height: 32, kernel: 'cubic' });
      expect(clip.files.all).toEqual([
        'onnx/vision_model.onnx',
        'onnx/text_model.onnx',
        'tokenizer.json',
        'preprocessor_config.json',
        'config.json',
        'tokenizer_config.json',
      ]);
    } finally {
      await clip.towers.release();
    }
  });

  it('names every required file a folder lacks', async () => {
    const dir = copyTinyClip();
    rmSync(join(dir, 'onnx/text_model.onnx'));
    rmSync(join(dir, 'tokenizer.json'));
    const message = await failure(dir);
    expect(message).toContain(`${dir} is not a CLIP export`);
    expect(message).toContain('it has no onnx/text_model.onnx, tokenizer.json');
  });

  it("without config.json and tokenizer_config.json takes CLIP's 77 tokens, which the tiny model does not", async () => {
    const dir = copyTinyClip();
    rmSync(join(dir, 'config.json'));
    rmSync(join(dir, 'tokenizer_config.json'));
    // The tiny model has 24 positions: CLIP's default length no longer fits it, and the probe says so.
    expect(await failure(dir)).toMatch(/onnx\/text_model\.onnx: running it on 2 texts of 77 tokens failed/);
  });

  it('refuses a truncated encoder, naming it', async () => {
    const dir = copyTinyClip();
    truncateSync(join(dir, 'onnx/vision_model.onnx'), 5000);
    expect(await failure(dir)).toMatch(
      new RegExp(`^${join(dir, 'onnx/vision_model.onnx')}: not a model onnxruntime can load`),
    );
  });

  it('refuses encoders swapped or with other input names', async () => {
    const dir = copyTinyClip();
    copyFileSync(join(TINY_CLIP, 'onnx/text_model.onnx'), join(dir, 'onnx/vision_model.onnx'));
    expect(await failure(dir)).toBe(
      `${join(dir, 'onnx/vision_model.onnx')}: it has no input named pixel_values (the images); ` +
        'its inputs: input_ids, attention_mask',
    );
  });

  it('refuses a vision encoder whose input is channels last', async () => {
    const dir = copyTinyClip();
    copyFileSync(join(TINY_CLIP_VARIANTS, 'vision_model_nhwc.onnx'), join(dir, 'onnx/vision_model.onnx'));
    expect(await failure(dir)).toBe(
      `${join(dir, 'onnx/vision_model.onnx')}: its input pixel_values has shape [batch_size, 32, 32, 3], ` +
        'not [batch, 3, height, width]',
    );
  });

  it('refuses preprocessing that makes images of another size than the vision encoder takes', async () => {
    const dir = copyTinyClip();
    editJson(dir, 'preprocessor_config.json', (v) => {
      v.size = { shortest_edge: 48 };
      v.crop_size = { height: 48, width: 48 };
    });
    expect(await failure(dir)).toBe(
      `${join(dir, 'preprocessor_config.json')}: it makes 48×48 images but onnx/vision_model.onnx takes 32×32`,
    );
  });

  it('refuses bad preprocessing values, naming the key', async () => {
    const dir = copyTinyClip();
    editJson(dir, 'preprocessor_config.json', (v) => (v.image_std = [0.26, 0, 0.27]));
    expect(await failure(dir)).toBe(
      `${join(dir, 'preprocessor_config.json')}: image_std.1: must be a positive number (it is 0)`,
    );
    editJson(dir, 'preprocessor_config.json', (v) => {
      v.image_std = [0.26, 0.26, 0.27];
      v.resample = 'bicubic';
    });
    expect(await failure(dir)).toMatch(/preprocessor_config\.json: resample: /);
  });

  it('refuses a tokenizer.json that does not parse, or is not a tokenizer', async () => {
    const dir = copyTinyClip();
    writeFileSync(join(dir, 'tokenizer.json'), '{"version": "1.0", "model": {');
    expect(await failure(dir)).toMatch(new RegExp(`^${join(dir, 'tokenizer.json')}: not valid JSON`));
    writeFileSync(join(dir, 'tokenizer.json'), '{"version": "1.0"}');
    expect(await failure(dir)).toBe(`${join(dir, 'tokenizer.json')}: not a tokenizers JSON file (no model)`);
  });

  it('refuses a tokenizer without an end-of-text token (CLIP pools there)', async () => {
    const dir = copyTinyClip();
    editJson(dir, 'tokenizer.json', (v) => (v.post_processor = null));
    expect(await failure(dir)).toMatch(/tokenizer\.json: it adds no end-of-text token/);
  });

  /** Adds tokens to the vocabulary past the text model's 660-row embedding table. */
  const growVocabulary = (dir: string) =>
    editJson(dir, 'tokenizer.json', (v) => {
      const model = v.model as { vocab: Record<string, number> };
      for (let i = 0; i < 40; i++) model.vocab[`extra${i}</w>`] = 660 + i;
    });

  it('refuses a vocabulary larger than the embedding table config.json gives', async () => {
    const dir = copyTinyClip();
    growVocabulary(dir);
    expect(await failure(dir)).toBe(
      `${join(dir, 'tokenizer.json')}: its vocabulary has 700 tokens, more than the text model's embedding table ` +
        '(config.json: text_config.vocab_size 660)',
    );
  });

  it('refuses a vocabulary larger than the embedding table the text model has (no config.json)', async () => {
    const dir = copyTinyClip();
    growVocabulary(dir);
    rmSync(join(dir, 'config.json'));
    editJson(dir, 'tokenizer_config.json', (v) => (v.model_max_length = 24));
    expect(await failure(dir)).toMatch(
      new RegExp(
        `^${join(dir, 'tokenizer.json')}: its vocabulary \\(ids up to 699\\) does not fit onnx/text_model\\.onnx's ` +
          'embedding table: running it on 1 text of 24 tokens failed',
      ),
    );
  });

  it('refuses a config.json whose projection_dim the encoders do not give', async () => {
    const dir = copyTinyClip();
    editJson(dir, 'config.json', (v) => (v.projection_dim = 512));
    expect(await failure(dir)).toBe(
      `${join(dir, 'config.json')}: projection_dim is 512 but the encoders give 16-value embeddings`,
    );
  });
});

describe('importOrt', () => {
  it('says how to install onnxruntime-node when it does not load', async () => {
    const missing = () => Promise.reject(new Error("Cannot find package 'onnxruntime-node'"));
    const e = await importOrt(missing).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OnnxRuntimeMissingError);
    expect((e as Error).message).toContain("Cannot find package 'onnxruntime-node'");
    expect((e as Error).message).toContain('npm install onnxruntime-node');
  });
});
