import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Results } from '../../core/api/contract.ts';
import { copyTinyClip } from '../../core/model/onnx/testing/tiny-clip.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';

/** 40 captioned sample images in a folder of their own. */
function photos(): { dir: string; files: string[] } {
  const dir = tempDir('nearlab-lit-clip-');
  const rows = readFileSync(join(SAMPLE_DIR, 'captions.tsv'), 'utf8').trim().split('\n').slice(1, 41);
  const files: string[] = [];
  const captions = ['file\tcaption'];
  for (const row of rows) {
    const [file, caption] = row.split('\t');
    const name = file.split('/').pop()!;
    copyFileSync(join(SAMPLE_DIR, file), join(dir, name));
    files.push(name);
    captions.push(`${name}\t${caption}`);
  }
  writeFileSync(join(dir, 'captions.tsv'), `${captions.join('\n')}\n`);
  return { dir, files };
}

describe('LiT on your own CLIP (--backbone onnx:<id>)', () => {
  it("trains a head and a text tower on the CLIP's frozen image tower, then searches by text and by a new image", async () => {
    const lab = join(tempDir('nearlab-lit-clip-lab-'), 'lit.nearlab');
    const { dir, files } = photos();
    await runCliJson(['import', dir, '--lab', lab, '--no-features']);
    const added = await runCliJson<{ model: { modelId: number; dim: number } }>([
      'model',
      'add',
      copyTinyClip(),
      '--lab',
      lab,
    ]);
    const clip = added.model.modelId;
    const backbone = `onnx:${clip}`;

    const unknown = await runCli(['train', '--lab', lab, '--backbone', 'onnx:99', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(`no backbone named 'onnx:99'`);
    expect(unknown.stdout).toContain(backbone);

    const trained = await runCliJson<{ modelId: number; status: string }>([
      'train',
      '--lab',
      lab,
      '--backbone',
      backbone,
      '--epochs',
      '2',
      '--batch',
      '16',
      '--dim',
      '16',
      '--workers',
      '1',
    ]);
    expect(trained.status).toBe('done');
    const models = (await runCliJson<Results['models']>(['models', '--lab', lab])).models;
    const lit = models.find((m) => m.id === trained.modelId)!;
    // The head reads the CLIP's image embeddings (its dim) and the model shows the CLIP's input side.
    expect(lit).toMatchObject({ kind: 'trained', backbone, embedded: true, imageSize: 32, dim: 16 });
    expect((lit.config as { model: { head: { featureDim: number } } }).model.head.featureDim).toBe(added.model.dim);
    // The features were computed once, from the CLIP, for every image; no "backbone features" model was made of them.
    const info = await runCliJson<{ features: Record<string, { images: number; done: number }> }>([
      'info',
      '--lab',
      lab,
    ]);
    expect(info.features[backbone]).toMatchObject({ images: files.length, done: files.length });
    expect(models.filter((m) => m.kind === 'backbone')).toEqual([]);

    const byText = await runCliJson<Results['search']>([
      'search',
      '--lab',
      lab,
      '--model',
      String(trained.modelId),
      '--text',
      'face',
      '-k',
      '5',
    ]);
    expect(byText.results).toHaveLength(5);
    // A new image goes through the CLIP's vision encoder, then the head: its own file comes back first.
    const byImage = await runCliJson<Results['search']>([
      'search',
      '--lab',
      lab,
      '--model',
      String(trained.modelId),
      '--image',
      join(dir, files[3]),
      '-k',
      '3',
    ]);
    expect(byImage.results[0].path).toBe(files[3]);
  }, 120_000);
});
