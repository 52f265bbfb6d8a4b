import { describe, expect, it } from 'vitest';
import { createFixtureLab } from '../model/testing/fixture-lab.ts';
import { migrations } from './migrations/index.ts';
import {
  blobToFloats,
  claimModel,
  createModel,
  deleteModel,
  embeddingCounts,
  finishModel,
  floatsToBlob,
  getModel,
  latestCheckpoint,
  latestModelId,
  listModels,
  modelEpochs,
  modelSteps,
  modelWeights,
  ModelNotFoundError,
  readEmbeddings,
  recordEpoch,
  recordSteps,
  resolveModelId,
  resumableModels,
  saveCheckpoint,
  saveEmbeddings,
  truncateHistory,
  type EpochMetrics,
} from './models.ts';

const metrics = (r1: number): EpochMetrics => ({
  t2i: { r1, r5: 0.5, r10: 0.6, medianRank: 3 },
  i2t: { r1, r5: 0.4, r10: 0.7, medianRank: 4 },
  images: 10,
  captions: 12,
});
const newModel = { config: { epochs: 3 }, tokenizer: { words: ['a'] }, data: { trainPairs: 5 }, backend: 'wasm' };

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

  it('keeps only the latest checkpoint and forgets history after it on resume', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const id = createModel(lab.db, newModel);
    recordSteps(
      lab.db,
      id,
      [0, 1, 2, 3, 4].map((step) => ({ step, epoch: step < 3 ? 0 : 1, loss: 5 - step, lr: 1, logitScale: 1 })),
    );
    recordEpoch(lab.db, id, { epoch: 0, trainLoss: 4, metrics: metrics(0.1), seconds: 1, samplesPerSec: 1 });
    recordEpoch(lab.db, id, { epoch: 1, trainLoss: 2, metrics: metrics(0.2), seconds: 1, samplesPerSec: 1 });
    saveCheckpoint(lab.db, id, {
      step: 2,
      state: { epoch: 0 },
      weights: Float32Array.from([1]),
      optimizer: Float32Array.from([0, 0]),
    });
    saveCheckpoint(lab.db, id, {
      step: 3,
      state: { epoch: 1 },
      weights: Float32Array.from([2]),
      optimizer: Float32Array.from([1, 1]),
    });
    expect((lab.db.prepare('SELECT count(*) AS n FROM model_checkpoints').get() as { n: number }).n).toBe(1);
    const cp = latestCheckpoint(lab.db, id)!;
    expect(cp).toMatchObject({ step: 3, state: { epoch: 1 } });
    expect(cp.weights).toEqual(Float32Array.from([2]));
    truncateHistory(lab.db, id, 3, 1);
    expect(modelSteps(lab.db, id).map((s) => s.step)).toEqual([0, 1, 2]);
    expect(modelEpochs(lab.db, id).map((e) => e.epoch)).toEqual([0]);
    expect(getModel(lab.db, id)).toMatchObject({ stepsDone: 3, epochsDone: 1, metrics: metrics(0.1) });
    finishModel(lab.db, id, { status: 'done', weights: Float32Array.from([3]) });
    expect(latestCheckpoint(lab.db, id)).toBeNull();
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

  it('stores embeddings per model as one matrix; only live items unless asked; older models keep theirs', () => {
    const lab = createFixtureLab({ perPair: 1 });
    const items = (lab.db.prepare('SELECT id FROM items ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const captions = (lab.db.prepare('SELECT id FROM captions ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const a = createModel(lab.db, newModel);
    const b = createModel(lab.db, newModel);
    const vecs = (n: number, base: number) => Float32Array.from({ length: n * 2 }, (_, i) => base + i);
    saveEmbeddings(lab.db, a, 'image', items, vecs(items.length, 0), 2);
    saveEmbeddings(lab.db, a, 'caption', captions, vecs(captions.length, 100), 2);
    saveEmbeddings(lab.db, b, 'image', items, vecs(items.length, 1000), 2);
    expect(embeddingCounts(lab.db, a)).toEqual({ image: items.length, caption: captions.length });

    const m = readEmbeddings(lab.db, a, 'image');
    expect(m.dim).toBe(2);
    expect(Array.from(m.ids)).toEqual(items);
    expect(Array.from(m.data.subarray(2, 4))).toEqual([2, 3]);
    expect(m.rowOf.get(items[1])).toBe(1);
    expect(readEmbeddings(lab.db, b, 'image').data[0]).toBe(1000);

    // A file gone from its folder: its item and captions drop out of the live matrices.
    lab.db.prepare("UPDATE items SET status = 'missing' WHERE id = ?").run(items[0]);
    expect(readEmbeddings(lab.db, a, 'image').ids).not.toContain(items[0]);
    expect(readEmbeddings(lab.db, a, 'caption').ids.length).toBe(captions.length - 1);
    expect(readEmbeddings(lab.db, a, 'image', { liveOnly: false }).ids.length).toBe(items.length);

    deleteModel(lab.db, a);
    expect(embeddingCounts(lab.db, a)).toEqual({ image: 0, caption: 0 });
    expect(embeddingCounts(lab.db, b).image).toBe(items.length);
    expect(() => deleteModel(lab.db, a)).toThrow(ModelNotFoundError);
    lab.close();
  });

  it('round-trips float32 blobs, including unaligned buffers', () => {
    const v = Float32Array.from([1.5, -2, 3.25]);
    const blob = floatsToBlob(v);
    const unaligned = Buffer.concat([Buffer.from([0]), blob]).subarray(1);
    expect(blobToFloats(unaligned)).toEqual(v);
    expect(() => blobToFloats(Buffer.alloc(3))).toThrow();
  });
});
