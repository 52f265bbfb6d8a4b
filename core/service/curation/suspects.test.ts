import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodName, Params } from '../../api/contract.ts';
import { ApiError, invoke } from '../../api/rpc.ts';
import { saveEmbeddings } from '../../store/embeddings.ts';
import { setItemLabel } from '../../store/item-edits.ts';
import { listItems } from '../../store/items.ts';
import type { Lab } from '../../store/lab.ts';
import { createModel, finishModel } from '../../store/models.ts';
import { NearlabService } from '../service.ts';
import { createEmbeddedLab, DIM } from '../testing/embedded-lab.ts';

// The fixture lab: 48 coloured shapes labelled by shape, whose stored embeddings are noisy one-hot codes of the
// shape (createEmbeddedLab): every item's neighbours share its shape, so a flipped label is the only suspect.
let lab: Lab;
let modelId: number;
let service: NearlabService;
let items: { id: number; label: string; split: string }[];

beforeEach(() => {
  ({ lab, modelId } = createEmbeddedLab());
  service = new NearlabService(lab, { featuresAfterImport: false });
  items = listItems(lab.db, { offset: 0, limit: 1000 }).items.map((it) => ({
    id: it.id,
    label: it.label!,
    split: it.split,
  }));
});
afterEach(() => lab.close());

const call = <M extends MethodName>(method: M, p: Params<M>) => invoke(service.api, method, p);

async function refusal<M extends MethodName>(method: M, p: Params<M>): Promise<string> {
  try {
    await call(method, p);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).kind).toBe('bad-request');
    return (e as Error).message;
  }
  throw new Error(`${method} was not refused`);
}

/** Another shape for item i. */
const otherShape = (label: string) => (label === 'disc' ? 'bar' : 'disc');

/** A second finished model embedding only `ids`, with the same kind of shape codes (one-hot plus noise). */
function addModel(ids: number[]): number {
  const id = createModel(lab.db, { config: { loss: { kind: 'npair' } }, tokenizer: {}, data: {}, backend: 'test' });
  finishModel(lab.db, id, { status: 'done', weights: new Float32Array([0]) });
  const shapes = ['square', 'disc', 'bar'];
  const data = new Float32Array(ids.length * DIM);
  ids.forEach((itemId, r) => {
    const label = items.find((it) => it.id === itemId)!.label;
    data[r * DIM + shapes.indexOf(label)] = 1;
    data[r * DIM + DIM - 1] = 0.3 * Math.cos(itemId);
  });
  saveEmbeddings(lab.db, id, 'image', ids, data, DIM);
  return id;
}

describe('suspects', () => {
  it('puts the flipped labels first, with the class their neighbours vote for', async () => {
    const flipped = [items[3], items[17], items[30]];
    for (const it of flipped) setItemLabel(lab.db, it.id, otherShape(it.label));
    const r = await call('suspects', { k: 5 });
    expect(r).toMatchObject({ modelId, k: 5, models: [modelId], labeled: 48, confirmed: 0 });
    const top = r.suspects.slice(0, 3);
    expect(top.map((s) => s.item).sort((a, b) => a - b)).toEqual(flipped.map((it) => it.id));
    for (const s of top) {
      const it = flipped.find((f) => f.id === s.item)!;
      expect(s).toMatchObject({
        label: otherShape(it.label),
        vote: it.label,
        score: 1,
        pLabel: 0,
        pVote: 1,
        agreement: null,
        confirmed: false,
      });
      expect(s.path).toMatch(/\.png$/);
      expect(s.neighbours).toHaveLength(5);
      for (const n of s.neighbours) expect(n.label).toBe(it.label);
      const d = s.neighbours.map((n) => n.distance);
      expect([...d].sort((a, b) => a - b)).toEqual(d);
    }
    // The flipped items are the only ones their neighbours do not back (and only they or their neighbours are listed).
    for (const s of r.suspects.slice(3)) expect(s.score).toBeLessThan(0.5);
  });

  it('follows a relabel at once, whether through the API or straight in the lab', async () => {
    const it = items[5];
    await call('editItem', { id: it.id, label: otherShape(it.label) });
    expect((await call('suspects', { k: 5 })).suspects[0]).toMatchObject({ item: it.id, score: 1 });
    // Undo gives the label back: the item is no suspect any more.
    await call('undoItemEdit', { id: it.id });
    expect((await call('suspects', { k: 5 })).suspects.every((s) => s.score < 1)).toBe(true);
    // A change the service did not make (another process on the same lab) shows up too.
    setItemLabel(lab.db, it.id, otherShape(it.label));
    expect((await call('suspects', { k: 5 })).suspects[0]).toMatchObject({ item: it.id, score: 1 });
  });

  it('leaves out confirmed labels while they stay the ones confirmed', async () => {
    const [a, b] = [items[2], items[9]];
    setItemLabel(lab.db, a.id, otherShape(a.label));
    setItemLabel(lab.db, b.id, otherShape(b.label));
    expect(await call('confirmLabels', { ids: [a.id] })).toEqual({ changed: 1 });
    const r = await call('suspects', { k: 5 });
    expect(r.confirmed).toBe(1);
    expect(r.suspects.map((s) => s.item)).not.toContain(a.id);
    expect(r.suspects[0].item).toBe(b.id);
    const all = await call('suspects', { k: 5, includeConfirmed: true });
    expect(all.confirmed).toBe(0);
    expect(all.suspects.slice(0, 2).map((s) => [s.item, s.confirmed])).toEqual([
      [a.id, true],
      [b.id, false],
    ]);
    // A new label is not the confirmed one: the item is back on the list.
    setItemLabel(lab.db, a.id, 'square' === a.label ? 'bar' : 'square');
    expect((await call('suspects', { k: 5 })).suspects.map((s) => s.item)).toContain(a.id);
    expect(await call('confirmLabels', { ids: [a.id, b.id], confirmed: false })).toEqual({ changed: 0 });
  });

  it('ranks only the items of a split, their neighbours from every split', async () => {
    const val = items.filter((it) => it.split === 'val');
    const train = items.filter((it) => it.split === 'train');
    setItemLabel(lab.db, val[0].id, otherShape(val[0].label));
    setItemLabel(lab.db, train[0].id, otherShape(train[0].label));
    const r = await call('suspects', { k: 5, split: 'val' });
    expect(r.suspects[0].item).toBe(val[0].id);
    const valIds = new Set(val.map((it) => it.id));
    expect(r.suspects.every((s) => valIds.has(s.item))).toBe(true);
    expect((await call('suspects', { k: 5, limit: 1 })).suspects).toHaveLength(1);
  });

  it('measures agreement with the other models that embed the item', async () => {
    const covered = items.filter((_, i) => i % 2 === 0).map((it) => it.id);
    const second = addModel(covered);
    const [inside, outside] = [items[4], items[7]];
    setItemLabel(lab.db, inside.id, otherShape(inside.label));
    setItemLabel(lab.db, outside.id, otherShape(outside.label));
    // The newest model is the default; the first one is asked for here.
    expect((await call('suspects', { k: 3 })).models).toEqual([second, modelId]);
    const r = await call('suspects', { k: 3, modelId });
    expect(r.models).toEqual([modelId, second]);
    const byItem = new Map(r.suspects.map((s) => [s.item, s]));
    expect(byItem.get(inside.id)!.agreement).toBe(1);
    expect(byItem.get(outside.id)!.agreement).toBeNull();
    // An item the other model backs (its neighbours share the label there too) has agreement 0.
    // (the flipped item sits among its neighbours: they are listed, with a lower score).
    const backed = r.suspects.filter((s) => s.score < 1 && covered.includes(s.item));
    expect(backed.length).toBeGreaterThan(0);
    for (const s of backed) expect(s.agreement).toBe(0);
  });

  it('refuses what it cannot rank, saying why', async () => {
    expect(await refusal('suspects', { modelId: 99 })).toBe('the lab has no model 99');
    const empty = createModel(lab.db, { config: {}, tokenizer: {}, data: {}, backend: 'test' });
    finishModel(lab.db, empty, { status: 'done', weights: new Float32Array([0]) });
    expect(await refusal('suspects', { modelId: empty })).toMatch(
      new RegExp(`^model ${empty} has no image embeddings yet: run \`nearlab embed --model ${empty}\``),
    );
    // The default skips the model without embeddings.
    expect((await call('suspects', {})).modelId).toBe(modelId);
    expect(await refusal('suspects', { k: 48 })).toBe(
      `k = 48 needs more than 48 labeled items with image embeddings of model ${modelId}, and there are 48: lower k`,
    );
    expect(await refusal('confirmLabels', { ids: [1, 999] })).toBe('no item 999 in this lab');
    for (const it of items) setItemLabel(lab.db, it.id, null);
    expect(await refusal('suspects', {})).toMatch(/^this lab has no labeled items: import a labels table/);
  });
});

describe('confusionItems', () => {
  it('lists the items of one cell: a flipped test item lands where its neighbours put it', async () => {
    const test = items.filter((it) => it.split === 'test');
    const it = test[0];
    const wrong = otherShape(it.label);
    setItemLabel(lab.db, it.id, wrong);
    const cell = await call('confusionItems', { split: 'test', trueLabel: wrong, predicted: it.label });
    expect(cell.items).toEqual([
      {
        itemId: it.id,
        path: expect.stringMatching(/\.png$/),
        label: wrong,
        predicted: it.label,
        caption: expect.any(String),
      },
    ]);
    const diagonal = await call('confusionItems', { split: 'test', trueLabel: it.label, predicted: it.label });
    expect(diagonal.items.map((x) => x.itemId).sort()).toEqual(
      test.filter((x) => x.label === it.label && x.id !== it.id).map((x) => x.id),
    );
    expect(await refusal('confusionItems', { trueLabel: 'kite', predicted: 'disc' })).toBe(
      'no true label "kite" in the confusion matrix of the test split',
    );
  });
});
