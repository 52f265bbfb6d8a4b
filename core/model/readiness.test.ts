import { describe, expect, it } from 'vitest';
import { recordEpoch } from '../store/history.ts';
import type { Lab } from '../store/lab.ts';
import { createModel } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import { resolveConfig, type DeepPartial, type TrainConfig } from './config.ts';
import { estimateDuration, trainingReadiness } from './readiness.ts';

const count = (lab: Lab, sql: string) => (lab.db.prepare(sql).get() as { n: number }).n;
const trainImages = (lab: Lab) => count(lab, "SELECT count(*) AS n FROM items WHERE split = 'train'");

/** A run of `partial` that measured `samplesPerSec` in its last epoch (nothing trained). */
function measuredRun(lab: Lab, partial: DeepPartial<TrainConfig>, samplesPerSec: number): number {
  const id = createModel(lab.db, { config: resolveConfig(partial), tokenizer: {}, data: {}, backend: 'test' });
  recordEpoch(lab.db, id, { epoch: 0, trainLoss: 1, metrics: null, seconds: 10, samplesPerSec: samplesPerSec / 2 });
  recordEpoch(lab.db, id, { epoch: 1, trainLoss: 1, metrics: null, seconds: 10, samplesPerSec });
  return id;
}

describe('trainingReadiness', () => {
  it('counts the train images a run pairs with a text, and has nothing to say when a batch fills', () => {
    const lab = createFixtureLab({ perPair: 4 });
    const n = trainImages(lab);
    expect(trainingReadiness(lab.db, { labelPrompts: true, batchSize: 16 })).toEqual({
      trainImages: n,
      captioned: n,
      pairs: n,
      batch: 16,
      problems: [],
    });
    lab.close();
  });

  it('warns when the train split has fewer pairs than one batch', () => {
    const lab = createFixtureLab({ perPair: 4 });
    const n = trainImages(lab);
    const r = trainingReadiness(lab.db, { labelPrompts: true, batchSize: 64 });
    expect(r.batch).toBe(n);
    expect(r.problems).toEqual([
      {
        severity: 'warning',
        message: expect.stringMatching(
          new RegExp(`^the train split has ${n} image–text pairs, fewer than one batch of 64: .*lower the batch size$`),
        ),
      },
    ]);
    lab.close();
  });

  it('warns when the train split has no captions and trains on label prompts only, saying how to add captions', () => {
    const lab = createFixtureLab({ perPair: 4 });
    lab.db.exec('DELETE FROM captions');
    const r = trainingReadiness(lab.db, { labelPrompts: true, batchSize: 16 });
    expect(r).toMatchObject({ captioned: 0, pairs: trainImages(lab) });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].severity).toBe('warning');
    expect(r.problems[0].message).toMatch(/^the train split has no captions: the model learns only the label prompts/);
    expect(r.problems[0].message).toContain('--caption-from-filename');
    lab.close();
  });

  it('gives the error the run would stop with when fewer than 2 images have a text', () => {
    const lab = createFixtureLab({ perPair: 4 });
    lab.db.exec('DELETE FROM captions');
    const r = trainingReadiness(lab.db, { labelPrompts: false, batchSize: 16 });
    expect(r.pairs).toBe(0);
    expect(r.problems).toEqual([
      {
        severity: 'error',
        message: expect.stringMatching(
          /^the train split has 0 images with a caption; training needs at least 2: import captions/,
        ),
      },
    ]);
    lab.close();
  });
});

describe('estimateDuration', () => {
  it('is null until a run of the same network and workers has finished an epoch in the lab', () => {
    const lab = createFixtureLab({ perPair: 2 });
    const config = resolveConfig({ epochs: 10, batchSize: 8 });
    expect(estimateDuration(lab.db, config, 40)).toBeNull();
    measuredRun(lab, { model: { dim: 32 } }, 100);
    measuredRun(lab, { workers: 1 }, 100);
    expect(estimateDuration(lab.db, config, 40)).toBeNull();
    lab.close();
  });

  it('times the run at the newest such run’s last-epoch speed', () => {
    const lab = createFixtureLab({ perPair: 2 });
    const config = resolveConfig({ epochs: 10, batchSize: 8 });
    measuredRun(lab, {}, 50);
    const newest = measuredRun(lab, { epochs: 3 }, 20);
    measuredRun(lab, { model: { dim: 32 } }, 1000);
    // 42 pairs in batches of 8: 5 steps of 8 samples per epoch, 400 samples over 10 epochs, at 20 samples/s.
    expect(estimateDuration(lab.db, config, 42)).toEqual({ seconds: 20, samplesPerSec: 20, modelId: newest });
    expect(estimateDuration(lab.db, config, 1)).toBeNull();
    lab.close();
  });
});
