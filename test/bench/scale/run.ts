/**
 * The whole lab at size (issue 14): generates a lab folder (generate.ts), then measures each step a user takes
 * through the real API (NearlabService.api, the browser-mode HTTP server for search) and returns one row per
 * measurement. `npm run bench:scale -- --items 100000` prints the table; test/bench/scale.test.ts runs it small.
 *
 * The lab is two imported folders: `a/` (the subset: backbone features are computed for it and a CNN from scratch,
 * d = 128, is trained on its train split for one epoch) and `b/` (the rest: imported, then embedded by that model,
 * the real import → embed job path). Features cost ~20 images/s on 2 cores, so only the subset gets them.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { JobState, MethodName, Params, Results } from '../../../core/api/contract.ts';
import { invoke } from '../../../core/api/rpc.ts';
import { exportProjector } from '../../../core/cli/commands/export.ts';
import { startServer } from '../../../core/server/server.ts';
import { NearlabService } from '../../../core/service/service.ts';
import { Lab } from '../../../core/store/lab.ts';
import { generateLab } from './generate.ts';

export interface ScaleOptions {
  items: number;
  /** Items of folder a/ (features and training); the rest go to b/. */
  subset: number;
  seed?: number;
  source?: string;
  /** Input side of the CNN trained for the embeddings (default 64, the CNN's default; 16–96). */
  imageSize?: number;
  /** Repetitions of each timed API call (p50/p95). */
  repeats?: number;
  /** Where the generated folder goes (default: a cached one under tmpdir, named by source, size and seed). */
  outDir?: string;
  /** Working folder (the lab file and the export); default a fresh one under tmpdir. */
  workDir?: string;
  log?: (line: string) => void;
}

export interface ScaleRow {
  /** What was measured. */
  step: string;
  /** The measurement as printed, e.g. "412 images/s" or "p50 3.1 ms, p95 5.2 ms". */
  value: string;
  /** The goal it is compared with, and whether it was met (null without a goal). */
  goal: string | null;
  met: boolean | null;
  note: string;
}

export interface ScaleReport {
  items: number;
  subset: number;
  source: string;
  rows: ScaleRow[];
}

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number, digits = 1) => x.toFixed(digits);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Times `fn` once cold, then `repeats` times warm: cold ms and warm p50/p95. */
async function timed<T>(
  repeats: number,
  fn: (i: number) => Promise<T>,
): Promise<{ cold: number; p50: number; p95: number; last: T }> {
  let t = performance.now();
  let last = await fn(0);
  const cold = ms(t);
  const warm: number[] = [];
  for (let i = 1; i <= repeats; i++) {
    t = performance.now();
    last = await fn(i);
    warm.push(ms(t));
  }
  return { cold, p50: quantile(warm, 0.5), p95: quantile(warm, 0.95), last };
}

/** Plain sharp: decode + resize to 96 px of the same files, same concurrency, as the import does. */
async function plainSharp(files: string[], concurrency: number): Promise<number> {
  const t = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++];
      await sharp(f).rotate().resize(96, 96, { fit: 'cover' }).raw().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return files.length / (ms(t) / 1000);
}

export async function runScaleBench(o: ScaleOptions): Promise<ScaleReport> {
  const log = o.log ?? (() => {});
  const repeats = o.repeats ?? 40;
  const rows: ScaleRow[] = [];
  const row = (step: string, value: string, note = '', goal: string | null = null, met: boolean | null = null) => {
    rows.push({ step, value, goal, met, note });
    log(`${step}: ${value}${goal ? ` (goal ${goal}: ${met ? 'met' : 'NOT met'})` : ''}${note ? ` — ${note}` : ''}`);
  };

  const subset = Math.min(o.subset, o.items);
  const gen = await generateLab({ count: o.items, seed: o.seed, source: o.source, subset, outDir: o.outDir });
  row(
    'generate',
    gen.seconds > 0 ? `${fmt(o.items / gen.seconds, 0)} images/s` : 'cached',
    `${o.items} JPEGs 64 px from ${gen.sources} ${gen.source} images (crop, colour shift, noise), captions and labels`,
  );
  const work = o.workDir ?? join(tmpdir(), `nearlab-scale-run-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const labPath = join(work, 'scale.nearlab');
  const lab = Lab.open(labPath);
  const service = new NearlabService(lab, { featuresAfterImport: false, theoryWorkers: 'never' });
  const call = <M extends MethodName>(m: M, p: Params<M>): Promise<Results[M]> => invoke(service.api, m, p);

  /** Waits for a job; returns its state when it ended. */
  const waitJob = async (jobId: string): Promise<JobState> => {
    for (;;) {
      const j = (await call('jobs', {})).jobs.find((x) => x.id === jobId);
      if (!j) throw new Error(`job ${jobId} vanished`);
      if (j.status !== 'running') {
        if (j.status !== 'done') throw new Error(`${j.title}: ${j.status} ${j.error ?? ''}`);
        return j;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const jobSeconds = (j: JobState) => (Date.parse(j.finishedAt!) - Date.parse(j.startedAt)) / 1000;
  const importFolder = async (folder: string) => {
    const t = performance.now();
    const j = await waitJob((await call('startImport', { folder })).jobId);
    return { seconds: ms(t) / 1000, added: Number(j.result?.added ?? 0) };
  };

  try {
    // Import beside plain sharp, in the same run, over b/ (the bulk).
    const bulk = gen.paths.slice(subset).map((p) => join(gen.dir, 'b', p));
    const plainFiles = bulk.slice(0, Math.min(bulk.length, 10_000));
    const plain = plainFiles.length > 0 ? await plainSharp(plainFiles, 4) : NaN;

    const a = await importFolder(join(gen.dir, 'a'));
    row('import a/ (subset)', `${fmt(a.added / a.seconds, 0)} images/s`, `${a.added} items, through startImport`);

    let t = performance.now();
    const f = await waitJob((await call('startFeatures', {})).jobId);
    const featureImages = Number(f.result?.computed ?? f.result?.done ?? subset);
    row(
      'feature extraction',
      `${fmt(featureImages / (ms(t) / 1000))} images/s`,
      `default backbone (mobilenet_v2_mid) on the ${featureImages} images of a/ only, job wall time with model load`,
    );

    t = performance.now();
    const tr = await waitJob(
      (await call('startTraining', { backbone: 'scratch', epochs: 1, batch: 64, imageSize: o.imageSize ?? 64 })).jobId,
    );
    const modelId = (await call('models', {})).models.find((m) => m.status === 'done' && m.kind === 'trained')?.id;
    row(
      'training (CNN from scratch, 1 epoch)',
      `${fmt(ms(t) / 1000)} s`,
      `train split of a/, d = 128, ${o.imageSize ?? 64} px input, with validation and embedding a/; model ${modelId ?? '?'} ${String(tr.result?.status ?? '')}`,
    );

    const b = await importFolder(join(gen.dir, 'b'));
    row(
      'import b/ (bulk)',
      `${fmt(b.added / b.seconds, 0)} images/s`,
      `${b.added} items; plain sharp decode+resize 96 px, 4 in flight: ${fmt(plain, 0)} images/s (ratio ${fmt(b.added / b.seconds / plain, 2)}, over ${plainFiles.length} of the same files)`,
    );
    // The import queues an embed job for the trained model (the real path): wait for it.
    const embedJob = (await call('jobs', {})).jobs.find((j) => j.kind === 'embed' && j.status === 'running');
    if (embedJob) {
      const e = await waitJob(embedJob.id);
      row(
        'embedding',
        `${fmt(b.added / jobSeconds(e), 0)} images/s`,
        `the trained CNN (d = 128, ${o.imageSize ?? 64} px) on the ${b.added} images of b/ and their captions, queued by the import`,
      );
    } else row('embedding', 'not run', 'no embed job after the import');

    await measureUse({ service, call, row, lab, labPath, work, modelId, firstItem: subset, repeats, items: o.items });
  } finally {
    await service.closeTheoryWorkers();
    lab.close();
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  row(
    'peak RSS of the process',
    `${fmt(rss, 0)} MB`,
    'the whole bench (generation aside from workers)',
    '≤ 2 GB',
    rss <= 2048,
  );
  if (!o.workDir) rmSync(work, { recursive: true, force: true });
  return { items: o.items, subset, source: gen.source, rows };
}

interface UseContext {
  service: NearlabService;
  call: <M extends MethodName>(m: M, p: Params<M>) => Promise<Results[M]>;
  row: (step: string, value: string, note?: string, goal?: string | null, met?: boolean | null) => void;
  lab: Lab;
  labPath: string;
  /** Where the export goes. */
  work: string;
  modelId: number | undefined;
  /** Items from here on are classified by k-NN (the bulk, not the training subset). */
  firstItem: number;
  repeats: number;
  items: number;
}

/** The rows of a user's work in a filled lab: lab size, Library, search, k-NN, K curve, Map, export. */
async function measureUse({ service, call, row, lab, labPath, work, modelId, firstItem, repeats, items }: UseContext) {
  lab.db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = statSync(labPath).size;
  row('lab file', `${fmt(bytes / items / 1024)} KB/item`, `${fmt(bytes / 2 ** 20, 0)} MB for ${items} items`);

  // The Library's first page with a filter (label, then label + text), as the Library view asks for it.
  const labels = Object.keys((await call('info', {})).labels).sort();
  const lib = await timed(repeats, (i) =>
    call('listItems', { offset: 0, limit: 200, label: labels[i % labels.length], split: 'train' }),
  );
  row(
    'Library page (label + split filter)',
    `cold ${fmt(lib.cold)} ms, p50 ${fmt(lib.p50)} ms, p95 ${fmt(lib.p95)} ms`,
    `first 200 of a label's train items, with the total (${lib.last.total}); ${labels.length} labels`,
    '≤ 50 ms',
    Math.max(lib.p95, lib.cold) <= 50,
  );
  const words = ['face', 'red', 'cat', 'flag', 'bright', 'heart', 'hand', 'car'];
  const libText = await timed(repeats, (i) =>
    call('listItems', { offset: 0, limit: 200, text: words[i % words.length] }),
  );
  row(
    'Library page (text filter)',
    `cold ${fmt(libText.cold)} ms, p50 ${fmt(libText.p50)} ms, p95 ${fmt(libText.p95)} ms`,
    'first 200 items with a caption or path word that starts with the word, with the total',
    '≤ 50 ms',
    Math.max(libText.p95, libText.cold) <= 50,
  );

  // Text→image search through the HTTP server (browser mode), with the hits' metadata (path, label, caption).
  const server = await startServer({ service, staticDir: work, port: 0 });
  try {
    const queries = ['red apple', 'cat', 'grinning face', 'flag', 'bright heart', 'car', 'tree', 'dark moon'];
    const post = async (body: unknown) => {
      const r = await fetch(`http://127.0.0.1:${server.port}/api/search?token=${server.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const j = (await r.json()) as { ok: boolean; result: Results['search']; error?: { message: string } };
      if (!j.ok) throw new Error(j.error?.message);
      return j.result;
    };
    const s = await timed(repeats, (i) => post({ query: { text: queries[i % queries.length] }, k: 24 }));
    row(
      'text→image search (HTTP)',
      `cold ${fmt(s.cold)} ms, p50 ${fmt(s.p50)} ms, p95 ${fmt(s.p95)} ms`,
      `hybrid, k = 24, over ${items} images, with path, label and caption of each hit; cold loads the gallery`,
      'p95 ≤ 20 ms',
      s.p95 <= 20,
    );
    const sf = await timed(repeats, (i) =>
      post({ query: { text: queries[i % queries.length] }, k: 24, filters: { label: labels[i % labels.length] } }),
    );
    row(
      'text→image search, label filter (HTTP)',
      `cold ${fmt(sf.cold)} ms, p50 ${fmt(sf.p50)} ms, p95 ${fmt(sf.p95)} ms`,
      'as above, only items of one label',
      'p95 ≤ 20 ms',
      sf.p95 <= 20,
    );
  } finally {
    await server.close();
  }

  const firstB = (await call('listItems', { offset: firstItem, limit: 1 })).items[0]?.id ?? 1;
  const c = await timed(Math.min(repeats, 10), (i) =>
    call('classify', { image: { itemId: firstB + i }, method: { kind: 'knn', k: 5 } }),
  );
  row(
    'k-NN classification of one image',
    `cold ${fmt(c.cold)} ms, p50 ${fmt(c.p50)} ms, p95 ${fmt(c.p95)} ms`,
    'a lab item, k = 5, against the labeled train items',
  );

  let t = performance.now();
  const curve = await call('knnCurve', { maxK: 50 });
  row('K curve', `${fmt(ms(t) / 1000, 2)} s`, `leave-one-out accuracy for K = 1…50, best K ${curve.bestK}`);

  t = performance.now();
  const pca = await call('projection', { method: 'pca', limit: 20_000 });
  row(
    'Map, PCA',
    `${fmt(ms(t) / 1000, 2)} s`,
    `${pca.points.length} points (every item, up to the API's largest limit, 20,000)`,
    '≤ 10 s',
    ms(t) <= 10_000,
  );
  t = performance.now();
  const umap = await call('projection', { method: 'umap' });
  row(
    'Map, UMAP',
    `${fmt(ms(t) / 1000, 2)} s`,
    `${umap.points.length} points (the default sample)`,
    '≤ 10 s',
    ms(t) <= 10_000,
  );

  t = performance.now();
  const ex = await exportProjector(lab, modelId ?? pca.modelId, join(work, 'export'));
  const exBytes =
    statSync(join(work, 'export', 'vectors.tsv')).size + statSync(join(work, 'export', 'metadata.tsv')).size;
  row(
    'export (Embedding Projector TSV)',
    `${fmt(ms(t) / 1000, 2)} s`,
    `${ex.images} images + ${ex.captions} captions, ${fmt(exBytes / 2 ** 20, 0)} MB`,
  );
}

/**
 * The use rows only (lab size, Library, search, k-NN, K curve, Map, export, RSS) on a lab filled earlier, e.g. one
 * kept with `--keep`: re-measures a change without generating, importing and embedding again. The lab is opened in
 * place (pending migrations run); its newest finished trained model is the one searched.
 */
export async function measureExistingLab(
  labPath: string,
  o: { repeats?: number; log?: (line: string) => void } = {},
): Promise<ScaleReport> {
  const log = o.log ?? (() => {});
  const rows: ScaleRow[] = [];
  const row = (step: string, value: string, note = '', goal: string | null = null, met: boolean | null = null) => {
    rows.push({ step, value, goal, met, note });
    log(`${step}: ${value}${goal ? ` (goal ${goal}: ${met ? 'met' : 'NOT met'})` : ''}${note ? ` — ${note}` : ''}`);
  };
  const work = mkdtempSync(join(tmpdir(), 'nearlab-scale-use-'));
  const lab = Lab.open(labPath);
  const service = new NearlabService(lab, { featuresAfterImport: false, theoryWorkers: 'never' });
  const call = <M extends MethodName>(m: M, p: Params<M>): Promise<Results[M]> => invoke(service.api, m, p);
  let items: number;
  try {
    items = (await call('info', {})).items;
    const modelId = (await call('models', {})).models
      .filter((m) => m.status === 'done' && m.kind === 'trained')
      .at(-1)?.id;
    const repeats = o.repeats ?? 40;
    await measureUse({ service, call, row, lab, labPath, work, modelId, firstItem: items >> 1, repeats, items });
  } finally {
    await service.closeTheoryWorkers();
    lab.close();
    rmSync(work, { recursive: true, force: true });
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  row('peak RSS of the process', `${fmt(rss, 0)} MB`, 'the use rows only, on a filled lab', '≤ 2 GB', rss <= 2048);
  return { items, subset: 0, source: labPath, rows };
}

/** The report as a Markdown table. */
export function formatTable(r: ScaleReport): string {
  const lines = [
    `| step (${r.items} items, ${r.source}) | measured | goal | note |`,
    '| --- | --- | --- | --- |',
    ...r.rows.map((x) => `| ${x.step} | ${x.value} | ${x.goal ? `${x.goal} ${x.met ? '✓' : '✗'}` : ''} | ${x.note} |`),
  ];
  return lines.join('\n');
}
