import { promises as fs } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { z } from 'zod';
import type { ApiHandlers, JobState } from '../api/contract.ts';
import type { WatchState } from '../api/curation-contract.ts';
import { ApiError } from '../api/rpc.ts';
import { isImageName } from '../data/formats.ts';
import type { ImportOptions } from '../data/import/types.ts';
import { lastImportOptions, rootId, setRootWatched, watchedRoots } from '../store/watch.ts';
import { UserError } from '../util/user-error.ts';
import type { ServiceContext } from './context.ts';
import { startImportJob, type AfterImport } from './library.ts';

/** A folder cannot be watched (never imported, gone, not a folder, read-only lab): the message says why. */
export class WatchError extends UserError {
  override readonly name = 'WatchError';
}

export interface WatchTiming {
  /** Quiet time after the last change before the folder is imported. */
  debounceMs: number;
  /** Longest wait after the first change of a burst: a folder that keeps changing is still imported this often. */
  maxWaitMs: number;
}

/** 1.5 s after the last change, at most 10 s after the first; NEARLAB_WATCH_DEBOUNCE_MS sets the quiet time. */
export function watchTiming(env: NodeJS.ProcessEnv = process.env): WatchTiming {
  const quiet = Number(env.NEARLAB_WATCH_DEBOUNCE_MS);
  const debounceMs = Number.isFinite(quiet) && quiet >= 0 && env.NEARLAB_WATCH_DEBOUNCE_MS !== '' ? quiet : 1500;
  return { debounceMs, maxWaitMs: Math.max(10_000, debounceMs * 4) };
}

export interface StartWatch {
  /** Keep the switch in the lab, so that the app watches the folder again on its next start (the UI's switch). */
  persist?: boolean;
  /** Import once as soon as the watch is ready, for what changed since the last import (default true). */
  catchUp?: boolean;
  /** Called when each import the watch ran has ended, with its job (the CLI prints it). */
  onImport?: (job: JobState) => void;
}

interface Watch {
  root: string;
  state: WatchState;
  watcher: FSWatcher | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** Changes seen (file events that count). */
  changes: number;
  /** When the first change not imported yet was seen. */
  firstChange: number | null;
  /** The watch's import job while it is queued or running. */
  jobId: string | null;
  /** Changes seen while that job was under way: import again once it ends. */
  again: boolean;
  onImport?: (job: JobState) => void;
}

/**
 * Folder watching over one service: a recursive watcher per folder (chokidar, which follows renamed sub-folders
 * that node 20's recursive fs.watch loses) that, once the folder has been quiet for a moment, runs the folder's
 * import job again with the options of its last import; the features and embedding that follow any import
 * follow it. One import per folder at a time: changes seen while it is queued or running are imported by one
 * more run after it. Only what an import reads counts as a change: image files, `.txt` sidecars, the folder's
 * captions/labels tables; hidden (dot) files, temporary files and the lab's own files are ignored.
 */
export class FolderWatches {
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly afterImport: AfterImport = {},
    private readonly timing: WatchTiming = watchTiming(),
  ) {}

  /** The watches, in the order they started. */
  list(): WatchState[] {
    return [...this.watches.values()].map((w) => ({ ...w.state }));
  }

  /** Starts watching an imported folder (no-op when it is watched already); resolves once changes are seen. */
  async start(folder: string, options: StartWatch = {}): Promise<WatchState> {
    const root = await this.importedFolder(folder);
    const existing = this.watches.get(root);
    if (existing?.watcher) return { ...existing.state };
    if (this.closed) throw new WatchError('the lab is closing: no folder can be watched now');
    const w = newWatch(root, null, options.onImport);
    this.watches.set(root, w);
    if (options.persist) setRootWatched(this.ctx.lab.db, root, true);
    try {
      w.watcher = await this.openWatcher(w);
    } catch (e) {
      this.watches.delete(root);
      if (options.persist) setRootWatched(this.ctx.lab.db, root, false);
      throw e;
    }
    if (options.catchUp ?? true) this.changed(w, 0);
    return { ...w.state };
  }

  /** Stops watching a folder (no-op when it is not watched); `persist` also switches it off in the lab. */
  async stop(folder: string, options: { persist?: boolean } = {}): Promise<void> {
    const abs = resolve(folder);
    const real = await fs.realpath(abs).catch(() => abs);
    const w = this.watches.get(real) ?? this.watches.get(abs);
    if (options.persist) {
      for (const path of new Set([real, abs])) setRootWatched(this.ctx.lab.db, path, false);
    }
    if (w) await this.drop(w);
  }

  /**
   * Watches again the folders switched on in the lab (at the app's start). A folder that cannot be watched now
   * (gone, no longer a folder) is listed with its error and stays switched on, for when it is back.
   */
  async resume(): Promise<void> {
    for (const root of watchedRoots(this.ctx.lab.db)) {
      try {
        await this.start(root);
      } catch (e) {
        // A watch that cannot start never stops the app from starting: the Library shows why.
        this.watches.set(root, newWatch(root, (e as Error).message));
      }
    }
  }

  /**
   * Stops every watcher (service shutdown): no change starts an import any more. The switches in the lab stay,
   * and so do the watches' states (list), which an import still under way updates when it ends.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.watches.values()].map((w) => this.quiet(w)));
  }

  /**
   * What a watch is doing (diagnostics, tests): the changes it saw, a change waiting for the folder to be quiet, its import queued or
   * running, and whether changes seen meanwhile will be imported by one more run. Null when not watched.
   */
  activity(folder: string): { changes: number; waiting: boolean; importing: boolean; again: boolean } | null {
    const w = this.watches.get(resolve(folder));
    return w ? { changes: w.changes, waiting: w.timer !== null, importing: w.jobId !== null, again: w.again } : null;
  }

  /** Resolves once no watch has a change waiting or an import under way (tests, the CLI's end). */
  async idle(): Promise<void> {
    while ([...this.watches.values()].some((w) => w.timer !== null || w.jobId !== null)) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async drop(w: Watch): Promise<void> {
    this.watches.delete(w.root);
    await this.quiet(w);
  }

  private async quiet(w: Watch): Promise<void> {
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    w.again = false;
    const watcher = w.watcher;
    w.watcher = null;
    await watcher?.close();
  }

  /** The folder as the lab names its root (real path), or a WatchError saying why it cannot be watched. */
  private async importedFolder(folder: string): Promise<string> {
    const db = this.ctx.lab.db;
    const abs = resolve(folder);
    if (this.ctx.lab.readOnly) throw new WatchError(`${this.ctx.lab.path} is read-only: ${abs} cannot be watched`);
    const real = await fs.realpath(abs).catch(() => null);
    if (real === null) {
      throw new WatchError(
        rootId(db, abs) === null
          ? `${abs} does not exist`
          : `${abs} is gone (moved or deleted): it cannot be watched; import the folder from where it is now`,
      );
    }
    const st = await fs.stat(real).catch((e: Error) => e);
    if (st instanceof Error) throw new WatchError(`${abs} cannot be read: ${st.message}`);
    if (!st.isDirectory()) throw new WatchError(`${abs} is not a folder`);
    if (rootId(db, real) === null) {
      throw new WatchError(`${real} was never imported into this lab: import it first, then watch it`);
    }
    return real;
  }

  private async openWatcher(w: Watch): Promise<FSWatcher> {
    const { watch } = await import('chokidar');
    const options = this.importOptions(w.root);
    const tables = [options.captionsFile, options.labelsFile].filter((t): t is string => !!t);
    const outside = tables.filter((t) => !inside(w.root, t));
    const relevant = changeFilter(w.root, tables, this.ctx.lab.path);
    const watcher = watch([w.root, ...outside], {
      ignoreInitial: true,
      followSymlinks: true,
      // Directories are walked; hidden ones never (the scan skips them too); files only when an import reads them.
      ignored: (path, stats) => hidden(w.root, path) || (stats?.isFile() === true && !relevant(path)),
    });
    watcher.on('all', (event, path) => {
      const counts =
        ((event === 'add' || event === 'change' || event === 'unlink') && relevant(path)) ||
        (event === 'unlinkDir' && resolve(path) === w.root);
      if (counts) {
        w.changes++;
        this.changed(w);
      }
    });
    watcher.on('error', (e) => {
      w.state.error = watcherError(w.root, e as NodeJS.ErrnoException);
      this.ctx.emit({ type: 'lab-changed' });
    });
    await new Promise<void>((ready) => watcher.once('ready', () => ready()));
    return watcher;
  }

  /** A change: import once the folder is quiet (or the burst has lasted maxWaitMs). */
  private changed(w: Watch, quietMs = this.timing.debounceMs): void {
    if (this.closed || !this.watches.has(w.root)) return;
    const now = Date.now();
    w.firstChange ??= now;
    if (w.timer) clearTimeout(w.timer);
    const wait = Math.max(0, Math.min(quietMs, w.firstChange + this.timing.maxWaitMs - now));
    w.timer = setTimeout(() => this.due(w), wait);
  }

  private due(w: Watch): void {
    w.timer = null;
    w.firstChange = null;
    if (w.jobId !== null) w.again = true;
    else this.runImport(w);
  }

  private runImport(w: Watch): void {
    if (this.closed || !this.watches.has(w.root)) return;
    if (rootId(this.ctx.lab.db, w.root) === null) {
      // The folder was removed from the lab (its switch went with it): nothing left to keep up to date.
      void this.drop(w);
      return;
    }
    try {
      const options = { ...this.importOptions(w.root), folder: w.root };
      w.jobId = startImportJob(this.ctx, options, this.afterImport, `Import ${w.root} (watched)`, () =>
        this.imported(w),
      );
    } catch (e) {
      w.state.error = (e as Error).message;
    }
  }

  private imported(w: Watch): void {
    const job = this.ctx.jobs.list().find((j) => j.id === w.jobId);
    w.jobId = null;
    if (job) {
      const r = (job.result ?? {}) as Partial<
        Record<'added' | 'duplicates' | 'updated' | 'missing' | 'errors' | 'warnings', number>
      >;
      w.state.imports++;
      w.state.changed += (r.added ?? 0) + (r.duplicates ?? 0) + (r.updated ?? 0) + (r.missing ?? 0);
      w.state.lastImportAt = job.finishedAt;
      w.state.problems = (r.errors ?? 0) + (r.warnings ?? 0);
      w.state.error = job.status === 'failed' ? job.error : null;
      w.onImport?.(job);
    }
    if (w.again) {
      w.again = false;
      this.runImport(w);
    }
  }

  /** The folder's last import options, with a default captions/labels table left to be found again. */
  private importOptions(root: string): ImportOptions {
    const parsed = RECORDED.safeParse(lastImportOptions(this.ctx.lab.db, root) ?? {});
    const o = parsed.success ? parsed.data : {};
    const table = (file: string | null | undefined, kind: string) =>
      file && !DEFAULT_TABLE_EXTENSIONS.some((ext) => file === join(root, `${kind}.${ext}`)) ? file : undefined;
    // RECORDED keeps only the options an import takes again (not the folder, nor what the import added to them).
    return { ...o, captionsFile: table(o.captionsFile, 'captions'), labelsFile: table(o.labelsFile, 'labels') };
  }
}

function newWatch(root: string, error: string | null, onImport?: (job: JobState) => void): Watch {
  return {
    root,
    state: {
      folder: root,
      since: new Date().toISOString(),
      imports: 0,
      changed: 0,
      lastImportAt: null,
      problems: 0,
      error,
    },
    watcher: null,
    changes: 0,
    timer: null,
    firstChange: null,
    jobId: null,
    again: false,
    onImport,
  };
}

const DEFAULT_TABLE_EXTENSIONS = ['csv', 'tsv', 'jsonl'];

/** What an import records of its options (import_runs.options) that a watch's import repeats. */
const RECORDED = z.object({
  captionsFile: z.string().nullish(),
  labelsFile: z.string().nullish(),
  captionFromFilename: z.boolean().optional(),
  labelFromFolder: z.boolean().optional(),
  labelType: z.enum(['category', 'number']).optional(),
  split: z.enum(['train', 'val', 'test']).optional(),
  holdout: z.number().min(0).max(0.49).optional(),
  maxPixels: z.number().int().positive().optional(),
});

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

/** A path under the root with a dot-named part (the scan skips those). */
function hidden(root: string, path: string): boolean {
  const rel = relative(root, resolve(path));
  if (rel === '' || rel.startsWith('..')) return false;
  return rel.split(sep).some((part) => part.startsWith('.'));
}

/**
 * Which changed files an import of `root` reads: images and `.txt` sidecars under it, its default captions and
 * labels tables, and the tables named in its options. The lab's own files (lab, -wal, -shm, -journal) never are.
 */
export function changeFilter(root: string, tables: readonly string[], labPath: string): (path: string) => boolean {
  const lab = resolve(labPath);
  const named = new Set(tables.map((t) => resolve(t)));
  const defaults = new Set(
    ['captions', 'labels'].flatMap((kind) => DEFAULT_TABLE_EXTENSIONS.map((ext) => join(root, `${kind}.${ext}`))),
  );
  return (path) => {
    const abs = resolve(path);
    if (named.has(abs)) return true;
    if (abs === lab || abs.startsWith(`${lab}-`)) return false;
    if (!inside(root, abs) || hidden(root, abs)) return false;
    return defaults.has(abs) || isImageName(abs) || abs.toLowerCase().endsWith('.txt');
  };
}

function watcherError(root: string, e: NodeJS.ErrnoException): string {
  if (e.code === 'ENOSPC' || e.code === 'EMFILE') {
    return `cannot watch all of ${root}: the system's limit of watched folders is reached (on Linux, raise fs.inotify.max_user_watches)`;
  }
  return `watching ${root} failed: ${e.message}`;
}

export type WatchApi = Pick<ApiHandlers, 'watchFolder' | 'watchedFolders'>;

/** The Library's "Watch" switch: watching is kept in the lab and resumed when the app starts again. */
export function watchHandlers(watches: FolderWatches): WatchApi {
  return {
    watchFolder: async (p) => {
      try {
        if (p.watch) await watches.start(p.folder, { persist: true });
        else await watches.stop(p.folder, { persist: true });
      } catch (e) {
        if (e instanceof WatchError) throw new ApiError('bad-request', e.message);
        throw e;
      }
      return { folders: watches.list() };
    },
    watchedFolders: async () => ({ folders: watches.list() }),
  };
}
