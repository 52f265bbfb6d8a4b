import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../core/api/contract.ts';
import { dispatch } from '../../core/api/rpc.ts';
import { NearlabService } from '../../core/service/service.ts';
import { readEmbeddings } from '../../core/store/embeddings.ts';
import { itemInfos } from '../../core/store/items.ts';
import { Lab } from '../../core/store/lab.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';
import { labWithTinyModel } from '../helpers/tiny-model.ts';
import { callApi } from '../../core/service/testing/call-api.ts';

let labPath: string;
let modelId: number;
let lab: Lab;
let service: NearlabService;
/** The labels the sample gives, kept while the test takes some away. */
const truth = new Map<number, string>();

const call = <M extends keyof Results>(method: M, p: unknown = {}) => callApi(service, method, p);

async function refusal(method: keyof Results, p: unknown): Promise<string> {
  const r = await dispatch(service.api, method, p);
  if (r.ok) throw new Error(`${method} was expected to refuse`);
  expect(r.error.kind).toBe('bad-request');
  return r.error.message;
}

/** Cosine similarity of two stored (unit) embeddings. */
function cosine(data: Float32Array, dim: number, a: number, b: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < dim; j++) {
    dot += data[a * dim + j] * data[b * dim + j];
    na += data[a * dim + j] ** 2;
    nb += data[b * dim + j] ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

beforeAll(async () => {
  labPath = join(tempDir(), 'suggest.lab');
  modelId = await labWithTinyModel(labPath, SAMPLE_DIR, 3);
  lab = Lab.open(labPath);
  service = new NearlabService(lab);
  const ids = Array.from(readEmbeddings(lab.db, modelId, 'image').ids);
  for (const [id, it] of itemInfos(lab.db, ids)) truth.set(id, it.label!);
}, 300_000);

afterAll(() => lab?.close());

describe('suggest (what to label next)', () => {
  it('has nothing to suggest while every item is labeled', async () => {
    expect(await refusal('suggest', {})).toMatch(/has a label: there is nothing left to label/);
  });

  it('ranks the items whose labeled neighbours disagree most first, by the k-NN vote margin', async () => {
    // Keep the labels of every third item only.
    const ids = [...truth.keys()];
    for (const [i, id] of ids.entries()) if (i % 3 !== 0) await call('editItem', { id, label: null });
    const r = await call('suggest', { strategy: 'margin', n: 20, k: 5 });
    expect(r).toMatchObject({ modelId, labeled: Math.ceil(ids.length / 3), strategy: 'margin', method: 'knn' });
    expect(r.unlabeled).toBe(ids.length - r.labeled);
    expect(r.items).toHaveLength(20);
    // The margin of each unlabeled item, recomputed here: the 5 most similar labeled items vote.
    const emb = readEmbeddings(lab.db, modelId, 'image');
    const labeled = ids.filter((_, i) => i % 3 === 0);
    const margin = (id: number) => {
      const row = emb.rowOf.get(id)!;
      const near = labeled
        .map((l) => ({ l, s: cosine(emb.data, emb.dim, row, emb.rowOf.get(l)!) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 5);
      const votes = new Map<string, number>();
      for (const n of near) votes.set(truth.get(n.l)!, (votes.get(truth.get(n.l)!) ?? 0) + 1);
      const [first, second = 0] = [...votes.values()].sort((a, b) => b - a);
      return (first - second) / 5;
    };
    const all = ids.filter((_, i) => i % 3 !== 0).map(margin);
    for (const s of r.items) {
      expect(s.reason).toBe('margin');
      expect(s.margin).toBeCloseTo(margin(s.item), 9);
      expect(s.score).toBeCloseTo(1 - s.margin!, 12);
      expect(s.suggested).toBe(Object.entries(s.probabilities).sort((a, b) => b[1] - a[1])[0][0]);
    }
    expect(r.items[0].margin).toBeCloseTo(Math.min(...all), 9);
    const margins = r.items.map((s) => s.margin!);
    expect([...margins].sort((a, b) => a - b)).toEqual(margins);
    expect(new Set(r.items.map((s) => s.item)).size).toBe(20);
  });

  it('diverse picks start from the unlabeled item farthest from every labeled one, and mixed covers classes', async () => {
    const diverse = await call('suggest', { strategy: 'diverse', n: 10 });
    const emb = readEmbeddings(lab.db, modelId, 'image');
    const labels = itemInfos(lab.db, Array.from(emb.ids));
    const labeled = [...labels.values()].filter((i) => i.label !== null).map((i) => i.id);
    const unlabeled = [...labels.values()].filter((i) => i.label === null).map((i) => i.id);
    const nearest = (id: number) =>
      Math.max(...labeled.map((l) => cosine(emb.data, emb.dim, emb.rowOf.get(id)!, emb.rowOf.get(l)!)));
    const farthest = unlabeled.reduce((a, b) => (nearest(b) < nearest(a) ? b : a));
    expect(diverse.items[0]).toMatchObject({ item: farthest, reason: 'diverse', score: 1, margin: null });
    const scores = diverse.items.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const mixed = await call('suggest', { strategy: 'mixed', n: 20, k: 5 });
    expect(mixed.items.map((s) => s.reason)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? 'diverse' : 'margin')),
    );
    expect(new Set(mixed.items.map((s) => s.item)).size).toBe(20);
    // Twenty suggestions reach most of the sample's 10 classes (by the labels the sample gives them).
    expect(new Set(mixed.items.map((s) => truth.get(s.item))).size).toBeGreaterThanOrEqual(5);
  });

  it('zero-shot margins come from the label prompts', async () => {
    const r = await call('suggest', { strategy: 'margin', method: 'zero-shot', n: 5 });
    expect(r.method).toBe('zero-shot');
    for (const s of r.items) {
      const p = Object.values(s.probabilities).sort((a, b) => b - a);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(s.margin).toBeCloseTo(p[0] - p[1], 9);
    }
  });

  it('prints one JSON object from nearlab suggest --json, and refuses a k larger than the labeled set', async () => {
    const r = await runCliJson<{
      model: number;
      items: { item: number; path: string; suggested: string | null; score: number; reason: string }[];
    }>(['suggest', '--lab', labPath, '-n', '4', '-k', '3', '--strategy', 'mixed']);
    expect(r.model).toBe(modelId);
    expect(r.items).toHaveLength(4);
    for (const s of r.items)
      expect(s).toMatchObject({
        item: expect.any(Number),
        path: expect.stringMatching(/^images\//),
        score: expect.any(Number),
      });
    const big = await runCli(['suggest', '--lab', labPath, '-k', '200']);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/k = 200 is larger than the \d+ labeled items/);
  });

  it('without any label, k-NN has nothing to vote with, while diversity still suggests', async () => {
    for (const id of truth.keys()) await call('editItem', { id, label: null });
    expect(await refusal('suggest', {})).toMatch(/no labeled items yet/);
    expect(await refusal('suggest', { method: 'zero-shot' })).toMatch(/no labels yet/);
    const r = await call('suggest', { strategy: 'diverse', n: 3 });
    expect(r.items.map((s) => s.suggested)).toEqual([null, null, null]);
  });
});
