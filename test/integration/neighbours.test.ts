import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/api/rpc.ts';
import { NearlabService } from '../../core/service/service.ts';
import { Lab } from '../../core/store/lab.ts';
import { createSearchContext } from '../../core/service/search/context.ts';
import { search } from '../../core/service/search/search.ts';
import { labWithTinyModel } from '../helpers/tiny-model.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';
import { callApi } from '../../core/service/testing/call-api.ts';

let labPath: string;
let modelId: number;
const SMILE = join(SAMPLE_DIR, 'images/1f600.png');

/** The sample lab with one small model trained for a few epochs (a tiny CNN on 16-px inputs). */
beforeAll(async () => {
  labPath = join(tempDir(), 'nb.lab');
  modelId = await labWithTinyModel(labPath, SAMPLE_DIR, 3);
}, 300_000);

describe('neighbour commands on a trained lab', () => {
  it('search --text --embedding-only returns scored images, best first', async () => {
    // Hybrid search (the default) fuses caption keyword matches by rank: only the embedding alone is in score order.
    const r = await runCliJson<{ results: { item: number; path: string; score: number }[] }>([
      'search',
      '--lab',
      labPath,
      '--text',
      'grinning face',
      '-k',
      '7',
      '--embedding-only',
    ]);
    expect(r.results).toHaveLength(7);
    for (const h of r.results)
      expect(h).toMatchObject({
        item: expect.any(Number),
        path: expect.stringMatching(/^images\//),
        score: expect.any(Number),
      });
    const scores = r.results.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('search --image finds the image itself first, and captions with --target caption', async () => {
    const images = await runCliJson<{ results: { path: string; score: number }[] }>([
      'search',
      '--lab',
      labPath,
      '--image',
      SMILE,
      '-k',
      '3',
    ]);
    expect(images.results[0].path).toBe('images/1f600.png');
    expect(images.results[0].score).toBeCloseTo(1, 4);
    const captions = await runCliJson<{ results: { caption: string }[] }>([
      'search',
      '--lab',
      labPath,
      '--image',
      SMILE,
      '--target',
      'caption',
      '-k',
      '4',
    ]);
    expect(captions.results).toHaveLength(4);
    for (const h of captions.results) expect(typeof h.caption).toBe('string');
  });

  it('search honours label filters and query arithmetic', async () => {
    const flags = await runCliJson<{ results: { label: string }[] }>([
      'search',
      '--lab',
      labPath,
      '--text',
      'flag',
      '--label',
      'Flags',
      '-k',
      '10',
    ]);
    expect(flags.results.length).toBe(10);
    expect(flags.results.every((h) => h.label === 'Flags')).toBe(true);
    const expr = await runCliJson<{ results: unknown[] }>([
      'search',
      '--lab',
      labPath,
      '--query',
      `"face" + 0.5:${SMILE} - "flag"`,
      '-k',
      '2',
    ]);
    expect(expr.results).toHaveLength(2);
    const bad = await runCli(['search', '--lab', labPath, '--query', '"unclosed']);
    expect(bad.code).toBe(1);
  });

  it('classify by KNN returns the neighbours that justify p(y|x); zero-shot returns a distribution', async () => {
    const knn = await runCliJson<{
      label: string;
      probabilities: Record<string, number>;
      neighbours: { item: number; label: string; distance: number }[];
    }>(['classify', '--lab', labPath, '--image', SMILE, '--knn', '5']);
    expect(knn.neighbours).toHaveLength(5);
    const share = knn.neighbours.filter((n) => n.label === knn.label).length / 5;
    expect(knn.probabilities[knn.label]).toBeCloseTo(share, 10);
    const zs = await runCliJson<{ label: string; probabilities: Record<string, number> }>([
      'classify',
      '--lab',
      labPath,
      '--image',
      SMILE,
      '--zero-shot',
      'Smileys & Emotion,Flags,Food & Drink',
    ]);
    expect(Object.keys(zs.probabilities).sort()).toEqual(['Flags', 'Food & Drink', 'Smileys & Emotion']);
    expect(Object.values(zs.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const both = await runCli(['classify', '--lab', labPath, '--image', SMILE, '--knn', '3', '--zero-shot', 'a,b']);
    expect(both.code).toBe(1);
  });

  it('knn-curve gives accuracy for each K and the best K', async () => {
    const c = await runCliJson<{ bestK: number; points: { k: number; accuracy: number }[] }>([
      'knn-curve',
      '--lab',
      labPath,
      '--max-k',
      '9',
    ]);
    expect(c.points.map((p) => p.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const best = Math.max(...c.points.map((p) => p.accuracy));
    expect(c.points.find((p) => p.k === c.bestK)!.accuracy).toBe(best);
  });

  it("export writes the Embedding Projector's vectors.tsv and metadata.tsv in the same order", async () => {
    const out = join(tempDir(), 'projector');
    const r = await runCliJson<{ images: number; captions: number }>(['export', '--lab', labPath, '--out', out]);
    expect(r).toMatchObject({ images: 319, captions: 319 });
    const vectors = readFileSync(join(out, 'vectors.tsv'), 'utf8').trimEnd().split('\n');
    const meta = readFileSync(join(out, 'metadata.tsv'), 'utf8').trimEnd().split('\n');
    expect(meta[0]).toBe('item\tpath\tmodality\tcaption\tlabel\tsplit');
    expect(vectors).toHaveLength(638);
    expect(meta).toHaveLength(639);
    expect(vectors[0].split('\t')).toHaveLength(16);
    expect(meta[1].split('\t')[2]).toBe('image');
    expect(meta[638].split('\t')[2]).toBe('caption');
  });
});

describe('the ANN index', () => {
  it('is built above the threshold, persisted beside the lab, and its recall@10 is measured', async () => {
    const r = await runCliJson<{ method: string; rows: number; recallAt10: number; path: string }>([
      'index',
      '--lab',
      labPath,
      '--threshold',
      '100',
    ]);
    expect(r).toMatchObject({ method: 'ann', rows: 319 });
    expect(r.recallAt10).toBeGreaterThan(0.9);
    expect(existsSync(r.path)).toBe(true);
    const small = await runCliJson<{ method: string; recallAt10: null }>(['index', '--lab', labPath]);
    expect(small).toMatchObject({ method: 'exact', recallAt10: null });
  });

  it('answers searches above the threshold like exact search does', async () => {
    const lab = Lab.open(labPath);
    try {
      const query = { image: { itemId: 5 } };
      const exact = await search(createSearchContext(lab), query, { k: 5 });
      const viaIndex = await search(createSearchContext(lab, { annThreshold: 100 }), query, { k: 5 });
      expect(viaIndex.results.map((h) => h.itemId)).not.toContain(5);
      expect(viaIndex.results.map((h) => h.itemId)).toEqual(exact.results.map((h) => h.itemId));
    } finally {
      lab.close();
    }
  });
});

describe('the API on a trained lab', () => {
  const call = callApi;

  it('lists models with history, searches, classifies, evaluates and projects', async () => {
    const lab = Lab.open(labPath);
    const service = new NearlabService(lab);
    try {
      const { models } = await call(service, 'models', {});
      expect(models[0]).toMatchObject({ id: modelId, status: 'done', loss: 'npair', epochsDone: 3, embedded: true });
      const history = await call(service, 'modelHistory', { modelId });
      expect(history.epochs).toHaveLength(3);
      expect(history.steps.length).toBeGreaterThan(3);
      const hits = await call(service, 'search', { query: { image: { itemId: 1 } }, k: 5 });
      expect(hits.results.map((h) => h.itemId)).not.toContain(1); // image→image leaves the query item out
      const knn = await call(service, 'classify', { image: { itemId: 1 }, method: { kind: 'knn', k: 3 } });
      expect(knn.neighbours).toHaveLength(3);
      expect(knn.neighbours.map((n) => n.itemId)).not.toContain(1); // the query item does not vote for itself
      const ev = await call(service, 'evaluate', { split: 'test' });
      expect(ev.t2i!.r10).toBeGreaterThanOrEqual(ev.t2i!.r1);
      expect(ev.confusion!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(
        (await call(service, 'listItems', { split: 'test' })).total,
      );
      // The k-NN accuracy and the confusion matrix follow the K and metric asked for, and agree with each other.
      const byK = await Promise.all(
        [
          { k: 1, metric: 'cosine' },
          { k: 25, metric: 'euclidean' },
        ].map((o) => call(service, 'evaluate', { split: 'test', ...o })),
      );
      for (const e of byK) {
        const m = e.confusion!.matrix;
        const total = m.flat().reduce((a, b) => a + b, 0);
        expect(e.knnAccuracy).toBeCloseTo(m.reduce((t, row, i) => t + row[i], 0) / total, 12);
      }
      expect(byK.map((e) => [e.k, e.metric])).toEqual([
        [1, 'cosine'],
        [25, 'euclidean'],
      ]);
      expect(byK[0].ties).toBe(0); // one neighbour cannot tie
      expect(byK[0].confusion!.matrix).not.toEqual(byK[1].confusion!.matrix);
      const pca = await call(service, 'projection', { method: 'pca', modality: 'both', limit: 100 });
      expect(pca.points).toHaveLength(100);
      expect(new Set(pca.points.map((p) => p.kind))).toEqual(new Set(['image', 'caption']));
      const umap = await call(service, 'projection', { method: 'umap', modality: 'image', limit: 60 });
      expect(umap.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
      const missing = await dispatch(service.api, 'search', { query: { text: 'x' }, modelId: 999 });
      expect(missing).toMatchObject({ ok: false, error: { kind: 'bad-request' } });
    } finally {
      lab.close();
    }
  });
});
