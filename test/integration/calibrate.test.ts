import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../core/api/contract.ts';
import { dispatch } from '../../core/api/rpc.ts';
import { loadQueryModel } from '../../core/model/load-query-model.ts';
import { NearlabService } from '../../core/service/service.ts';
import { allCaptions } from '../../core/store/captions.ts';
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

const call = <M extends keyof Results>(method: M, p: unknown = {}) => callApi(service, method, p);

beforeAll(async () => {
  labPath = join(tempDir(), 'calibrate.lab');
  modelId = await labWithTinyModel(labPath, SAMPLE_DIR, 3);
  lab = Lab.open(labPath);
  service = new NearlabService(lab);
}, 300_000);

afterAll(() => lab?.close());

/** Cosine similarity of a text (embedded here, by the model itself) with each item's stored image embedding. */
async function scoresOf(text: string, ids: number[]): Promise<number[]> {
  const model = await loadQueryModel(lab, modelId);
  try {
    const t = await model.embedTexts([text]);
    const emb = readEmbeddings(lab.db, modelId, 'image');
    return ids.map((id) => {
      const r = emb.rowOf.get(id)!;
      let dot = 0;
      let nt = 0;
      let ni = 0;
      for (let j = 0; j < emb.dim; j++) {
        dot += t[j] * emb.data[r * emb.dim + j];
        nt += t[j] ** 2;
        ni += emb.data[r * emb.dim + j] ** 2;
      }
      return dot / Math.sqrt(nt * ni);
    });
  } finally {
    model.dispose();
  }
}

/** Precision and recall of "score ≥ t" among these items. */
function at(t: number, scores: number[], relevant: boolean[]) {
  const kept = scores.map((s, i) => ({ s, rel: relevant[i] })).filter((x) => x.s >= t - 1e-6);
  const hits = kept.filter((x) => x.rel).length;
  return { precision: hits / kept.length, recall: hits / relevant.filter(Boolean).length };
}

describe('calibrate', () => {
  const items = () => [...itemInfos(lab.db, Array.from(readEmbeddings(lab.db, modelId, 'image').ids)).values()];

  it('a text naming a label in a template: its threshold keeps the precision on the split, and is the lowest that does', async () => {
    const text = 'a photo of a Flags';
    const judged = items().filter((i) => i.split === 'train' && i.label !== null);
    const relevant = judged.map((i) => i.label === 'Flags');
    const scores = await scoresOf(
      text,
      judged.map((i) => i.id),
    );
    // A precision this model reaches: the one of its 10 best-scoring items, recomputed here.
    const tenth = [...scores].sort((a, b) => b - a)[9];
    const p = Math.max(0.05, at(tenth, scores, relevant).precision - 1e-9);
    const r = await call('calibrate', { query: { text }, precision: p, split: 'train' });
    expect(r).toMatchObject({ modelId, split: 'train', relevance: 'label', label: 'Flags' });
    expect(r.relevant).toBe(relevant.filter(Boolean).length);
    expect(r.threshold).not.toBeNull();
    expect(r.threshold!).toBeLessThanOrEqual(tenth + 1e-6);
    const kept = at(r.threshold!, scores, relevant);
    expect(kept.precision).toBeGreaterThanOrEqual(p);
    expect(kept.precision).toBeCloseTo(r.precision!, 6);
    expect(kept.recall).toBeCloseTo(r.recall!, 6);
    // Every lower score would let precision fall under p.
    for (const s of scores.filter((x) => x < r.threshold! - 1e-6))
      expect(at(s, scores, relevant).precision).toBeLessThan(p);
    expect(r.curve.length).toBeGreaterThan(2);
    expect(r.curve.some((c) => c.threshold === r.threshold)).toBe(true);
  });

  it('a label query is judged on the split’s labeled items; a precision no threshold reaches gives null', async () => {
    const r = await call('calibrate', { query: { label: 'Flags' }, precision: 0.5, split: 'val' });
    expect(r).toMatchObject({ relevance: 'label', label: 'Flags', split: 'val' });
    expect(r.relevant).toBe(items().filter((i) => i.split === 'val' && i.label === 'Flags').length);
    const none = await call('calibrate', { query: { label: 'Component' }, precision: 1, split: 'train' });
    const best = Math.max(...none.curve.map((p) => p.precision));
    if (none.threshold === null) expect(best).toBeLessThan(1);
    else expect(none.precision).toBe(1);
  });

  it('other text is judged by caption words: relevant items are those with a caption holding every word', async () => {
    const r = await call('calibrate', { query: { text: 'face' }, precision: 0.5, split: 'train' });
    expect(r).toMatchObject({ relevance: 'caption-words', label: null });
    const train = new Set(
      items()
        .filter((i) => i.split === 'train')
        .map((i) => i.id),
    );
    const withFace = new Set(
      allCaptions(lab.db)
        .filter((c) => train.has(c.itemId) && /\bface\b/i.test(c.text))
        .map((c) => c.itemId),
    );
    expect(r.relevant).toBe(withFace.size);
    expect(r.relevant).toBeGreaterThan(0);
  });

  it('a zero-shot answer scores each label in calibrate’s units: the items over a label’s threshold are those calibrate counted', async () => {
    const val = items().filter((i) => i.split === 'val' && i.label !== null);
    const labels = [...new Set(val.map((i) => i.label!))].sort();
    const fit = await call('calibrate', { query: { label: 'Flags' }, precision: 0.05, split: 'val' });
    expect(fit.threshold).not.toBeNull();
    let kept = 0;
    let hits = 0;
    for (const it of val) {
      const r = await call('classify', { image: { itemId: it.id }, method: { kind: 'zero-shot', labels } });
      expect(Object.keys(r.scores ?? {}).sort()).toEqual(labels);
      const scores = r.scores!;
      // The best-scoring label is the predicted one (softmax is monotone in the score).
      const best = labels.reduce((a, b) => (scores[b] > scores[a] ? b : a));
      expect(r.probabilities[best]).toBeCloseTo(Math.max(...Object.values(r.probabilities)), 12);
      for (const l of labels) expect(Math.abs(scores[l])).toBeLessThanOrEqual(1 + 1e-6);
      if (scores.Flags >= fit.threshold! - 1e-6) {
        kept++;
        if (it.label === 'Flags') hits++;
      }
    }
    expect(kept).toBeGreaterThan(0);
    expect(hits / kept).toBeCloseTo(fit.precision!, 6);
    expect(hits / fit.relevant).toBeCloseTo(fit.recall!, 6);
  });

  it('refuses a label the lab does not have, and a model without embeddings, with one clear message', async () => {
    const bad = await dispatch(service.api, 'calibrate', { query: { label: 'Dinosaurs' } });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'bad-request' } });
    expect(!bad.ok && bad.error.message).toMatch(/no item is labeled "Dinosaurs" \(labels: Activities/);
    const missing = await dispatch(service.api, 'calibrate', { query: { label: 'Flags' }, modelId: 999 });
    expect(missing).toMatchObject({ ok: false, error: { kind: 'bad-request' } });
  });

  it('prints one JSON object from nearlab calibrate --json', async () => {
    const r = await runCliJson<Record<string, unknown>>([
      'calibrate',
      '--lab',
      labPath,
      '--label',
      'Flags',
      '--precision',
      '0.5',
      '--split',
      'train',
    ]);
    expect(r).toMatchObject({
      model: modelId,
      split: 'train',
      relevance: 'label',
      label: 'Flags',
      relevant: expect.any(Number),
      curve: expect.any(Array),
    });
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining(['threshold', 'precision', 'recall', 'relevant', 'relevance', 'label', 'curve']),
    );
    const both = await runCli(['calibrate', '--lab', labPath, '--label', 'Flags', '--text', 'flag']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/either --text or --label/);
  });
});
