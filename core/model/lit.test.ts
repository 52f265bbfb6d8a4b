import { describe, expect, it } from 'vitest';
import { NearlabService } from '../service/service.ts';
import { latestCheckpoint } from '../store/checkpoints.ts';
import { readEmbeddings } from '../store/embeddings.ts';
import { featureCoverage, saveFeatures } from '../store/features.ts';
import { modelEpochs, modelSteps } from '../store/history.ts';
import { Lab } from '../store/lab.ts';
import { getModel, listModels, modelWeights } from '../store/models.ts';
import { itemPixelsReader } from '../store/pixels.ts';
import { COLOURS, createFixtureLab, SHAPES } from '../store/testing/fixture-lab.ts';
import type { DeepPartial, TrainConfig } from './config.ts';
import { embedModel } from './embed-incremental.ts';
import { modelLayout } from './layout.ts';
import { EmbeddingModel } from './model.ts';
import { readStoredModel } from './stored.ts';
import { crashAfterStep, SimulatedCrash } from './testing/crash.ts';
import { TINY_CONFIG } from './testing/tiny-config.ts';
import { Tokenizer } from './tokenizer.ts';
import { train } from './trainer.ts';

const BACKBONE = 'mobilenet_v2';
const DIM = 1280;

/** A LiT run on the tiny text tower: a small head on the backbone's (stored) features. */
const lit = (over: DeepPartial<TrainConfig> = {}): DeepPartial<TrainConfig> => ({
  ...TINY_CONFIG,
  model: { ...TINY_CONFIG.model, backbone: BACKBONE, head: { hidden: 32 } },
  epochs: 6,
  lr: 1e-2,
  checkpointSeconds: 3600,
  ...over,
});
const local = { threads: 'local' as const, prefer: 'wasm' as const };

/**
 * Stand-in features for every image of the fixture lab: its colour and shape one-hot (what its caption "a {colour}
 * {shape}" names) in a few of the 1280 dimensions, noise in a few others, the rest constant: only a trained head
 * aligns them with the captions.
 */
function saveSyntheticFeatures(lab: Lab): void {
  const rows = lab.db
    .prepare(
      `SELECT i.image_id AS imageId, c.text FROM items i JOIN captions c ON c.item_id = i.id GROUP BY i.image_id`,
    )
    .all() as { imageId: number; text: string }[];
  const colours = Object.keys(COLOURS);
  saveFeatures(
    lab.db,
    BACKBONE,
    rows.map(({ imageId, text }) => {
      const v = new Float32Array(DIM);
      v.fill(0.3);
      for (let j = 0; j < 16; j++) v[j * 50] += 0.5 * Math.abs(Math.sin(imageId * 3.7 + j * 1.3));
      colours.forEach((c, k) => text.includes(c) && (v[100 + k * 7] += 4));
      SHAPES.forEach((s, k) => text.includes(s) && (v[400 + k * 11] += 4));
      return { imageId, view: 0, vector: v };
    }),
  );
}

describe('training a head on a frozen backbone (LiT)', () => {
  it('trains on the stored features: the loss falls, the layout is the head’s, the lab is embedded', async () => {
    const lab = createFixtureLab({ perPair: 6, seed: 4 });
    saveSyntheticFeatures(lab);
    const r = await train(lab, lit({ epochs: 8 }), local);
    expect(r.status).toBe('done');
    const epochs = modelEpochs(lab.db, r.modelId);
    expect(epochs[7].trainLoss).toBeLessThan(epochs[0].trainLoss * 0.7);
    expect(epochs[7].metrics!.i2t.r5).toBeGreaterThan(0.6);
    const stored = readStoredModel(lab.db, r.modelId);
    expect(stored.config.model).toMatchObject({ backbone: BACKBONE, head: { hidden: 32, featureDim: DIM } });
    const layout = modelLayout(stored.config.model, Tokenizer.fromSpec(stored.tokenizer).vocabSize);
    expect(layout.has('img.conv0.w')).toBe(false);
    expect(modelWeights(lab.db, r.modelId).length).toBe(layout.total);
    expect(listModels(lab.db).find((m) => m.id === r.modelId)).toMatchObject({ kind: 'trained', backbone: BACKBONE });
    const { models } = await new NearlabService(lab).api.models({});
    expect(models.find((m) => m.id === r.modelId)).toMatchObject({ loss: 'npair', backbone: BACKBONE, imageSize: 224 });
    const live = (lab.db.prepare("SELECT count(*) AS n FROM items WHERE status = 'ok'").get() as { n: number }).n;
    expect(readEmbeddings(lab.db, r.modelId, 'image').ids.length).toBe(live);
    expect(readEmbeddings(lab.db, r.modelId, 'caption').ids.length).toBe(live);
    lab.close();
  }, 120_000);

  it('resumes after a crash from its checkpoint and ends exactly where an uninterrupted run ends', async () => {
    const fixture = createFixtureLab({ perPair: 6 });
    saveSyntheticFeatures(fixture);
    const straight = await train(fixture, lit({ epochs: 3 }), local);
    expect(getModel(fixture.db, straight.modelId).stepsDone).toBeGreaterThan(3);
    await expect(
      train(fixture, lit({ epochs: 3, checkpointSeconds: 0 }), { ...local, onStep: crashAfterStep(fixture, 3) }),
    ).rejects.toThrow(SimulatedCrash);
    const lab = Lab.open(fixture.path);
    const crashed = listModels(lab.db).find((m) => m.status === 'running')!;
    expect(latestCheckpoint(lab.db, crashed.id)!.step).toBe(3);
    const resumed = await train(lab, {}, { ...local, resume: crashed.id });
    expect(resumed.status).toBe('done');
    expect(modelWeights(lab.db, crashed.id)).toEqual(modelWeights(lab.db, straight.modelId));
    expect(modelSteps(lab.db, crashed.id)).toEqual(modelSteps(lab.db, straight.modelId));
    lab.close();
  }, 120_000);

  it('embeds items imported later from their features, as the trainer did', async () => {
    const lab = createFixtureLab({ perPair: 3 });
    saveSyntheticFeatures(lab);
    const r = await train(lab, lit({ epochs: 2 }), local);
    const before = readEmbeddings(lab.db, r.modelId, 'image');
    lab.db.prepare("DELETE FROM embeddings WHERE model_id = ? AND kind = 'image' AND ref_id <= 10").run(r.modelId);
    const again = await embedModel(lab, r.modelId, { threads: 0 });
    expect(again).toMatchObject({ images: 10, captions: 0 });
    const after = readEmbeddings(lab.db, r.modelId, 'image');
    for (const [itemId, row] of before.rowOf) {
      const at = after.rowOf.get(itemId)!;
      for (let j = 0; j < before.dim; j++)
        expect(after.data[at * after.dim + j]).toBeCloseTo(before.data[row * before.dim + j], 5);
    }
    lab.close();
  }, 120_000);

  it('computes missing features first, and embeds a new image by running the backbone, as the lab was', async () => {
    const lab = createFixtureLab({ perPair: 1 });
    expect(featureCoverage(lab.db, BACKBONE).done).toBe(0);
    const phases: string[] = [];
    const r = await train(lab, lit({ epochs: 1, batchSize: 4 }), {
      ...local,
      onFeatureProgress: (p) => phases.push(p.phase),
    });
    expect(r.status).toBe('done');
    expect(featureCoverage(lab.db, BACKBONE)).toMatchObject({ done: 12, images: 12 });
    expect(phases).toContain('features');
    const model = await EmbeddingModel.load(lab, r.modelId);
    try {
      const stored = readEmbeddings(lab.db, r.modelId, 'image');
      const mine = await model.embedImages([{ pixels: itemPixelsReader(lab.db)(1)!, bytes: null }]);
      const row = stored.rowOf.get(1)!;
      const unit = Math.hypot(...mine);
      for (let j = 0; j < stored.dim; j++) expect(mine[j] / unit).toBeCloseTo(stored.data[row * stored.dim + j], 3);
    } finally {
      model.dispose();
    }
    expect(getModel(lab.db, r.modelId).status).toBe('done');
    lab.close();
  }, 180_000);
});
