import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFolder } from '../../data/import/import-folder.ts';
import { embeddingCoverage, readEmbeddings } from '../../store/embeddings.ts';
import { itemFileLocation } from '../../store/items.ts';
import { Lab } from '../../store/lab.ts';
import { listModels } from '../../store/models.ts';
import { createFixtureLab } from '../../store/testing/fixture-lab.ts';
import { embedModel } from '../embed-incremental.ts';
import { embedOnnxModel } from './embed.ts';
import { loadQueryModel } from '../load-query-model.ts';
import { addOnnxModel, OnnxModelAlreadyAddedError } from './add.ts';
import { OnnxFolderError, OnnxModelFilesChangedError } from './errors.ts';
import { loadOnnxClipModel } from './load.ts';
import { copyTinyClip, TINY_CLIP, tinyClipExpected } from './testing/tiny-clip.ts';

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('a user CLIP in a lab', () => {
  it('is added as a finished model recording its files, and embeds every item and caption', async () => {
    const lab = createFixtureLab({ perPair: 2 });
    const added = await addOnnxModel(lab, copyTinyClip(), { name: 'tiny' });
    expect(added).toMatchObject({ name: 'tiny', dim: 16, imageSize: 32, maxLength: 24, vocabSize: 660, scale: 100 });
    const [row] = listModels(lab.db);
    expect(row).toMatchObject({ id: added.modelId, kind: 'onnx-clip', status: 'done', backend: 'onnxruntime' });
    expect(row.hasWeights).toBe(true);

    const progress: number[] = [];
    // Through embedModel, which every embed job calls: it dispatches on the model's kind.
    const r = await embedModel(lab, added.modelId, { batchSize: 10, onProgress: (p) => progress.push(p.done) });
    expect(r).toMatchObject({ status: 'done', images: 24, captions: 24 });
    expect(progress.at(-1)).toBe(48);
    const c = embeddingCoverage(lab.db, added.modelId);
    expect(c).toEqual({ images: 24, items: 24, captions: 24, liveCaptions: 24 });
    const images = readEmbeddings(lab.db, added.modelId, 'image');
    for (let i = 0; i < images.ids.length; i++)
      expect(Math.hypot(...images.data.subarray(i * 16, (i + 1) * 16))).toBeCloseTo(1, 5);
    // Incremental: nothing new, nothing embedded again.
    expect(await embedModel(lab, added.modelId)).toMatchObject({ images: 0, captions: 0 });

    // Search and classification load it by its kind.
    const model = await loadQueryModel(lab, added.modelId);
    expect({ kind: model.kind, dim: model.dim, hasText: model.hasText }).toEqual({
      kind: 'onnx-clip',
      dim: 16,
      hasText: true,
    });
    model.dispose();
    lab.close();
  });

  it('embeds imported images from their original files, captions through its tokenizer', async () => {
    const photos = mkdtempSync(join(tmpdir(), 'nearlab-photos-'));
    const expected = tinyClipExpected();
    for (const e of expected.images) copyFileSync(join(TINY_CLIP, e.file), join(photos, e.file.split('/')[1]));
    writeFileSync(join(photos, 'captions.csv'), `file,caption\nred-disc.png,"${expected.texts[0].text}"\n`);
    const lab = Lab.open(join(photos, '..', `${photos.split('/').at(-1)}.nearlab`));
    await importFolder(lab, photos);
    const { modelId } = await addOnnxModel(lab, TINY_CLIP);
    await embedOnnxModel(lab, modelId);

    const images = readEmbeddings(lab.db, modelId, 'image');
    expect(images.ids.length).toBe(2);
    // Each item's vector is torch's embedding of its file, normalised (not of the lab's 96×96 pixels).
    const byFile = new Map(expected.images.map((e) => [e.file.split('/')[1], unit(e.embedding)]));
    images.ids.forEach((id, row) => {
      const vector = images.data.subarray(row * 16, (row + 1) * 16);
      expect(maxDiff(vector, byFile.get(itemFileLocation(lab.db, id)!.path)!)).toBeLessThan(1e-4);
    });
    const captions = readEmbeddings(lab.db, modelId, 'caption');
    expect(maxDiff(captions.data, unit(expected.texts[0].embedding))).toBeLessThan(1e-4);
    lab.close();
  });

  it('writes nothing when the folder is bad', async () => {
    const lab = createFixtureLab({ perPair: 1 });
    const dir = copyTinyClip();
    writeFileSync(join(dir, 'tokenizer.json'), 'not json');
    await expect(addOnnxModel(lab, dir)).rejects.toThrow(OnnxFolderError);
    expect(listModels(lab.db)).toEqual([]);
    lab.close();
  });

  it('refuses the same folder twice', async () => {
    const lab = createFixtureLab({ perPair: 1 });
    const dir = copyTinyClip();
    const { modelId } = await addOnnxModel(lab, dir);
    await expect(addOnnxModel(lab, dir)).rejects.toThrow(OnnxModelAlreadyAddedError);
    expect(listModels(lab.db).map((m) => m.id)).toEqual([modelId]);
    lab.close();
  });

  it('says which files changed or moved since it was added', async () => {
    const lab = createFixtureLab({ perPair: 1 });
    const dir = copyTinyClip();
    const { modelId } = await addOnnxModel(lab, dir);
    const tokenizer = join(dir, 'tokenizer.json');
    const size = readFileSync(tokenizer).length;

    appendFileSync(tokenizer, '\n');
    const grown = await loadOnnxClipModel(lab, modelId).catch((e: unknown) => e);
    expect(grown).toBeInstanceOf(OnnxModelFilesChangedError);
    expect((grown as Error).message).toBe(
      `the files of model ${modelId} changed or moved: tokenizer.json changed (${size + 1} bytes, was ${size}) ` +
        `(in ${dir}): put them back, or add the folder again with \`nearlab model add\``,
    );

    // Same size, other content (a later modification time): found by its sha-256.
    const text = readFileSync(tokenizer, 'utf8').slice(0, -1);
    writeFileSync(tokenizer, text.replace('"version": "1.0"', '"version": "1.1"'));
    await expect(loadOnnxClipModel(lab, modelId)).rejects.toThrow(
      /tokenizer\.json changed \(same size, other content\)/,
    );
    // Back as it was: loads again.
    writeFileSync(tokenizer, text);
    (await loadOnnxClipModel(lab, modelId)).dispose();

    mkdirSync(`${dir}-moved`);
    renameSync(dir, `${dir}-moved/tiny-clip`);
    await expect(embedOnnxModel(lab, modelId)).rejects.toThrow(
      `the files of model ${modelId} changed or moved: onnx/vision_model.onnx is gone; onnx/text_model.onnx is gone;`,
    );
    lab.close();
  });
});
