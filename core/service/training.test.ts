import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../api/contract.ts';
import { dispatch } from '../api/rpc.ts';
import { defaultTrainConfig } from '../model/config.ts';
import { recordEpoch } from '../store/history.ts';
import type { Lab } from '../store/lab.ts';
import { createModel } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { NearlabService } from './service.ts';

let lab: Lab | undefined;
afterEach(() => lab?.close());

async function call<M extends keyof Results>(service: NearlabService, method: M, p: unknown = {}): Promise<Results[M]> {
  const r = await dispatch(service.api, method, p);
  if (!r.ok) throw new Error(r.error.message);
  return r.result as Results[M];
}

describe('trainingDefaults', () => {
  it('gives the default of every setting from the training configuration, under startTraining’s names', async () => {
    lab = createFixtureLab({ perPair: 4 });
    const d = await call(new NearlabService(lab), 'trainingDefaults');
    const c = defaultTrainConfig();
    expect(d.settings).toEqual({
      loss: c.loss.kind,
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
    expect(byDefault.problems.map((p) => p.severity)).toEqual(['warning']);
    expect(byDefault.problems[0].message).toContain('fewer than one batch of 64');
    const small = (await call(service, 'trainingDefaults', { batch: 8 })).readiness;
    expect(small).toMatchObject({ batch: 8, problems: [] });

    lab.db.exec('DELETE FROM captions; DELETE FROM labels;');
    const none = (await call(service, 'trainingDefaults', { batch: 8 })).readiness;
    expect(none.problems).toEqual([
      { severity: 'error', message: expect.stringContaining('training needs at least 2') },
    ]);
    await expect(call(service, 'trainingDefaults', { batch: 1 })).rejects.toThrow();
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
