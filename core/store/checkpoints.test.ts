import { describe, expect, it } from 'vitest';
import { createFixtureLab } from './testing/fixture-lab.ts';
import { latestCheckpoint, saveCheckpoint } from './checkpoints.ts';
import { modelEpochs, modelSteps, recordEpoch, recordSteps, truncateHistory } from './history.ts';
import { createModel, finishModel, getModel } from './models.ts';
import { metrics, newModel } from './testing/model-fixtures.ts';

describe('checkpoints store', () => {
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
});
