import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE } from '../model/backbones/index.ts';
import { defaultTrainConfig } from '../model/config.ts';
import { TINY_CONFIG } from '../model/testing/tiny-config.ts';
import { train } from '../model/trainer.ts';
import { modelEpochs, recordEpoch } from '../store/history.ts';
import type { Lab } from '../store/lab.ts';
import { createModel } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { NearlabService } from './service.ts';
import { callApi } from './testing/call-api.ts';

let lab: Lab | undefined;
afterEach(() => lab?.close());

const call = callApi;

describe('trainingDefaults', () => {
  it('gives the default of every setting from the training configuration, under startTraining’s names', async () => {
    lab = createFixtureLab({ perPair: 4 });
    const d = await call(new NearlabService(lab), 'trainingDefaults');
    const c = defaultTrainConfig();
    expect(d.settings).toEqual({
      loss: c.loss.kind,
      backbone: c.model.backbone ?? 'scratch',
      epochs: c.epochs,
      batch: c.batchSize,
      dim: c.model.dim,
      imageSize: c.model.imageSize,
      lr: c.lr,
      seed: c.seed,
    });
    expect(d.config).toEqual(c);
    // No run has measured a speed in this lab: no estimate, rather than an invented one.
    expect(d.estimate).toBeNull();
  });

  it('says whether the train split can train, for the batch asked for', async () => {
    lab = createFixtureLab({ perPair: 4 });
    const service = new NearlabService(lab);
    const byDefault = (await call(service, 'trainingDefaults')).readiness;
    expect(byDefault.pairs).toBeLessThan(defaultTrainConfig().batchSize);
    const images = (await call(service, 'info')).images;
    // The default run is a head on the default backbone, whose features the fixture lab has none of yet.
    const toCompute = {
      severity: 'warning',
      message: expect.stringContaining(
        `${images} images have no ${DEFAULT_BACKBONE} features yet: the run computes them first`,
      ),
    };
    expect(byDefault.problems).toEqual([
      {
        severity: 'warning',
        message: expect.stringContaining(`fewer than one batch of ${defaultTrainConfig().batchSize}`),
      },
      toCompute,
    ]);
    const small = (await call(service, 'trainingDefaults', { batch: 8 })).readiness;
    expect(small).toMatchObject({ batch: 8, problems: [toCompute] });
    const scratch = (await call(service, 'trainingDefaults', { batch: 8, backbone: 'scratch' })).readiness;
    expect(scratch.problems).toEqual([]);

    lab.db.exec('DELETE FROM captions; DELETE FROM labels;');
    const none = (await call(service, 'trainingDefaults', { batch: 8 })).readiness;
    expect(none.problems).toEqual([
      { severity: 'error', message: expect.stringContaining('training needs at least 2') },
    ]);
    await expect(call(service, 'trainingDefaults', { batch: 1 })).rejects.toThrow();
  });

  it('gives a backbone’s own defaults (a LiT head), and each image tower with how far its features are', async () => {
    lab = createFixtureLab({ perPair: 4 });
    const service = new NearlabService(lab);
    const d = await call(service, 'trainingDefaults', { backbone: 'mobilenet_v2' });
    const c = defaultTrainConfig('mobilenet_v2');
    expect(d.settings).toMatchObject({ backbone: 'mobilenet_v2', epochs: c.epochs, lr: c.lr });
    expect(d.config).toMatchObject({ model: { backbone: 'mobilenet_v2', head: { featureDim: 1280 } } });
    const images = (await call(service, 'info')).images;
    expect(d.backbones[0]).toEqual({ name: 'scratch', title: 'CNN trained from scratch', features: null });
    expect(d.backbones.find((b) => b.name === 'mobilenet_v2')).toMatchObject({ features: { done: 0, images } });
    await expect(call(service, 'trainingDefaults', { backbone: 'resnet' })).rejects.toThrow(
      "no backbone named 'resnet'",
    );
  });

  it('estimates a default run’s training time from the speed a default-sized run measured', async () => {
    lab = createFixtureLab({ perPair: 4 });
    const id = createModel(lab.db, { config: defaultTrainConfig(), tokenizer: {}, data: {}, backend: 'test' });
    recordEpoch(lab.db, id, { epoch: 0, trainLoss: 1, metrics: null, seconds: 10, samplesPerSec: 4 });
    const d = await call(new NearlabService(lab), 'trainingDefaults');
    // Fewer pairs than a batch: one step of every pair per epoch.
    const samples = d.settings.epochs * d.readiness.pairs;
    expect(d.estimate).toEqual({ seconds: samples / 4, samplesPerSec: 4, modelId: id });
  });
});

describe('startTraining with resumeModelId and epochs', () => {
  it('continues a finished model for more epochs as a job, and it covers the lab again when done', async () => {
    lab = createFixtureLab({ perPair: 3 });
    const { modelId } = await train(
      lab,
      { ...TINY_CONFIG, epochs: 1, workers: 1 },
      { threads: 'local', prefer: 'wasm' },
    );
    const service = new NearlabService(lab);
    const { jobId } = await call(service, 'startTraining', { resumeModelId: modelId, epochs: 2 });
    await service.jobManager.idle();
    const job = (await call(service, 'jobs')).jobs.find((j) => j.id === jobId)!;
    expect(job).toMatchObject({ title: `Continue model ${modelId} to 2 epochs`, status: 'done', error: null });
    const [model] = (await call(service, 'models')).models;
    expect(model).toMatchObject({ id: modelId, status: 'done', epochsDone: 2, epochs: 2, embedded: true });
    expect(modelEpochs(lab.db, modelId)).toHaveLength(2);

    // Without epochs, a resumed run keeps its own: a finished one has nothing left to train.
    const again = await call(service, 'startTraining', { resumeModelId: modelId });
    await service.jobManager.idle();
    expect((await call(service, 'jobs')).jobs.find((j) => j.id === again.jobId)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining(`model ${modelId} already finished training its 2 epochs`),
    });
    expect((await call(service, 'models')).models[0]).toMatchObject({ status: 'done', epochsDone: 2 });
  }, 120_000);
});
