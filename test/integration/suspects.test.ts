import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params } from '../../core/api/contract.ts';
import { invoke } from '../../core/api/rpc.ts';
import { NearlabService } from '../../core/service/service.ts';
import { Lab } from '../../core/store/lab.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';
import { flipLabels, precisionAt, type Flip } from '../helpers/flip-labels.ts';
import { labWithTinyModel } from '../helpers/tiny-model.ts';

// The sample (319 emoji, 10 categories) with a tiny model trained on its captions — it never saw the labels — and
// 16 labels (5 %) flipped at random afterwards: the mistakes the suspects list must bring up.
let labPath: string;
let modelId: number;
let lab: Lab;
let service: NearlabService;
let flips: Flip[];
const FLIPPED = 16;

beforeAll(async () => {
  labPath = join(tempDir(), 'suspects.lab');
  modelId = await labWithTinyModel(labPath, SAMPLE_DIR, 3);
  lab = Lab.open(labPath);
  flips = flipLabels(lab.db, FLIPPED, 13);
  service = new NearlabService(lab, { featuresAfterImport: false });
}, 300_000);
afterAll(() => lab?.close());

const call = <M extends MethodName>(method: M, p: Params<M>) => invoke(service.api, method, p);

describe('suspects on the sample', () => {
  it('ranks the flipped labels near the top, far above chance', async () => {
    const r = await call('suspects', { k: 5, limit: 2 * FLIPPED });
    expect(r).toMatchObject({ modelId, models: [modelId], labeled: 319, confirmed: 0 });
    const listed = r.suspects.map((s) => s.item);
    // Chance is 16 / 319 = 5 %. The tiny CNN (16 px, 3 epochs) is a weak model: 0.31 and 0.16 measured; the LiT
    // head on the 1,911 emoji finds 0.77 (README).
    expect(precisionAt(listed, flips, FLIPPED)).toBeGreaterThanOrEqual(0.25);
    expect(precisionAt(listed, flips, 2 * FLIPPED)).toBeGreaterThanOrEqual(0.125);
    const scores = r.suspects.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const s of r.suspects) {
      const flip = flips.find((f) => f.itemId === s.item);
      if (flip) expect(s.label).toBe(flip.to);
      expect(s.pLabel).toBeCloseTo(s.neighbours.filter((n) => n.label === s.label).length / 5, 12);
    }
  });

  it('drops a confirmed label, and a relabel to the class the neighbours vote for lowers the score', async () => {
    const before = await call('suspects', { k: 10, limit: 2 * FLIPPED });
    const top = before.suspects[0];
    expect(await call('confirmLabels', { ids: [top.item] })).toEqual({ changed: 1 });
    const after = await call('suspects', { k: 10, limit: 2 * FLIPPED });
    expect(after.confirmed).toBe(1);
    expect(after.suspects.map((s) => s.item)).not.toContain(top.item);
    await call('confirmLabels', { ids: [top.item], confirmed: false });

    // A found flip whose neighbours vote for its true label: giving it back (the edit the UI makes) helps at once.
    const found = before.suspects.find((s) => flips.some((f) => f.itemId === s.item && f.from === s.vote))!;
    expect(found).toBeDefined();
    await call('editItem', { id: found.item, label: found.vote });
    const fixed = await call('suspects', { k: 10, limit: 319, includeConfirmed: true });
    const now = fixed.suspects.find((s) => s.item === found.item);
    // Listed with its new label and a lower score, or not listed at all (every neighbour backs the label).
    expect(now?.label ?? found.vote).toBe(found.vote);
    expect(now?.score ?? 0).toBeLessThan(found.score);
    await call('undoItemEdit', { id: found.item });
  });

  it('lists exactly the items behind each cell of evaluate’s confusion matrix', async () => {
    const ev = await call('evaluate', { modelId, split: 'test', k: 5 });
    const { labels, matrix } = ev.confusion!;
    let total = 0;
    for (const [i, trueLabel] of labels.entries())
      for (const [j, predicted] of labels.entries()) {
        const cell = await call('confusionItems', { modelId, split: 'test', k: 5, trueLabel, predicted });
        expect(cell.items.length).toBe(matrix[i][j]);
        for (const x of cell.items) expect(x).toMatchObject({ label: trueLabel, predicted });
        total += cell.items.length;
      }
    expect(total).toBe(ev.images);
  });
});

describe('nearlab suspects', () => {
  it('--json prints the list most suspicious first; confirm takes an item off it', async () => {
    const r = await runCliJson<{
      model: number;
      suspects: { item: number; path: string; label: string; vote: string; score: number; neighbours: unknown[] }[];
    }>(['suspects', '--lab', labPath, '-k', '5', '--limit', '8']);
    expect(r.model).toBe(modelId);
    expect(r.suspects).toHaveLength(8);
    for (const s of r.suspects) {
      expect(s).toMatchObject({
        item: expect.any(Number),
        path: expect.stringMatching(/^images\/.+\.png$/),
        label: expect.any(String),
        vote: expect.any(String),
        score: expect.any(Number),
      });
      expect(s.neighbours).toHaveLength(5);
    }
    const scores = r.suspects.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const id = r.suspects[0].item;
    expect(await runCliJson(['suspects', 'confirm', String(id), '--lab', labPath])).toMatchObject({ changed: 1 });
    const again = await runCliJson<{ confirmed: number; suspects: { item: number }[] }>([
      'suspects',
      '--lab',
      labPath,
      '-k',
      '5',
    ]);
    expect(again.confirmed).toBe(1);
    expect(again.suspects.map((s) => s.item)).not.toContain(id);
    const text = await runCli(['suspects', 'unconfirm', String(id), '--lab', labPath]);
    expect(text.stdout).toBe('took back the confirmations of 1 of 1 item\n');

    const table = await runCli(['suspects', '--lab', labPath, '-k', '5', '--limit', '3']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`model ${modelId}, k = 5: 319 labeled items; most suspicious first:`);
    expect(lines[1]).toMatch(/^#\s+score\s+item\s+label\s+neighbours vote\s+path$/);
    expect(lines).toHaveLength(5);
    const bad = await runCli(['suspects', '--lab', labPath, '-k', '400']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^nearlab: --k: Too big/);
  }, 300_000);
});
