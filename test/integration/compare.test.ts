/**
 * compare on a real lab (issue 13): the sample under two tiny trained models (different widths and epochs). Its
 * per-class k-NN accuracy and its retrieval recall must be what evaluate reports for each model on the same split,
 * and every bad input is refused with one clear message.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../core/api/contract.ts';
import { dispatch } from '../../core/api/rpc.ts';
import { train } from '../../core/model/trainer.ts';
import { NearlabService } from '../../core/service/service.ts';
import { labeledItemsOfSplit } from '../../core/store/items.ts';
import { Lab } from '../../core/store/lab.ts';
import { createReadyModel } from '../../core/store/models.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';
import { labWithTinyModel } from '../helpers/tiny-model.ts';
import { callApi } from '../../core/service/testing/call-api.ts';
import { TINY_CONFIG } from '../../core/model/testing/tiny-config.ts';

let labPath: string;
let modelA: number;
let modelB: number;
let lab: Lab;
let service: NearlabService;

const call = <M extends keyof Results>(method: M, p: unknown = {}) => callApi(service, method, p);

async function refusal(p: unknown): Promise<string> {
  const r = await dispatch(service.api, 'compare', p);
  if (r.ok) throw new Error('compare was expected to refuse');
  expect(r.error.kind).toBe('bad-request');
  return r.error.message;
}

/** Runs fn with the lab's labels changed by `sql` (one statement), and puts them back whatever fn does. */
async function withLabelsChanged<T>(sql: string, fn: () => Promise<T>): Promise<T> {
  lab.db.exec('SAVEPOINT labels_changed');
  try {
    lab.db.prepare(sql).run();
    return await fn();
  } finally {
    lab.db.exec('ROLLBACK TO labels_changed; RELEASE labels_changed');
  }
}

beforeAll(async () => {
  labPath = join(tempDir(), 'compare.lab');
  modelA = await labWithTinyModel(labPath, SAMPLE_DIR, 3);
  lab = Lab.open(labPath);
  // Model B: the tiny model, narrower and trained less, so that the two differ.
  const b = await train(
    lab,
    { ...TINY_CONFIG, epochs: 2, model: { ...TINY_CONFIG.model, widths: [4, 8] } },
    {
      threads: 'local',
    },
  );
  modelB = b.modelId;
  service = new NearlabService(lab, { featuresAfterImport: false });
}, 300_000);

afterAll(async () => {
  await service?.closeTheoryWorkers();
  lab?.close();
});

/** The share of a class's items the vote gets right, from evaluate's confusion matrix (rows: true labels). */
function rowAccuracy(e: Results['evaluate'], label: string): number {
  const i = e.confusion!.labels.indexOf(label);
  const row = e.confusion!.matrix[i];
  return row[i] / row.reduce((a, b) => a + b, 0);
}

describe('compare', () => {
  it('nearlab compare --json gives per-class accuracy and recall@K equal to what evaluate reports for each model', async () => {
    expect(modelB).not.toBe(modelA);
    const r = await runCliJson<Results['compare']>([
      'compare',
      '--lab',
      labPath,
      '--model',
      String(modelA),
      '--model',
      String(modelB),
      '--split',
      'val',
    ]);
    expect(r.models.map((m) => m.id)).toEqual([modelA, modelB]);
    expect(r).toMatchObject({ split: 'val', k: 5 });
    const evals = [
      await call('evaluate', { modelId: modelA, split: 'val', k: 5 }),
      await call('evaluate', { modelId: modelB, split: 'val', k: 5 }),
    ];
    const val = labeledItemsOfSplit(lab.db, 'val');
    const counts = new Map<string, number>();
    for (const v of val) counts.set(v.label, (counts.get(v.label) ?? 0) + 1);
    expect(r.perClass.map((c) => [c.label, c.count])).toEqual([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const side of [0, 1] as const) {
      const e = evals[side];
      expect(e.knnAccuracy).not.toBeNull();
      expect(r.knnAccuracy[side]).toBeCloseTo(e.knnAccuracy!, 12);
      expect(r.recall.t2i[side]).toEqual(e.t2i);
      expect(r.recall.i2t[side]).toEqual(e.i2t);
      for (const c of r.perClass) expect(c.accuracy[side], c.label).toBeCloseTo(rowAccuracy(e, c.label), 12);
      // Per-class accuracy weighted by class size is the overall accuracy.
      const weighted = r.perClass.reduce((s, c) => s + c.accuracy[side] * c.count, 0) / val.length;
      expect(weighted).toBeCloseTo(e.knnAccuracy!, 12);
      // Each sample item has one caption: per-class text→image R@10 weighted by class size is evaluate's R@10.
      const recall = r.perClass.reduce((s, c) => s + c.recall[side]! * c.count, 0) / val.length;
      expect(recall).toBeCloseTo(e.t2i!.r10, 12);
    }
    // The two models differ somewhere: the comparison is not of one model with itself.
    expect(JSON.stringify(evals[0].confusion)).not.toBe(JSON.stringify(evals[1].confusion));
  });

  it('refuses a split without labeled items, a model without embeddings, one model twice and k beyond the train labels', async () => {
    const noLabels = await withLabelsChanged(
      `DELETE FROM labels WHERE item_id IN (SELECT id FROM items WHERE split = 'test')`,
      () => refusal({ modelA, modelB, split: 'test' }),
    );
    expect(noLabels).toBe('the test split has no labeled items: compare measures on labeled items');
    const empty = createReadyModel(lab.db, { config: { epochs: 1 }, tokenizer: {}, data: {}, backend: 'wasm' });
    try {
      expect(await refusal({ modelA, modelB: empty, split: 'val' })).toMatch(
        new RegExp(`model ${empty} has no image embeddings`),
      );
    } finally {
      lab.db.prepare('DELETE FROM models WHERE id = ?').run(empty);
    }
    expect(await refusal({ modelA, modelB: modelA })).toBe(
      `model ${modelA} is given twice: compare needs two different models`,
    );
    const few = await withLabelsChanged(
      `DELETE FROM labels WHERE item_id IN (SELECT id FROM items WHERE split = 'train') AND item_id NOT IN
       (SELECT id FROM items WHERE split = 'train' ORDER BY id LIMIT 10)`,
      () => refusal({ modelA, modelB, k: 11 }),
    );
    expect(few).toBe('k = 11 is larger than the 10 labeled train items that vote');
    // The labels are back.
    expect(labeledItemsOfSplit(lab.db, 'test').length).toBeGreaterThan(0);
  });

  it('the CLI wants two models and says so', async () => {
    const one = await runCli(['compare', '--lab', labPath, '--model', String(modelA)]);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/give two models: --model A --model B/);
    const none = await runCli(['compare', '--lab', labPath, '--model', String(modelA), '--model', '999', '--json']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/999/);
  });
});
