import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { latestCheckpoint } from '../store/checkpoints.ts';
import { embeddingCounts, readEmbeddings } from '../store/embeddings.ts';
import { modelEpochs, modelSteps } from '../store/history.ts';
import { Lab } from '../store/lab.ts';
import { getModel, listModels, modelWeights } from '../store/models.ts';
import { createFixtureLab } from '../store/testing/fixture-lab.ts';
import type { DeepPartial, TrainConfig } from './config.ts';
import { TrainingDataError } from './errors.ts';
import { crashAfterStep, SimulatedCrash } from './testing/crash.ts';
import { TINY_CONFIG } from './testing/tiny-config.ts';
import { train } from './trainer.ts';

const tiny = (over: DeepPartial<TrainConfig> = {}): DeepPartial<TrainConfig> => ({
  ...TINY_CONFIG,
  epochs: 4,
  checkpointSeconds: 3600,
  ...over,
});

const local = { threads: 'local' as const, prefer: 'wasm' as const };

describe('train', () => {
  it('lowers the loss, records steps, epochs and validation metrics, and stores embeddings', async () => {
    const lab = createFixtureLab({ perPair: 6, seed: 4 });
    const r = await train(lab, tiny({ epochs: 12 }), local);
    expect(r.status).toBe('done');
    const epochs = modelEpochs(lab.db, r.modelId);
    expect(epochs).toHaveLength(12);
    expect(epochs[11].trainLoss).toBeLessThan(epochs[0].trainLoss * 0.7);
    const steps = modelSteps(lab.db, r.modelId);
    expect(steps.length).toBe(getModel(lab.db, r.modelId).stepsDone);
    expect(steps.every((s, i) => s.step === i && Number.isFinite(s.loss) && s.lr > 0)).toBe(true);
    // Warm-up then cosine decay.
    expect(steps[0].lr).toBeLessThan(steps[2].lr);
    expect(steps[steps.length - 1].lr).toBeLessThan(steps[2].lr);
    const m = epochs[11].metrics!;
    expect(m.images).toBeGreaterThan(5);
    // 12 colour×shape captions among the val images: chance R@5 is about 5/12 for i2t.
    expect(m.i2t.r5).toBeGreaterThan(0.6);
    // Once finished, the model's metrics also hold val classification accuracies (the fixture is labelled by shape).
    const final = getModel(lab.db, r.modelId).metrics!;
    expect(final.t2i).toEqual(m.t2i);
    expect(final.knnAccuracy).toBeGreaterThan(0.5);
    expect(final.zeroShotAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.metrics).toEqual(final);

    const live = (lab.db.prepare("SELECT count(*) AS n FROM items WHERE status = 'ok'").get() as { n: number }).n;
    expect(embeddingCounts(lab.db, r.modelId)).toEqual({ image: live, caption: live });
    const img = readEmbeddings(lab.db, r.modelId, 'image');
    expect(img.dim).toBe(16);
    for (let i = 0; i < img.ids.length; i++) {
      const norm = Math.hypot(...img.data.subarray(i * 16, (i + 1) * 16));
      expect(norm).toBeCloseTo(1, 4);
    }
    expect(getModel(lab.db, r.modelId).hasWeights).toBe(true);
    expect(latestCheckpoint(lab.db, r.modelId)).toBeNull();
    lab.close();
  });

  it('gives the same numbers for the same seed and different ones for another seed', async () => {
    const lab = createFixtureLab();
    const a = await train(lab, tiny(), local);
    const b = await train(lab, tiny(), local);
    const c = await train(lab, tiny({ seed: 8 }), local);
    const loss = (id: number) => modelSteps(lab.db, id).map((s) => s.loss);
    expect(loss(b.modelId)).toEqual(loss(a.modelId));
    expect(modelWeights(lab.db, b.modelId)).toEqual(modelWeights(lab.db, a.modelId));
    expect(loss(c.modelId)).not.toEqual(loss(a.modelId));
    // Older models keep their embeddings.
    expect(embeddingCounts(lab.db, a.modelId).image).toBeGreaterThan(0);
    lab.close();
  });

  it('keeps the tensor count constant across steps', async () => {
    const lab = createFixtureLab({ perPair: 6 });
    const counts: number[] = [];
    await train(lab, tiny({ epochs: 3 }), { ...local, onStep: () => counts.push(tf.memory().numTensors) });
    expect(counts.length).toBeGreaterThanOrEqual(6);
    expect(new Set(counts.slice(1)).size).toBe(1);
    lab.close();
  });

  it('resumes after a crash from the last checkpoint and ends exactly where an uninterrupted run ends', async () => {
    const fixture = createFixtureLab({ perPair: 6 });
    const straight = await train(fixture, tiny({ epochs: 3 }), local);
    await expect(
      train(fixture, tiny({ epochs: 3, checkpointSeconds: 0 }), { ...local, onStep: crashAfterStep(fixture, 3) }),
    ).rejects.toThrow(SimulatedCrash);
    const lab = Lab.open(fixture.path);
    const crashed = listModels(lab.db)[0];
    expect(crashed.status).toBe('running');
    expect(latestCheckpoint(lab.db, crashed.id)!.step).toBe(3);
    const resumed = await train(lab, {}, { ...local, resume: crashed.id });
    expect(resumed.modelId).toBe(crashed.id);
    expect(resumed.status).toBe('done');
    expect(modelWeights(lab.db, crashed.id)).toEqual(modelWeights(lab.db, straight.modelId));
    expect(modelSteps(lab.db, crashed.id)).toEqual(modelSteps(lab.db, straight.modelId));
    lab.close();
  });

  it('stops on abort with a checkpoint, and the cancelled run can be resumed', async () => {
    const lab = createFixtureLab({ perPair: 6 });
    const controller = new AbortController();
    const r = await train(lab, tiny({ epochs: 3 }), {
      ...local,
      signal: controller.signal,
      onStep: (s) => s === 2 && controller.abort(),
    });
    expect(r.status).toBe('cancelled');
    expect(getModel(lab.db, r.modelId).status).toBe('cancelled');
    expect(latestCheckpoint(lab.db, r.modelId)!.step).toBe(2);
    const done = await train(lab, {}, { ...local, resume: r.modelId });
    expect(done.status).toBe('done');
    expect(modelEpochs(lab.db, r.modelId)).toHaveLength(3);
    lab.close();
  });

  it('trains each loss (triplet, contrastive) and with label prompts off', async () => {
    const lab = createFixtureLab();
    for (const loss of [
      { kind: 'triplet', mining: 'semihard' },
      { kind: 'triplet', mining: 'hardest' },
      { kind: 'contrastive' },
    ] as const) {
      const r = await train(lab, tiny({ epochs: 2, loss, labelPrompts: false, supervised: true }), local);
      expect(r.status).toBe('done');
      expect(modelSteps(lab.db, r.modelId).every((s) => Number.isFinite(s.loss))).toBe(true);
    }
    lab.close();
  });

  it('runs data-parallel in two worker threads', async () => {
    const lab = createFixtureLab({ perPair: 6 });
    const r = await train(lab, tiny({ epochs: 6, workers: 2 }), { threads: 'workers', prefer: 'wasm' });
    expect(r.status).toBe('done');
    const epochs = modelEpochs(lab.db, r.modelId);
    expect(epochs[5].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(embeddingCounts(lab.db, r.modelId).image).toBeGreaterThan(0);
    lab.close();
  });

  it('refuses a lab without captioned training images', async () => {
    const lab = createFixtureLab({ perPair: 1 });
    lab.db.exec('DELETE FROM captions; DELETE FROM labels;');
    await expect(train(lab, tiny(), local)).rejects.toThrow(TrainingDataError);
    expect(listModels(lab.db)).toHaveLength(0);
    lab.close();
  });
});
