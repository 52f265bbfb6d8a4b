import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../api/rpc.ts';
import { NearlabService } from '../service/service.ts';
import { createSearchContext, type SearchContext } from '../service/search/context.ts';
import { classifyKnn, classifyZeroShot } from '../service/search/classify.ts';
import { evaluate, knnCurve } from '../service/search/evaluate.ts';
import { projection } from '../service/search/projection.ts';
import { search } from '../service/search/search.ts';
import { readEmbeddings } from '../store/embeddings.ts';
import { saveFeatures } from '../store/features.ts';
import { listItems } from '../store/items.ts';
import type { Lab } from '../store/lab.ts';
import { createModel, finishModel, listModels } from '../store/models.ts';
import { createFixtureLab, SHAPES } from '../store/testing/fixture-lab.ts';
import { itemPixelsReader } from '../store/pixels.ts';
import { BackboneQueryModel, ensureBackboneModel } from './backbone-model.ts';
import { embedModel } from './embed-incremental.ts';
import { extractFeatures } from './features/extract.ts';
import { loadQueryModel } from './load-query-model.ts';
import { NoTextTowerError } from './query-model.ts';

const BACKBONE = 'mobilenet_v2';
const DIM = 1280;

/** A feature near the shape's code, neither unit-length nor normalised: the model's embedding must normalise it. */
function syntheticFeature(shape: string, imageId: number): Float32Array {
  const v = new Float32Array(DIM);
  v[SHAPES.indexOf(shape as (typeof SHAPES)[number])] = 6;
  for (let j = 0; j < 16; j++) v[3 + j] = 1 + Math.sin(imageId * 7.1 + j);
  return v;
}

let lab: Lab;
let ctx: SearchContext;
let modelId: number;
let labelOf: Map<number, string>;
const imageOf = new Map<number, number>();

beforeAll(() => {
  lab = createFixtureLab({ perPair: 3 });
  const items = listItems(lab.db, { offset: 0, limit: 1000 }).items;
  labelOf = new Map(items.map((it) => [it.id, it.label!]));
  const rows = lab.db.prepare('SELECT id, image_id AS imageId FROM items').all() as { id: number; imageId: number }[];
  for (const r of rows) imageOf.set(r.id, r.imageId);
  saveFeatures(
    lab.db,
    BACKBONE,
    rows.map((r) => ({ imageId: r.imageId, view: 0, vector: syntheticFeature(labelOf.get(r.id)!, r.imageId) })),
  );
  modelId = ensureBackboneModel(lab, BACKBONE)!;
  ctx = createSearchContext(lab);
});
afterAll(() => lab.close());

describe('backbone features as a model', () => {
  it('is made once per backbone, finished, listed with its kind and backbone', () => {
    expect(ensureBackboneModel(lab, BACKBONE)).toBe(modelId);
    expect(ensureBackboneModel(lab, 'onnx:3')).toBeNull();
    expect(listModels(lab.db).filter((m) => m.kind === 'backbone')).toEqual([
      expect.objectContaining({ id: modelId, backbone: BACKBONE, status: 'done', hasWeights: true }),
    ]);
  });

  it('embeds the lab with the L2-normalised view-0 features, no captions, incrementally', async () => {
    const r = await embedModel(lab, modelId);
    expect(r).toMatchObject({ modelId, status: 'done', images: labelOf.size, captions: 0 });
    const emb = readEmbeddings(lab.db, modelId, 'image');
    expect(emb.dim).toBe(DIM);
    for (const [itemId, row] of emb.rowOf) {
      const f = syntheticFeature(labelOf.get(itemId)!, imageOf.get(itemId)!);
      const norm = Math.hypot(...f);
      for (const j of [0, 1, 2, 3, 10, 500]) expect(emb.data[row * DIM + j]).toBeCloseTo(f[j] / norm, 3);
    }
    expect(readEmbeddings(lab.db, modelId, 'caption').ids.length).toBe(0);
    // Nothing new: nothing written.
    expect(await embedModel(lab, modelId)).toMatchObject({ images: 0, captions: 0 });
  });

  it('answers image→image search, k-NN with p(y=c|x), the K curve, the map and k-NN evaluation', async () => {
    const query = [...labelOf.keys()][0];
    const hits = await search(ctx, { image: { itemId: query } }, { k: 5, modelId });
    expect(hits.results).toHaveLength(5);
    expect(hits.results.every((h) => h.label === labelOf.get(query) && h.itemId !== query)).toBe(true);
    const knn = await classifyKnn(ctx, { itemId: query }, { k: 3, weights: 'uniform', metric: 'cosine', modelId });
    expect(knn.label).toBe(labelOf.get(query));
    expect(knn.probabilities[knn.label]).toBe(1);
    expect(knnCurve(ctx, { modelId, metric: 'cosine', maxK: 4 }).points).toHaveLength(4);
    const map = await projection(ctx, { modelId, method: 'pca', modality: 'image', limit: 100 });
    expect(map.points).toHaveLength(labelOf.size);
    const ev = await evaluate(ctx, { modelId, split: 'test' });
    expect(ev.knnAccuracy).toBe(1);
    expect(ev).toMatchObject({ t2i: null, i2t: null, zeroShotAccuracy: null, classes: 3 });
    expect(ev.unavailable).toMatch(/has no text tower.*text→image, image→text and zero-shot need one/);
  });

  it('refuses text queries, caption search and zero-shot with the no-text-tower message (a bad request)', async () => {
    const message = new NoTextTowerError(modelId).message;
    await expect(search(ctx, { text: 'a red disc' }, { k: 3, modelId })).rejects.toThrow(message);
    await expect(search(ctx, { image: { itemId: 1 } }, { k: 3, modelId, target: 'caption' })).rejects.toThrow(
      NoTextTowerError,
    );
    await expect(classifyZeroShot(ctx, { itemId: 1 }, { labels: ['disc', 'bar'], modelId })).rejects.toThrow(message);
    const service = new NearlabService(lab);
    const r = await dispatch(service.api, 'search', { query: { text: 'a red disc' }, modelId });
    expect(r).toEqual({ ok: false, error: { kind: 'bad-request', message } });
    const { models } = await service.api.models({});
    expect(models.find((m) => m.id === modelId)).toMatchObject({
      name: `#${modelId} backbone features (${BACKBONE})`,
      kind: 'backbone',
      backbone: BACKBONE,
      loss: null,
      dim: DIM,
      embedded: true,
      coverage: { captions: 0, liveCaptions: 0 },
    });
  });

  it('is loaded by its kind and embeds a new image by running the backbone on its original bytes', async () => {
    const trained = createModel(lab.db, { config: { loss: { kind: 'npair' } }, tokenizer: {}, data: {}, backend: 't' });
    finishModel(lab.db, trained, { status: 'done', weights: new Float32Array(1) });
    // A trained model is loaded by the trained loader (its bogus weights are refused there), not as a backbone.
    await expect(loadQueryModel(lab, trained)).rejects.toThrow(/stored (weights|configuration)/);
    const model = await loadQueryModel(lab, modelId);
    try {
      expect(model).toBeInstanceOf(BackboneQueryModel);
      expect(model).toMatchObject({ id: modelId, kind: 'backbone', hasText: false, dim: DIM });
      await expect(model.embedTexts(['a red disc'])).rejects.toThrow(NoTextTowerError);
      // Item 1's feature as the model computes it from its pixels; the same image as a PNG file finds it first.
      const pixels = itemPixelsReader(lab.db)(1)!;
      const own = await model.embedImages([{ pixels, bytes: null }]);
      saveFeatures(lab.db, BACKBONE, [{ imageId: imageOf.get(1)!, view: 0, vector: own }]);
      await embedModel(lab, modelId, { all: true });
      ctx.cache.invalidate();
      const png = await sharp(pixels.data, { raw: { width: pixels.size, height: pixels.size, channels: 3 } })
        .png()
        .toBuffer();
      const hits = await search(ctx, { image: { base64: png.toString('base64') } }, { k: 1, modelId });
      expect(hits.results[0]).toMatchObject({ itemId: 1 });
      expect(hits.results[0].score).toBeGreaterThan(0.99);
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('exists and covers the lab as soon as the feature job has written features', async () => {
    const fresh = createFixtureLab({ perPair: 1 });
    try {
      expect(listModels(fresh.db)).toEqual([]);
      const r = await extractFeatures(fresh, BACKBONE, { threads: 0 });
      expect(r.computed).toBe(12);
      const [model] = listModels(fresh.db);
      expect(model).toMatchObject({ kind: 'backbone', backbone: BACKBONE, status: 'done' });
      expect(readEmbeddings(fresh.db, model.id, 'image').ids.length).toBe(12);
    } finally {
      fresh.close();
    }
  }, 120_000);
});
