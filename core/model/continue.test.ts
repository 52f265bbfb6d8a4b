import { describe, expect, it } from 'vitest';
import { allCaptions } from '../store/captions.ts';
import { latestCheckpoint } from '../store/checkpoints.ts';
import { readEmbeddings } from '../store/embeddings.ts';
import { modelEpochs, modelSteps } from '../store/history.ts';
import { getModel, modelWeights } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { ConfigError } from './config.ts';
import { TrainingDataError } from './errors.ts';
import { EmbeddingModel } from './model.ts';
import { readModelConfig } from './stored.ts';
import { TINY_CONFIG } from './testing/tiny-config.ts';
import { train } from './trainer.ts';

const local = { threads: 'local' as const, prefer: 'wasm' as const };
const tiny = { ...TINY_CONFIG, epochs: 2, checkpointSeconds: 3600 };

describe('continuing a finished run for more epochs', () => {
  it('trains on from its final weights up to the epochs asked for, appends its history and embeds the lab again', async () => {
    const lab = createFixtureLab({ perPair: 4 });
    const { modelId } = await train(lab, tiny, local);
    const before = {
      model: getModel(lab.db, modelId),
      epochs: modelEpochs(lab.db, modelId),
      steps: modelSteps(lab.db, modelId),
      weights: modelWeights(lab.db, modelId),
      images: readEmbeddings(lab.db, modelId, 'image'),
    };

    const r = await train(lab, { epochs: 4 }, { ...local, resume: modelId });
    expect(r).toMatchObject({ modelId, status: 'done' });
    const after = getModel(lab.db, modelId);
    expect(after).toMatchObject({ status: 'done', epochsDone: 4, pid: null, hasWeights: true });
    expect(readModelConfig(lab.db, modelId).epochs).toBe(4);
    expect(latestCheckpoint(lab.db, modelId)).toBeNull();

    // The first two epochs and their steps are kept as they were; the new ones follow on.
    const epochs = modelEpochs(lab.db, modelId);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    expect(epochs.slice(0, 2)).toEqual(before.epochs);
    expect(r.epochs).toHaveLength(4);
    const steps = modelSteps(lab.db, modelId);
    expect(steps.slice(0, before.steps.length)).toEqual(before.steps);
    expect(steps.length).toBe(2 * before.steps.length);
    expect(steps.every((s, i) => s.step === i)).toBe(true);
    expect(after.stepsDone).toBe(steps.length);
    expect(steps.at(-1)!.epoch).toBe(3);

    // New weights, and embeddings made with them: the old ones are gone.
    expect(modelWeights(lab.db, modelId)).not.toEqual(before.weights);
    const images = readEmbeddings(lab.db, modelId, 'image');
    expect([...images.ids].sort()).toEqual([...before.images.ids].sort());
    expect(images.data).not.toEqual(before.images.data);
    const model = await EmbeddingModel.load(lab, modelId, { prefer: 'wasm' });
    const caption = allCaptions(lab.db)[0];
    const mine = await model.embedTexts([caption.text]);
    const stored = readEmbeddings(lab.db, modelId, 'caption');
    const row = stored.rowOf.get(caption.id)!;
    for (let j = 0; j < model.dim; j++) expect(mine[j]).toBeCloseTo(stored.data[row * model.dim + j], 4);
    model.dispose();
    lab.close();
  }, 120_000);

  it('needs more epochs than it has trained, and a refused continuation leaves the run finished', async () => {
    const lab = createFixtureLab({ perPair: 3 });
    const { modelId } = await train(lab, tiny, local);
    await expect(train(lab, {}, { ...local, resume: modelId })).rejects.toThrow(
      new ConfigError(
        `model ${modelId} already finished training its 2 epochs; to continue it, ask for more epochs in total (e.g. --epochs 12)`,
      ),
    );
    await expect(train(lab, { epochs: 2 }, { ...local, resume: modelId })).rejects.toThrow(
      `model ${modelId} has trained 2 epochs; to continue it, ask for more than 2 in total`,
    );
    lab.db.exec('DELETE FROM captions; DELETE FROM labels;');
    await expect(train(lab, { epochs: 3 }, { ...local, resume: modelId })).rejects.toThrow(TrainingDataError);
    expect(getModel(lab.db, modelId)).toMatchObject({ status: 'done', epochsDone: 2, pid: null });
    expect(readModelConfig(lab.db, modelId).epochs).toBe(2);
    lab.close();
  }, 120_000);
});
