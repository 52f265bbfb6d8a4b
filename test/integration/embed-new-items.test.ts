import { copyFileSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobState } from '../../core/api/contract.ts';
import { embedModel } from '../../core/model/embed-incremental.ts';
import { NearlabService } from '../../core/service/service.ts';
import { embeddingCoverage, readEmbeddings } from '../../core/store/embeddings.ts';
import { Lab } from '../../core/store/lab.ts';
import { labWithTinyModel } from '../helpers/tiny-model.ts';
import { runCliJson } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';
import { callApi } from '../../core/service/testing/call-api.ts';

const FIRST = 150;
const NAMES = readdirSync(join(SAMPLE_DIR, 'images')).sort();

let labPath: string;
let partial: string;
let modelId: number;

/** The first `FIRST` images of the sample with their captions and labels: a folder of its own. */
function partialSample(): string {
  const dir = tempDir('nearlab-partial-');
  mkdirSync(join(dir, 'images'));
  const keep = new Set(NAMES.slice(0, FIRST).map((n) => `images/${n}`));
  for (const n of NAMES.slice(0, FIRST)) copyFileSync(join(SAMPLE_DIR, 'images', n), join(dir, 'images', n));
  for (const table of ['captions.tsv', 'labels.tsv']) {
    const [head, ...rows] = readFileSync(join(SAMPLE_DIR, table), 'utf8').trim().split('\n');
    writeFileSync(join(dir, table), [head, ...rows.filter((r) => keep.has(r.split('\t')[0]))].join('\n') + '\n');
  }
  return dir;
}

/** Gives `images/<name>` of the partial folder the content of another sample image (a later mtime, as an edit would). */
function replaceImage(name: string, withName: string, seconds: number): void {
  const file = join(partial, 'images', name);
  copyFileSync(join(SAMPLE_DIR, 'images', withName), file);
  const t = new Date(Date.now() + seconds * 1000);
  utimesSync(file, t, t);
}

const call = callApi;

function itemId(lab: Lab, root: string, path: string): number {
  const row = lab.db
    .prepare('SELECT i.id FROM items i JOIN roots r ON r.id = i.root_id WHERE r.path = ? AND i.path = ?')
    .get(root, path) as { id: number };
  return row.id;
}

function vector(lab: Lab, id: number): number[] {
  const m = readEmbeddings(lab.db, modelId, 'image');
  const r = m.rowOf.get(id);
  return r === undefined ? [] : Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim));
}

const changes = (lab: Lab) => (lab.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
const jobsOf = (service: NearlabService, kind: string): JobState[] =>
  service.jobManager.list().filter((j) => j.kind === kind);

/** Issue 12: import 150 images, train, import 319 more. */
beforeAll(async () => {
  partial = partialSample();
  labPath = join(tempDir(), 'embed.lab');
  modelId = await labWithTinyModel(labPath, partial, 2);
}, 300_000);

describe('items imported after a model exists', () => {
  it('are embedded by the model after the import, and search finds them', async () => {
    const lab = Lab.open(labPath);
    const service = new NearlabService(lab);
    try {
      let [model] = (await call(service, 'models', {})).models;
      expect(model.coverage).toEqual({ images: FIRST, items: FIRST, captions: FIRST, liveCaptions: FIRST });

      await call(service, 'startImport', { folder: SAMPLE_DIR });
      await service.jobManager.idle();
      const [embed] = jobsOf(service, 'embed');
      expect(embed).toMatchObject({ status: 'done', result: { images: 319, captions: 319 } });
      expect(embed.progress).toMatchObject({ done: 638, total: 638 });

      [model] = (await call(service, 'models', {})).models;
      const all = FIRST + NAMES.length;
      expect(model).toMatchObject({ embedded: true, coverage: { images: all, items: all, captions: all } });

      // An image only the second folder has: as a query file, its item is its nearest neighbour; every item is found.
      const name = NAMES[FIRST + 20];
      const late = itemId(lab, resolve(SAMPLE_DIR), `images/${name}`);
      const base64 = readFileSync(join(SAMPLE_DIR, 'images', name)).toString('base64');
      const hits = await call(service, 'search', { query: { image: { base64, name } }, k: 3 });
      expect(hits.results[0]).toMatchObject({ itemId: late });
      const everything = await call(service, 'search', { query: { text: 'face' }, k: 1000 });
      expect(everything.results).toHaveLength(all);
    } finally {
      await service.jobManager.idle();
      lab.close();
    }
  }, 120_000);

  it('a second embed writes nothing', async () => {
    const lab = Lab.open(labPath);
    const service = new NearlabService(lab);
    try {
      const before = changes(lab);
      await call(service, 'startEmbedding', {});
      await service.jobManager.idle();
      expect(jobsOf(service, 'embed')[0]).toMatchObject({ status: 'done', result: { images: 0, captions: 0 } });
      expect(changes(lab)).toBe(before);
      expect(await embedModel(lab, modelId)).toMatchObject({ status: 'done', images: 0, captions: 0 });
      expect(changes(lab)).toBe(before);
    } finally {
      lab.close();
    }
  });

  it('an item whose image changed is embedded again, alone', async () => {
    const lab = Lab.open(labPath);
    const service = new NearlabService(lab);
    try {
      const name = NAMES[0];
      const other = NAMES[FIRST + 40];
      const item = itemId(lab, partial, `images/${name}`);
      const twin = itemId(lab, resolve(SAMPLE_DIR), `images/${other}`);
      const old = vector(lab, item);
      expect(old).toHaveLength(16);
      replaceImage(name, other, 60);

      await call(service, 'startImport', { folder: partial });
      await service.jobManager.idle();
      expect(jobsOf(service, 'import')[0]).toMatchObject({ status: 'done', result: { updated: 1 } });
      expect(jobsOf(service, 'embed')[0]).toMatchObject({ status: 'done', result: { images: 1, captions: 0 } });
      // Its vector is now the one of the image it shows (that of the other folder's copy), no longer the old one.
      const now = vector(lab, item);
      expect(now).not.toEqual(old);
      vector(lab, twin).forEach((x, j) => expect(now[j]).toBeCloseTo(x, 5));
      const [model] = (await call(service, 'models', {})).models;
      expect(model.embedded).toBe(true);
    } finally {
      lab.close();
    }
  }, 60_000);

  it('a stopped embed keeps the batches it wrote, and the next one embeds the rest; --all embeds everything', async () => {
    const lab = Lab.open(labPath);
    try {
      lab.db.prepare('DELETE FROM embeddings WHERE model_id = ?').run(modelId);
      const stop = new AbortController();
      const first = await embedModel(lab, modelId, {
        batchSize: 100,
        threads: 0,
        signal: stop.signal,
        onProgress: () => stop.abort(),
      });
      expect(first).toMatchObject({ status: 'cancelled', images: 100, captions: 0 });
      const rest = await embedModel(lab, modelId, { batchSize: 100, threads: 0 });
      const all = FIRST + NAMES.length;
      expect(rest).toMatchObject({ status: 'done', images: all - 100, captions: all });
      const again = await embedModel(lab, modelId, { all: true, threads: 0 });
      expect(again).toMatchObject({ status: 'done', images: all, captions: all });
    } finally {
      lab.close();
    }
  }, 60_000);

  it('nearlab import embeds what it changed (not with --no-embed), and nearlab embed then does', async () => {
    replaceImage(NAMES[1], NAMES[FIRST + 41], 120);
    const imported = await runCliJson<{ updated: number; embedded: Partial<Record<string, number>>[] }>([
      'import',
      partial,
      '--lab',
      labPath,
    ]);
    expect(imported.updated).toBe(1);
    expect(imported.embedded).toEqual([expect.objectContaining({ modelId, status: 'done', images: 1, captions: 0 })]);

    replaceImage(NAMES[2], NAMES[FIRST + 42], 180);
    const skipped = await runCliJson<{ updated: number; embedded: unknown[] }>([
      'import',
      partial,
      '--lab',
      labPath,
      '--no-embed',
    ]);
    expect(skipped).toMatchObject({ updated: 1, embedded: [] });
    const lab = Lab.open(labPath);
    const all = FIRST + NAMES.length;
    expect(embeddingCoverage(lab.db, modelId)).toMatchObject({ images: all - 1, items: all });
    lab.close();

    expect(await runCliJson(['embed', '--lab', labPath])).toMatchObject({ modelId, images: 1, captions: 0 });
    expect(await runCliJson(['embed', '--lab', labPath])).toMatchObject({ modelId, images: 0, captions: 0 });
  }, 120_000);
});
