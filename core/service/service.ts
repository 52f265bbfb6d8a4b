import { existsSync, promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFolder } from '../data/importer.ts';
import { labInfo } from '../store/info.ts';
import type { Lab } from '../store/lab.ts';
import { RateMeter } from '../data/progress.ts';
import { KnnError } from '../knn/index.ts';
import type { TrainConfig } from '../model/config.ts';
import { resolveConfig, train, type DeepPartial } from '../model/trainer.ts';
import { SearchEngine, SearchError } from './search/engine.ts';
import {
  embeddingCounts,
  getModel,
  latestModelId,
  listModels,
  modelEpochs,
  modelSteps,
  ModelNotFoundError,
  readEmbeddings,
} from '../store/models.ts';
import type {
  ApiEvent,
  ApiHandlers,
  ItemDetail,
  ItemSummary,
  ModelSummary,
  ParsedParams,
  Results,
} from '../api/contract.ts';
import { JobManager } from './jobs.ts';
import { ApiError } from '../api/rpc.ts';
import { TheoryHandlers, type LabeledMatrix } from './theory/handlers.ts';

/** resources/sample; the packaged app sets NEARLAB_SAMPLE_DIR to its unpacked copy. */
export const SAMPLE_FOLDER =
  process.env.NEARLAB_SAMPLE_DIR || fileURLToPath(new URL('../../resources/sample', import.meta.url));

interface ItemRow {
  id: number;
  path: string;
  root: string;
  split: 'train' | 'val' | 'test';
  label: string | null;
  value: number | null;
  captions: string | null;
  width: number;
  height: number;
}

const ITEM_COLUMNS = `i.id, i.path, r.path AS root, i.split, l.name AS label, l.value,
  (SELECT json_group_array(c.text) FROM captions c WHERE c.item_id = i.id) AS captions, im.width, im.height`;
const ITEM_FROM = `items i JOIN roots r ON r.id = i.root_id JOIN images im ON im.id = i.image_id
  LEFT JOIN labels l ON l.item_id = i.id`;

function liveCounts(db: Lab['db']): { items: number; captions: number } {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM items WHERE status = 'ok') AS items,
        (SELECT count(*) FROM captions c JOIN items i ON i.id = c.item_id WHERE i.status = 'ok') AS captions`,
    )
    .get() as { items: number; captions: number };
}

function toSummary(r: ItemRow): ItemSummary {
  return { ...r, captions: r.captions ? (JSON.parse(r.captions) as string[]) : [] };
}

/**
 * Core's implementation of the API over one open lab. Transports (Electron utility process,
 * HTTP server, tests) call it through `dispatch`, which validates parameters first.
 */
export class NearlabService extends TheoryHandlers implements ApiHandlers {
  readonly jobManager: JobManager;
  private readonly listeners = new Set<(e: ApiEvent) => void>();

  private readonly search_: SearchEngine;

  constructor(readonly lab: Lab) {
    super();
    this.search_ = new SearchEngine(lab);
    this.jobManager = new JobManager((job) => this.emit({ type: 'job', job }));
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ApiEvent): void {
    for (const l of this.listeners) l(e);
  }

  async info(): Promise<Results['info']> {
    return { lab: this.lab.path, ...labInfo(this.lab.db) };
  }

  async listItems(p: ParsedParams<'listItems'>): Promise<Results['listItems']> {
    const where = [`i.status = 'ok'`];
    const args: (string | number)[] = [];
    if (p.split) {
      where.push('i.split = ?');
      args.push(p.split);
    }
    if (p.label !== undefined) {
      where.push('l.name = ?');
      args.push(p.label);
    }
    for (const word of (p.text ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
      where.push(
        `(lower(i.path) LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM captions c WHERE c.item_id = i.id AND lower(c.text) LIKE ? ESCAPE '\\'))`,
      );
      const like = `%${word.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      args.push(like, like);
    }
    const sql = `FROM ${ITEM_FROM} WHERE ${where.join(' AND ')}`;
    const total = (this.lab.db.prepare(`SELECT count(*) AS n ${sql}`).get(...args) as { n: number }).n;
    const rows = this.lab.db
      .prepare(`SELECT ${ITEM_COLUMNS} ${sql} ORDER BY i.id LIMIT ? OFFSET ?`)
      .all(...args, p.limit, p.offset) as ItemRow[];
    return { total, items: rows.map(toSummary) };
  }

  async item(p: ParsedParams<'item'>): Promise<ItemDetail> {
    const row = this.lab.db
      .prepare(`SELECT ${ITEM_COLUMNS}, im.format, im.bytes, im.hash, i.image_id FROM ${ITEM_FROM} WHERE i.id = ?`)
      .get(p.id) as (ItemRow & { format: string; bytes: number; hash: string; image_id: number }) | undefined;
    if (!row) throw new ApiError('not-found', `no item ${p.id} in this lab`);
    const duplicates = this.lab.db
      .prepare(`SELECT id, path FROM items WHERE image_id = ? AND id != ? AND status = 'ok' ORDER BY id`)
      .all(row.image_id, row.id) as { id: number; path: string }[];
    const { image_id: _imageId, ...rest } = row;
    return { ...toSummary(rest), format: row.format, bytes: row.bytes, hash: row.hash, duplicates };
  }

  async importProblems(p: ParsedParams<'importProblems'>): Promise<Results['importProblems']> {
    const latest = `SELECT max(id) FROM import_runs WHERE status != 'running' GROUP BY root_id`;
    const total = (
      this.lab.db.prepare(`SELECT count(*) AS n FROM import_errors WHERE run_id IN (${latest})`).get() as { n: number }
    ).n;
    const problems = this.lab.db
      .prepare(
        `SELECT e.run_id AS runId, r.path AS root, e.path, e.line, e.severity, e.reason
         FROM import_errors e JOIN import_runs ir ON ir.id = e.run_id JOIN roots r ON r.id = ir.root_id
         WHERE e.run_id IN (${latest}) ORDER BY e.severity, e.path, e.line LIMIT ?`,
      )
      .all(p.limit) as Results['importProblems']['problems'];
    return { problems, total };
  }

  async startImport(p: ParsedParams<'startImport'>): Promise<Results['startImport']> {
    const folder = resolve(p.folder);
    const jobId = this.jobManager.start(
      'import',
      `Import ${folder}`,
      async ({ signal, progress }) => {
        const summary = await importFolder(this.lab, folder, { ...p, signal, onProgress: progress });
        const { problems: _problems, ...counts } = summary;
        return counts;
      },
      () => this.emit({ type: 'lab-changed' }),
    );
    return { jobId };
  }

  async sampleFolder(): Promise<Results['sampleFolder']> {
    return { path: SAMPLE_FOLDER, exists: existsSync(SAMPLE_FOLDER) };
  }

  async jobs(): Promise<Results['jobs']> {
    return { jobs: this.jobManager.list() };
  }

  async cancelJob(p: ParsedParams<'cancelJob'>): Promise<Results['cancelJob']> {
    return { cancelled: this.jobManager.cancel(p.jobId) };
  }

  async models(): Promise<Results['models']> {
    const db = this.lab.db;
    const live = liveCounts(db);
    const models = listModels(db).map((m): ModelSummary => {
      const rec = getModel(db, m.id);
      const config = rec.config as TrainConfig;
      const counts = embeddingCounts(db, m.id);
      return {
        id: m.id,
        name: `#${m.id} ${config.loss.kind}`,
        createdAt: m.createdAt,
        status: m.status === 'running' ? 'training' : m.status,
        loss: config.loss.kind,
        backend: m.backend,
        config: config as unknown as Record<string, unknown>,
        epochsDone: m.epochsDone,
        metrics: m.metrics
          ? {
              t2i: m.metrics.t2i,
              i2t: m.metrics.i2t,
              knnAccuracy: m.metrics.knnAccuracy ?? null,
              zeroShotAccuracy: m.metrics.zeroShotAccuracy ?? null,
            }
          : null,
        embedded: counts.image >= live.items && counts.caption >= live.captions && live.items > 0,
      };
    });
    return { models };
  }

  async modelHistory(p: ParsedParams<'modelHistory'>): Promise<Results['modelHistory']> {
    const db = this.lab.db;
    getModel(db, p.modelId);
    return {
      steps: modelSteps(db, p.modelId).map((s) => ({ step: s.step, epoch: s.epoch, loss: s.loss })),
      epochs: modelEpochs(db, p.modelId)
        .filter((e) => e.metrics)
        .map((e) => ({ epoch: e.epoch, t2i: e.metrics!.t2i, i2t: e.metrics!.i2t, loss: e.trainLoss })),
    };
  }

  async startTraining(p: ParsedParams<'startTraining'>): Promise<Results['startTraining']> {
    const partial: DeepPartial<TrainConfig> = { loss: { kind: p.loss } };
    if (p.epochs !== undefined) partial.epochs = p.epochs;
    if (p.batch !== undefined) partial.batchSize = p.batch;
    if (p.lr !== undefined) partial.lr = p.lr;
    if (p.seed !== undefined) partial.seed = p.seed;
    if (p.dim !== undefined || p.imageSize !== undefined) {
      partial.model = {
        ...(p.dim !== undefined ? { dim: p.dim } : {}),
        ...(p.imageSize !== undefined ? { imageSize: p.imageSize } : {}),
      };
    }
    let config: TrainConfig;
    try {
      config = resolveConfig(partial);
    } catch (e) {
      throw new ApiError('bad-request', (e as Error).message);
    }
    const jobId = this.jobManager.start(
      'train',
      p.resumeModelId ? `Resume model ${p.resumeModelId}` : `Train (${p.loss})`,
      async ({ signal, progress }) => {
        const meter = new RateMeter();
        const r = await train(this.lab, config, {
          signal,
          resume: p.resumeModelId,
          onProgress: (t) => {
            const base = meter.measure(`model ${t.modelId} ${t.phase}`, t.step, t.totalSteps);
            progress({
              ...base,
              rate: t.samplesPerSec,
              etaSeconds: t.etaSeconds,
              detail: { modelId: t.modelId, epoch: t.epoch, epochs: t.epochs, loss: t.loss, phase: t.phase },
            });
          },
        });
        this.search_.invalidate();
        return {
          modelId: r.modelId,
          status: r.status,
          backend: r.backend,
          seconds: r.seconds,
          samplesPerSec: r.samplesPerSec,
          metrics: r.metrics,
        };
      },
      () => this.emit({ type: 'lab-changed' }),
    );
    return { jobId };
  }

  async search(p: ParsedParams<'search'>): Promise<Results['search']> {
    return this.guard(() =>
      this.search_.search(p.query, { k: p.k, target: p.target, modelId: p.modelId, filters: p.filters }),
    );
  }

  async classify(p: ParsedParams<'classify'>): Promise<Results['classify']> {
    const m = p.method;
    return this.guard(() =>
      m.kind === 'knn'
        ? this.search_.classifyKnn(p.image, { k: m.k, weights: m.weights, metric: m.metric, modelId: p.modelId })
        : this.search_.classifyZeroShot(p.image, { labels: m.labels, templates: m.templates, modelId: p.modelId }),
    );
  }

  async knnCurve(p: ParsedParams<'knnCurve'>): Promise<Results['knnCurve']> {
    return this.guard(async () => this.search_.knnCurve(p));
  }

  async evaluate(p: ParsedParams<'evaluate'>): Promise<Results['evaluate']> {
    return this.guard(() => this.search_.evaluate(p));
  }

  async projection(p: ParsedParams<'projection'>): Promise<Results['projection']> {
    return this.guard(async () => this.search_.projection(p));
  }

  /** Errors a user can fix come back as bad requests; anything else stays a failure. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SearchError || e instanceof ModelNotFoundError || e instanceof KnnError) {
        throw new ApiError('bad-request', (e as Error).message);
      }
      throw e;
    }
  }

  protected async latestImageEmbeddings(limit: number): Promise<LabeledMatrix | null> {
    const id = latestModelId(this.lab.db);
    if (id === null) return null;
    const emb = readEmbeddings(this.lab.db, id, 'image');
    if (emb.ids.length === 0) return null;
    const labels = new Map(
      (
        this.lab.db.prepare('SELECT item_id, name FROM labels WHERE name IS NOT NULL').all() as {
          item_id: number;
          name: string;
        }[]
      ).map((r) => [r.item_id, r.name]),
    );
    const rows: number[] = [];
    for (let r = 0; r < emb.ids.length && rows.length < limit; r++) if (labels.has(emb.ids[r])) rows.push(r);
    const data = new Float32Array(rows.length * emb.dim);
    rows.forEach((r, i) => data.set(emb.data.subarray(r * emb.dim, (r + 1) * emb.dim), i * emb.dim));
    const itemIds = rows.map((r) => emb.ids[r]);
    return { data, rows: rows.length, dim: emb.dim, itemIds, labels: itemIds.map((id) => labels.get(id) ?? null) };
  }

  /** Thumbnail bytes of an item, for the media protocol. */
  thumbnail(itemId: number): { mime: string; data: Buffer } | null {
    const row = this.lab.db
      .prepare(`SELECT t.mime, t.data FROM items i JOIN thumbnails t ON t.image_id = i.image_id WHERE i.id = ?`)
      .get(itemId) as { mime: string; data: Buffer } | undefined;
    return row ?? null;
  }

  /**
   * The original file of an item, confined to its import root: a path that resolves (through
   * '..' or a symbolic link) outside the root is refused.
   */
  async originalFile(itemId: number): Promise<string | null> {
    const row = this.lab.db
      .prepare(
        `SELECT i.path, i.path_raw, r.path AS root FROM items i JOIN roots r ON r.id = i.root_id WHERE i.id = ? AND i.status = 'ok'`,
      )
      .get(itemId) as { path: string; path_raw: Buffer | null; root: string } | undefined;
    if (!row || row.path_raw) return null;
    return confinedPath(row.root, row.path);
  }
}

/** `root/rel` if it exists and its real path stays inside the real root; otherwise null. */
export async function confinedPath(root: string, rel: string): Promise<string | null> {
  if (isAbsolute(rel)) return null;
  try {
    const realRoot = await fs.realpath(root);
    const real = await fs.realpath(resolve(realRoot, rel));
    const r = relative(realRoot, real);
    if (r === '' || r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..')) return null;
    return real;
  } catch {
    return null;
  }
}
