import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Params, Results } from '../../core/api/contract.ts';
import { dispatch } from '../../core/api/rpc.ts';
import { NearlabService } from '../../core/service/service.ts';
import { Lab } from '../../core/store/lab.ts';
import { runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';
import { labWithTinyModel } from '../helpers/tiny-model.ts';

let labPath: string;
let lab: Lab;
let service: NearlabService;

/** The sample lab (319 emoji, one caption each) with a model trained for one epoch: it barely knows the words. */
beforeAll(async () => {
  labPath = join(tempDir(), 'captions.lab');
  await labWithTinyModel(labPath, SAMPLE_DIR, 1);
  lab = Lab.open(labPath);
  service = new NearlabService(lab);
}, 300_000);
afterAll(() => lab?.close());

async function search(p: Params<'search'>): Promise<Results['search']> {
  const r = await dispatch(service.api, 'search', p);
  if (!r.ok) throw new Error(r.error.message);
  return r.result as Results['search'];
}

/** Every 40th caption of the lab that no other item has, with its item. */
function sampleCaptions(): { itemId: number; text: string; path: string }[] {
  const rows = lab.db
    .prepare(
      `SELECT c.item_id AS itemId, c.text, i.path FROM captions c JOIN items i ON i.id = c.item_id
       WHERE (SELECT count(*) FROM captions d WHERE d.text = c.text) = 1 ORDER BY c.id`,
    )
    .all() as { itemId: number; text: string; path: string }[];
  return rows.filter((_, i) => i % 40 === 0);
}

describe('text search on a barely trained model', () => {
  it('puts the item whose caption is the query in the top 3, which the embedding alone mostly does not', async () => {
    const picked = sampleCaptions();
    expect(picked.length).toBeGreaterThanOrEqual(7);
    let byEmbedding = 0;
    for (const c of picked) {
      const hybrid = await search({ query: { text: c.text }, k: 3 });
      const top = hybrid.results.map((h) => h.itemId);
      expect(top, c.text).toContain(c.itemId);
      const hit = hybrid.results.find((h) => h.itemId === c.itemId)!;
      expect(hit).toMatchObject({ caption: c.text, keywordRank: expect.any(Number) });
      expect(hit.matched!.length).toBeGreaterThan(0);
      expect(hybrid.weakMatch).toBe(false);

      const embedding = await search({ query: { text: c.text }, k: 3, mode: 'embedding' });
      if (embedding.results.some((h) => h.itemId === c.itemId)) byEmbedding++;
      // No keyword in it: keyword fields empty, pure cosine order.
      for (const h of embedding.results) expect(h).toMatchObject({ keywordRank: null, matched: [] });
      const scores = embedding.results.map((h) => h.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
    expect(byEmbedding).toBeLessThan(picked.length / 2);
  });

  it('calls a query of words the model never saw, or of no words at all, a weak match and names the words', async () => {
    const gibberish = await search({ query: { text: 'qwzx vlorp' }, k: 24 });
    expect(gibberish).toMatchObject({ weakMatch: true, weakReason: 'unknown-words', unknownWords: ['qwzx', 'vlorp'] });
    const emoji = await search({ query: { text: '🍎' }, k: 24 });
    expect(emoji).toMatchObject({ weakMatch: true, weakReason: 'unknown-words', unknownWords: [] });
    const [c] = sampleCaptions();
    const known = await search({ query: { text: `${c.text} qwzx` }, k: 24 });
    expect(known.weakReason).not.toBe('unknown-words');
    expect(known.unknownWords).toContain('qwzx');
  });

  it("keeps each hit's cosine score, whichever ranking brought it", async () => {
    const [c] = sampleCaptions();
    const all = await search({ query: { text: c.text }, k: 1000, mode: 'embedding' });
    const cosine = new Map(all.results.map((h) => [h.itemId, h.score]));
    const hybrid = await search({ query: { text: c.text }, k: 24 });
    for (const h of hybrid.results) expect(h.score).toBeCloseTo(cosine.get(h.itemId)!, 5);
  });

  it('nearlab search --text fuses keyword matches unless --embedding-only', async () => {
    const [, c] = sampleCaptions();
    type Out = { results: { path: string; keywordRank: number | null; matched: string[] }[] };
    const hybrid = await runCliJson<Out>(['search', '--lab', labPath, '--text', c.text, '-k', '3']);
    expect(hybrid.results.map((h) => h.path)).toContain(c.path);
    expect(hybrid.results.find((h) => h.path === c.path)!.keywordRank).toBeGreaterThan(0);
    const plain = await runCliJson<Out>(['search', '--lab', labPath, '--text', c.text, '-k', '3', '--embedding-only']);
    expect(plain.results.every((h) => h.keywordRank === null && h.matched.length === 0)).toBe(true);
  });
});
