import { describe, expect, it } from 'vitest';
import { createFixtureLab } from './testing/fixture-lab.ts';
import { saveCheckpoint } from './checkpoints.ts';
import { modelEpochs, modelSteps, recordEpoch, recordSteps } from './history.ts';
import { migrations } from './migrations/index.ts';
import {
  backboneModelId,
  claimModel,
  createModel,
  createReadyModel,
  finishModel,
  getModel,
  latestModelId,
  listModels,
  modelWeights,
  ModelNotFoundError,
  removeModel,
  resolveModelId,
  resumableModels,
  runStatus,
} from './models.ts';
import { metrics, newModel } from './testing/model-fixtures.ts';

describe('models store', () => {
  it('is created by migration 002', () => {
    const lab = createFixtureLab({ perPair: 1 });
    expect(lab.schemaVersion).toBe(migrations.length);
    const tables = (
      lab.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(['models', 'model_steps', 'model_epochs', 'model_checkpoints', 'embeddings']),
    );
    lab.close();
  });

  it('records a run: steps, epochs with metrics, final weights; lists newest first', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const a = createModel(lab.db, newModel);
    const b = createModel(lab.db, newModel);
    expect(listModels(lab.db).map((m) => m.id)).toEqual([b, a]);
    expect(getModel(lab.db, a)).toMatchObject({
      status: 'running',
      config: { epochs: 3 },
      tokenizer: { words: ['a'] },
      pid: process.pid,
    });
    recordSteps(lab.db, a, [
      { step: 0, epoch: 0, loss: 3, lr: 0.1, logitScale: 2.6 },
      { step: 1, epoch: 0, loss: 2, lr: 0.2, logitScale: 2.7 },
    ]);
    recordEpoch(lab.db, a, { epoch: 0, trainLoss: 2.5, metrics: metrics(0.3), seconds: 4, samplesPerSec: 32 });
    expect(modelSteps(lab.db, a).map((s) => s.loss)).toEqual([3, 2]);
    expect(modelEpochs(lab.db, a)[0].metrics).toEqual(metrics(0.3));
    const s = listModels(lab.db).find((m) => m.id === a)!;
    expect(s).toMatchObject({ stepsDone: 2, epochsDone: 1, metrics: metrics(0.3), hasWeights: false });
    expect(latestModelId(lab.db)).toBeNull();
    expect(() => resolveModelId(lab.db)).toThrow(ModelNotFoundError);

    finishModel(lab.db, a, { status: 'done', weights: Float32Array.from([1, 2, 3]) });
    expect(modelWeights(lab.db, a)).toEqual(Float32Array.from([1, 2, 3]));
    expect(latestModelId(lab.db)).toBe(a);
    expect(resolveModelId(lab.db)).toBe(a);
    expect(resolveModelId(lab.db, b)).toBe(b);
    expect(() => resolveModelId(lab.db, 999)).toThrow(/no model 999/);
    expect(getModel(lab.db, a)).toMatchObject({ status: 'done', pid: null });
    expect(getModel(lab.db, a).finishedAt).not.toBeNull();
    lab.close();
  });

  it('lists each model’s kind and backbone; backbone features are finished from the start, default last', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const scratch = createModel(lab.db, newModel);
    const lit = createModel(lab.db, { ...newModel, config: { model: { backbone: 'mobilenet_v2_mid' } } });
    const features = createReadyModel(lab.db, {
      ...newModel,
      config: { kind: 'backbone', backbone: 'mobilenet_v2_mid' },
    });
    const clip = createReadyModel(lab.db, { ...newModel, config: { kind: 'onnx-clip' } });
    const byId = new Map(listModels(lab.db).map((m) => [m.id, m]));
    expect(byId.get(scratch)).toMatchObject({ kind: 'trained', backbone: 'scratch', status: 'running' });
    expect(byId.get(lit)).toMatchObject({ kind: 'trained', backbone: 'mobilenet_v2_mid' });
    expect(byId.get(features)).toMatchObject({ kind: 'backbone', backbone: 'mobilenet_v2_mid', status: 'done' });
    expect(byId.get(features)).toMatchObject({ hasWeights: true, pid: null });
    expect(byId.get(clip)).toMatchObject({ kind: 'onnx-clip', backbone: null, status: 'done' });
    expect(backboneModelId(lab.db, 'mobilenet_v2_mid')).toBe(features);
    expect(backboneModelId(lab.db, 'inception_v3')).toBeNull();
    // The default model answers text queries when the lab has one that can.
    expect(latestModelId(lab.db)).toBe(clip);
    lab.db.prepare('DELETE FROM models WHERE id = ?').run(clip);
    expect(latestModelId(lab.db)).toBe(features);
    finishModel(lab.db, scratch, { status: 'done', weights: Float32Array.from([1]) });
    expect(latestModelId(lab.db)).toBe(scratch);
    lab.close();
  });

  it('finds runs to resume: cancelled ones, and running ones whose process is gone', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const cp = { step: 1, state: {}, weights: new Float32Array(1), optimizer: new Float32Array(2) };
    const alive = createModel(lab.db, newModel);
    const dead = createModel(lab.db, newModel);
    const cancelled = createModel(lab.db, newModel);
    const noCheckpoint = createModel(lab.db, newModel);
    for (const id of [alive, dead, cancelled]) saveCheckpoint(lab.db, id, cp);
    lab.db.prepare('UPDATE models SET pid = ? WHERE id = ?').run(999_999_999, dead);
    finishModel(lab.db, cancelled, { status: 'cancelled' });
    const found = resumableModels(lab.db, (pid) => pid !== 999_999_999).map((m) => m.id);
    expect(found).toEqual([cancelled, dead]);
    expect(found).not.toContain(noCheckpoint);
    claimModel(lab.db, cancelled);
    expect(getModel(lab.db, cancelled)).toMatchObject({ status: 'running', pid: process.pid });
    lab.close();
  });

  it('shows a running run whose process is gone as interrupted, resumable (from the start without a checkpoint) and removable', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const isAlive = (pid: number) => pid !== 999_999_999;
    const training = createModel(lab.db, newModel);
    const gone = createModel(lab.db, newModel);
    lab.db.prepare('UPDATE models SET pid = ? WHERE id = ?').run(999_999_999, gone);
    const byId = (id: number) => listModels(lab.db).find((m) => m.id === id)!;
    expect(runStatus(byId(training), isAlive)).toBe('running');
    expect(runStatus(byId(gone), isAlive)).toBe('interrupted');
    expect(runStatus({ status: 'running', pid: null }, isAlive)).toBe('interrupted');
    expect(runStatus({ status: 'done', pid: null }, isAlive)).toBe('done');
    expect(resumableModels(lab.db, isAlive).map((m) => m.id)).toEqual([gone]);

    expect(() => removeModel(lab.db, training, isAlive)).toThrow(`model ${training} is training (pid ${process.pid})`);
    recordSteps(lab.db, gone, [{ step: 0, epoch: 0, loss: 3, lr: 0.1, logitScale: 2.6 }]);
    removeModel(lab.db, gone, isAlive);
    expect(listModels(lab.db).map((m) => m.id)).toEqual([training]);
    expect(modelSteps(lab.db, gone)).toEqual([]);
    expect(() => removeModel(lab.db, gone, isAlive)).toThrow(ModelNotFoundError);
    lab.close();
  });
});
