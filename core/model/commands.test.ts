import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register as registerEmbed } from '../cli/commands/embed.ts';
import { register as registerEval } from '../cli/commands/eval.ts';
import { register as registerModels } from '../cli/commands/models.ts';
import { configFromOptions, register as registerTrain } from '../cli/commands/train.ts';
import { Lab } from '../store/lab.ts';
import { readEmbeddings } from '../store/embeddings.ts';
import { loadLabData } from './data.ts';
import { EmbeddingModel } from './model.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';

/** Runs `nearlab <args>` with this module's commands and returns what went to stdout. */
async function cli(args: string[]): Promise<string> {
  const program = new Command('nearlab').exitOverride();
  for (const r of [registerTrain, registerEmbed, registerModels, registerEval]) r(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await program.parseAsync(['node', 'nearlab', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('nearlab train / models / embed / eval', () => {
  it('train --json, then models, eval and embed on the trained model', async () => {
    const fixture = createFixtureLab({ perPair: 5 });
    const path = fixture.path;
    fixture.close();
    const trained = JSON.parse(
      await cli([
        'train',
        '--lab',
        path,
        '--backbone',
        'scratch',
        '--epochs',
        '2',
        '--batch',
        '16',
        '--dim',
        '8',
        '--image-size',
        '16',
        '--workers',
        '1',
        '--seed',
        '3',
        '--json',
      ]),
    );
    expect(trained).toMatchObject({ status: 'done', modelId: 1 });
    expect(trained.epochs).toHaveLength(2);
    expect(trained.metrics.t2i).toHaveProperty('r1');

    const models = JSON.parse(await cli(['models', '--lab', path, '--json']));
    expect(models.models).toHaveLength(1);
    expect(models.models[0]).toMatchObject({
      id: 1,
      status: 'done',
      loss: 'npair',
      dim: 8,
      imageSize: 16,
      epochsDone: 2,
    });

    const ev = JSON.parse(await cli(['eval', '--lab', path, '--split', 'val', '--json', '--baseline']));
    for (const key of ['t2i', 'i2t']) {
      expect(Object.keys(ev[key]).sort()).toEqual(['medianRank', 'r1', 'r10', 'r5']);
    }
    expect(ev.split).toBe('val');
    expect(ev.zeroShotAccuracy).toBeGreaterThanOrEqual(0);
    expect(ev.knnAccuracy).toBeGreaterThanOrEqual(0);
    expect(ev.rawPixelKnnAccuracy).toBeGreaterThanOrEqual(0);
    expect(ev.classes).toBe(3);

    const lab = Lab.open(path, { create: false });
    lab.db.exec('DELETE FROM embeddings');
    lab.close();
    const emb = JSON.parse(await cli(['embed', '--lab', path, '--json']));
    expect(emb).toMatchObject({ modelId: 1, images: 60, captions: 60 });

    // In-thread inference reproduces the stored (worker-computed) embeddings.
    const again = Lab.open(path, { create: false });
    const model = await EmbeddingModel.load(again);
    expect(model.id).toBe(1);
    expect(model.dim).toBe(8);
    expect(model.scale).toBeGreaterThan(1);
    const data = loadLabData(again.db);
    const first = data.items.slice(0, 4);
    const px = first.map((i) => {
      const size = data.store.sizes[i.row];
      const off = data.store.offsets[i.row];
      return { data: data.store.data.slice(off, off + size * size * 3), size };
    });
    const mine = await model.embedImages(px.map((pixels) => ({ pixels, bytes: null })));
    const stored = readEmbeddings(again.db, 1, 'image');
    first.forEach((item, k) => {
      const r = stored.rowOf.get(item.id)!;
      for (let j = 0; j < 8; j++) expect(mine[k * 8 + j]).toBeCloseTo(stored.data[r * 8 + j], 4);
    });
    const texts = await model.embedTexts(first.map((i) => i.captions[0].text));
    const storedCaps = readEmbeddings(again.db, 1, 'caption');
    first.forEach((item, k) => {
      const r = storedCaps.rowOf.get(item.captions[0].id)!;
      for (let j = 0; j < 8; j++) expect(texts[k * 8 + j]).toBeCloseTo(storedCaps.data[r * 8 + j], 4);
    });
    model.dispose();
    again.close();
  }, 120_000);

  it('maps command-line options onto the training configuration', () => {
    const c = configFromOptions({
      json: false,
      loss: 'triplet',
      mining: 'hardest',
      margin: 0.3,
      epochs: 5,
      batch: 32,
      dim: 64,
      imageSize: 32,
      lr: 0.001,
      seed: 9,
      workers: 1,
      supervised: true,
      labelPrompts: false,
    });
    expect(c).toEqual({
      loss: { kind: 'triplet', mining: 'hardest', margin: 0.3 },
      epochs: 5,
      batchSize: 32,
      lr: 0.001,
      seed: 9,
      workers: 1,
      supervised: true,
      labelPrompts: false,
      model: { dim: 64, imageSize: 32 },
    });
  });

  it('reports a lab without models as a user error', async () => {
    const fixture = createFixtureLab({ perPair: 1 });
    fixture.close();
    await expect(cli(['eval', '--lab', fixture.path, '--json'])).rejects.toThrow(/no trained model/);
    expect(JSON.parse(await cli(['models', '--lab', fixture.path, '--json'])).models).toEqual([]);
  });
});
