import type { Db } from './lab.ts';
import type { Split } from '../api/types.ts';

export interface ItemRow {
  id: number;
  path: string;
  image_id: number | null;
  split: Split | null;
  size: number | null;
  mtime_ms: number | null;
  status: 'ok' | 'missing' | 'error';
  error: string | null;
}

export interface NewImage {
  hash: string;
  bytes: number;
  width: number;
  height: number;
  format: string;
  pixels: Buffer;
  pixelSize: number;
  thumb: { data: Buffer; width: number; height: number; mime: string };
}

export interface ProblemRow {
  path: string;
  line: number | null;
  severity: 'error' | 'warning';
  reason: string;
}

const now = () => new Date().toISOString();

/** The SQL an import run needs, as prepared statements over one lab. */
export class ImportStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      rootByPath: db.prepare<[string], { id: number }>('SELECT id FROM roots WHERE path = ?'),
      insertRoot: db.prepare<[string, string]>('INSERT INTO roots (path, added_at) VALUES (?, ?)'),
      interruptRuns: db.prepare<[string, number]>(
        `UPDATE import_runs SET status = 'failed', finished_at = ?, summary = '{"interrupted":true}'
         WHERE root_id = ? AND status = 'running'`,
      ),
      insertRun: db.prepare<[number, string, string]>(
        `INSERT INTO import_runs (root_id, started_at, status, options) VALUES (?, ?, 'running', ?)`,
      ),
      finishRun: db.prepare<[string, string, string, number]>(
        'UPDATE import_runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?',
      ),
      itemsOfRoot: db.prepare<[number], ItemRow>(
        'SELECT id, path, image_id, split, size, mtime_ms, status, error FROM items WHERE root_id = ?',
      ),
      liveItems: db.prepare<[number], { path: string; id: number }>(
        "SELECT path, id FROM items WHERE root_id = ? AND status = 'ok'",
      ),
      upsertItem: db.prepare(
        `INSERT INTO items (root_id, path, path_raw, image_id, split, size, mtime_ms, status, error, last_run_id, created_at)
         VALUES (@rootId, @path, @pathRaw, @imageId, @split, @size, @mtimeMs, @status, @error, @runId, @now)
         ON CONFLICT (root_id, path) DO UPDATE SET path_raw = excluded.path_raw, image_id = excluded.image_id,
           split = coalesce(items.split, excluded.split), size = excluded.size, mtime_ms = excluded.mtime_ms,
           status = excluded.status, error = excluded.error, last_run_id = excluded.last_run_id`,
      ),
      markMissing: db.prepare<[number, number]>(`UPDATE items SET status = 'missing', last_run_id = ? WHERE id = ?`),
      imageByHash: db.prepare<[string], { id: number }>('SELECT id FROM images WHERE hash = ?'),
      insertImage: db.prepare(
        `INSERT INTO images (hash, bytes, width, height, format, created_at)
         VALUES (@hash, @bytes, @width, @height, @format, @now)`,
      ),
      putPixels: db.prepare<[number, number, Buffer]>('INSERT INTO pixels (image_id, size, data) VALUES (?, ?, ?)'),
      putThumb: db.prepare<[number, string, number, number, Buffer]>(
        'INSERT INTO thumbnails (image_id, mime, width, height, data) VALUES (?, ?, ?, ?, ?)',
      ),
      dropOrphanImages: db.prepare(
        'DELETE FROM images WHERE NOT EXISTS (SELECT 1 FROM items WHERE items.image_id = images.id)',
      ),
      skippedByReason: db.prepare<[number], { reason: string; files: number }>(
        `SELECT coalesce(error, 'error') AS reason, count(*) AS files FROM items
         WHERE root_id = ? AND status = 'error' GROUP BY reason ORDER BY files DESC, reason`,
      ),
      insertProblem: db.prepare<[number, string, number | null, string, string]>(
        'INSERT INTO import_errors (run_id, path, line, severity, reason) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The root's id, created on first import. Runs left 'running' by a killed import are marked failed. */
  beginRun(rootPath: string, options: unknown): { rootId: number; runId: number } {
    return this.transaction(() => {
      const time = now();
      let root = this.s.rootByPath.get(rootPath);
      if (!root) root = { id: Number(this.s.insertRoot.run(rootPath, time).lastInsertRowid) };
      this.s.interruptRuns.run(time, root.id);
      const runId = Number(this.s.insertRun.run(root.id, time, JSON.stringify(options)).lastInsertRowid);
      return { rootId: root.id, runId };
    });
  }

  finishRun(runId: number, status: 'done' | 'cancelled' | 'failed', summary: unknown): void {
    this.s.finishRun.run(status, now(), JSON.stringify(summary), runId);
  }

  itemsOfRoot(rootId: number): Map<string, ItemRow> {
    return new Map(this.s.itemsOfRoot.all(rootId).map((f) => [f.path, f]));
  }

  /** Path → id of the root's items that imported fine (status ok). */
  liveItemIds(rootId: number): Map<string, number> {
    return new Map(this.s.liveItems.all(rootId).map((r) => [r.path, r.id]));
  }

  imageIdByHash(hash: string): number | null {
    return this.s.imageByHash.get(hash)?.id ?? null;
  }

  /** Stores decoded content once; returns its id. */
  insertImage(image: NewImage): number {
    const { hash, bytes, width, height, format } = image;
    const id = Number(this.s.insertImage.run({ hash, bytes, width, height, format, now: now() }).lastInsertRowid);
    this.s.putPixels.run(id, image.pixelSize, image.pixels);
    this.s.putThumb.run(id, image.thumb.mime, image.thumb.width, image.thumb.height, image.thumb.data);
    return id;
  }

  /** Creates or updates the item of a file name. An item's split, once set, never changes. */
  upsertItem(f: {
    rootId: number;
    path: string;
    pathRaw: Buffer | null;
    imageId: number | null;
    split: Split | null;
    size: number | null;
    mtimeMs: number | null;
    status: 'ok' | 'error';
    error: string | null;
    runId: number;
  }): void {
    this.s.upsertItem.run({ ...f, now: now() });
  }

  markMissing(runId: number, itemId: number): void {
    this.s.markMissing.run(runId, itemId);
  }

  /** Removes content no item refers to any more (an edited file's old version). */
  dropOrphanImages(): number {
    return this.s.dropOrphanImages.run().changes;
  }

  /** The root's files that are not imported (status error), counted by reason, most first. */
  skippedByReason(rootId: number): { reason: string; files: number }[] {
    return this.s.skippedByReason.all(rootId);
  }

  addProblems(runId: number, problems: readonly ProblemRow[]): void {
    this.transaction(() => {
      for (const p of problems) this.s.insertProblem.run(runId, p.path, p.line, p.severity, p.reason);
    });
  }
}
