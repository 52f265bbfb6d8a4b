import { existsSync, promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFolder } from '../data/importer.ts';
import { labInfo } from '../store/info.ts';
import type { Lab } from '../store/lab.ts';
import type { ApiEvent, ApiHandlers, ItemDetail, ItemSummary, ParsedParams, Results } from './contract.ts';
import { JobManager } from './jobs.ts';
import { ApiError } from './rpc.ts';
import { TheoryHandlers, type LabeledMatrix } from './theory-service.ts';

export const SAMPLE_FOLDER = fileURLToPath(new URL('../../resources/sample', import.meta.url));

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

  constructor(readonly lab: Lab) {
    super();
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

  // INTEGRATION PENDING: wired to core/model and core/knn by the lead before this lands.
  private pending(): never {
    throw new ApiError('failed', 'not wired yet');
  }
  async models(): Promise<Results['models']> {
    return this.pending();
  }
  async modelHistory(): Promise<Results['modelHistory']> {
    return this.pending();
  }
  async startTraining(): Promise<Results['startTraining']> {
    return this.pending();
  }
  async search(): Promise<Results['search']> {
    return this.pending();
  }
  async classify(): Promise<Results['classify']> {
    return this.pending();
  }
  async knnCurve(): Promise<Results['knnCurve']> {
    return this.pending();
  }
  async evaluate(): Promise<Results['evaluate']> {
    return this.pending();
  }
  async projection(): Promise<Results['projection']> {
    return this.pending();
  }
  protected async latestImageEmbeddings(_limit: number): Promise<LabeledMatrix | null> {
    return null;
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
