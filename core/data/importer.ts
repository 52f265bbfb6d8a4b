import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Lab } from '../store/lab.ts';
import { ImportStore, type ItemRow } from '../store/import-store.ts';
import { liveItemsOfRoot, syncCaptions, syncLabels, type LabelValue } from '../store/annotations.ts';
import {
  CAPTION_COLUMNS,
  LABEL_COLUMNS,
  captionFromFilename,
  labelFromFolder,
  parseSidecar,
  readAnnotationTable,
  type AnnotationRow,
  type Problem,
} from './annotations.ts';
import { DEFAULT_MAX_PIXELS, ImageDecodeError, PIXEL_SIZE, decodeImage, type DecodedImage } from './decode.ts';
import { sidecarOf } from './formats.ts';
import type { Progress } from '../api/types.ts';
import { RateMeter } from './progress.ts';
import { scanFolder, type ScannedFile } from './scan.ts';
import { holdoutSplit, type Split } from './split.ts';
import { UserError } from '../util/user-error.ts';

export interface ImportOptions {
  /** A captions table (.csv/.tsv/.jsonl); default: captions.{csv,tsv,jsonl} in the folder, if present. */
  captionsFile?: string;
  /** A labels table; default: labels.{csv,tsv,jsonl} in the folder, if present. */
  labelsFile?: string;
  captionFromFilename?: boolean;
  labelFromFolder?: boolean;
  /** How label values are read: category names (default) or numbers for regression. */
  labelType?: 'category' | 'number';
  /** Put every new item in this split; otherwise a deterministic hash holdout. */
  split?: Split;
  /** Fraction of new items for val, and the same fraction for test (default 0.1). */
  holdout?: number;
  maxPixels?: number;
  /** Images read and decoded at once (default: twice the cores, at least 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface ImportSummary {
  runId: number;
  root: string;
  status: 'done' | 'cancelled';
  /** Image files found. */
  found: number;
  /** New items decoded and stored. */
  added: number;
  /** Files whose content changed (their captions, labels and split stay). */
  updated: number;
  /** New items whose content was already in the lab under another name (stored once). */
  duplicates: number;
  unchanged: number;
  missing: number;
  captionsAdded: number;
  captionsRemoved: number;
  labelsSet: number;
  labelsRemoved: number;
  errors: number;
  warnings: number;
  problems: Problem[];
  seconds: number;
}

/** The folder, a captions file or a labels file named by the user cannot be used; nothing was written. */
export class ImportInputError extends UserError {
  override readonly name = 'ImportInputError';
}

/** Largest image file read; a bigger one is reported instead of filling memory. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Results written per transaction: a kill -9 loses at most this many decoded images. */
const BATCH = 32;

interface Processed {
  file: ScannedFile;
  existing: ItemRow | undefined;
  hash?: string;
  decoded?: DecodedImage;
  error?: string;
}

export async function importFolder(lab: Lab, folder: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const { root, captionsFile, labelsFile } = await resolveImportInputs(folder, options);

  const store = new ImportStore(lab.db);
  const { rootId, runId } = store.beginRun(root, {
    ...options,
    signal: undefined,
    onProgress: undefined,
    captionsFile,
    labelsFile,
  });
  const summary: ImportSummary = {
    runId,
    root,
    status: 'done',
    found: 0,
    added: 0,
    updated: 0,
    duplicates: 0,
    unchanged: 0,
    missing: 0,
    captionsAdded: 0,
    captionsRemoved: 0,
    labelsSet: 0,
    labelsRemoved: 0,
    errors: 0,
    warnings: 0,
    problems: [],
    seconds: 0,
  };
  const problems = summary.problems;
  const meter = new RateMeter();
  const report = (phase: string, done: number, total: number) =>
    options.onProgress?.(meter.measure(phase, done, total));

  try {
    report('scan', 0, 0);
    const scan = await scanFolder(root, options.signal);
    summary.found = scan.images.length;
    const existing = store.itemsOfRoot(rootId);
    const seen = new Set<string>();
    for (const p of scan.problems) {
      problems.push({ path: p.relPath, line: null, severity: p.severity, reason: p.reason });
      if (p.severity === 'error' && /\.[a-z]+$/i.test(p.relPath)) {
        seen.add(p.relPath);
        store.upsertItem({
          rootId,
          path: p.relPath,
          pathRaw: p.relPathRaw,
          imageId: null,
          split: null,
          size: null,
          mtimeMs: null,
          status: 'error',
          error: p.reason,
          runId,
        });
      }
    }

    // Unchanged files (same size and mtime) are not read again; their stored errors are reported again.
    const work: ScannedFile[] = [];
    for (const file of scan.images) {
      seen.add(file.relPath);
      const row = existing.get(file.relPath);
      if (row && row.size === file.size && row.mtime_ms === file.mtimeMs && row.status !== 'missing') {
        if (row.status === 'error')
          problems.push({ path: file.relPath, line: null, severity: 'error', reason: row.error ?? 'error' });
        else summary.unchanged++;
      } else work.push(file);
    }

    await processImages(work, existing, store, { rootId, runId, options, summary, report });

    if (options.signal?.aborted) {
      summary.status = 'cancelled';
    } else {
      store.transaction(() => {
        for (const row of existing.values()) {
          if (!seen.has(row.path) && row.status !== 'missing') {
            store.markMissing(runId, row.id);
            summary.missing++;
          }
        }
        store.dropOrphanImages();
      });
      report('captions', 0, 1);
      await applyAnnotations(lab, rootId, scan.textFiles, { captionsFile, labelsFile, options, summary });
      report('captions', 1, 1);
    }
  } catch (e) {
    store.finishRun(runId, 'failed', { error: (e as Error).message });
    throw e;
  }
  summary.errors = problems.filter((p) => p.severity === 'error').length;
  summary.warnings = problems.length - summary.errors;
  summary.seconds = (performance.now() - started) / 1000;
  store.addProblems(runId, problems);
  const { problems: _omitted, ...counts } = summary;
  store.finishRun(runId, summary.status, counts);
  return summary;
}

/**
 * Checks the folder and the named tables before anything is written; throws ImportInputError with
 * a message for the user. Callers may run it before creating a lab, so a typo creates nothing.
 */
export async function resolveImportInputs(
  folder: string,
  options: Pick<ImportOptions, 'captionsFile' | 'labelsFile' | 'holdout'>,
): Promise<{ root: string; captionsFile: string | null; labelsFile: string | null }> {
  const holdout = options.holdout ?? 0.1;
  if (!(holdout >= 0 && holdout < 0.5))
    throw new ImportInputError(`--holdout must be at least 0 and below 0.5 (got ${holdout})`);
  const root = await checkFolder(folder);
  return {
    root,
    captionsFile: await pickTable(root, options.captionsFile, 'captions'),
    labelsFile: await pickTable(root, options.labelsFile, 'labels'),
  };
}

async function checkFolder(folder: string): Promise<string> {
  const abs = resolve(folder);
  let real: string;
  try {
    real = await fs.realpath(abs);
    const st = await fs.stat(real);
    if (!st.isDirectory()) throw new ImportInputError(`${abs} is not a folder`);
    await fs.access(real, fs.constants.R_OK | fs.constants.X_OK);
    await fs.readdir(real);
  } catch (e) {
    if (e instanceof ImportInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (permission denied)'
          : (e as Error).message;
    throw new ImportInputError(`${abs} ${why}`);
  }
  return real;
}

/** An explicit table must exist; otherwise `<kind>.csv|tsv|jsonl` in the root is used when present. */
async function pickTable(
  root: string,
  explicit: string | undefined,
  kind: 'captions' | 'labels',
): Promise<string | null> {
  if (explicit) {
    const abs = resolve(explicit);
    const st = await fs.stat(abs).catch(() => null);
    if (!st?.isFile()) throw new ImportInputError(`${kind} file ${abs} ${st ? 'is not a file' : 'does not exist'}`);
    return abs;
  }
  for (const ext of ['csv', 'tsv', 'jsonl']) {
    const candidate = join(root, `${kind}.${ext}`);
    if ((await fs.stat(candidate).catch(() => null))?.isFile()) return candidate;
  }
  return null;
}

interface RunContext {
  rootId: number;
  runId: number;
  options: ImportOptions;
  summary: ImportSummary;
  report: (phase: string, done: number, total: number) => void;
}

/**
 * Reads, hashes and decodes images on a bounded pool (sharp decodes on its own threads, so a few
 * files in flight keep both cores busy) and writes results in small transactions.
 */
async function processImages(
  work: ScannedFile[],
  existing: Map<string, ItemRow>,
  store: ImportStore,
  ctx: RunContext,
): Promise<void> {
  const concurrency = ctx.options.concurrency ?? Math.max(4, availableParallelism() * 2);
  const maxPixels = ctx.options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const decodes = new Map<string, Promise<DecodedImage | string>>();
  let pending: Processed[] = [];
  let done = 0;
  let next = 0;
  ctx.report('images', 0, work.length);

  const flush = () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    store.transaction(() => {
      for (const r of batch) writeResult(r, store, ctx);
    });
  };

  const processOne = async (file: ScannedFile): Promise<Processed> => {
    const row = existing.get(file.relPath);
    if (file.size > MAX_FILE_BYTES)
      return { file, existing: row, error: `file is larger than ${MAX_FILE_BYTES / 2 ** 20} MiB` };
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file.absPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return {
        file,
        existing: row,
        error:
          code === 'EACCES' || code === 'EPERM'
            ? 'cannot read the file (permission denied)'
            : `cannot read the file (${(e as Error).message})`,
      };
    }
    if (bytes.length === 0) return { file, existing: row, error: 'empty file (0 bytes)' };
    // WebCrypto hashes on the libuv pool, keeping the main thread free to feed the decoders.
    const hash = Buffer.from(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)).toString('hex');
    if (store.imageIdByHash(hash) !== null) return { file, existing: row, hash };
    let decode = decodes.get(hash);
    if (!decode) {
      decode = decodeImage(bytes, maxPixels).catch((e: unknown) =>
        e instanceof ImageDecodeError ? e.message : `cannot decode image (${(e as Error).message})`,
      );
      decodes.set(hash, decode);
    }
    const result = await decode;
    return typeof result === 'string'
      ? { file, existing: row, hash, error: result }
      : { file, existing: row, hash, decoded: result };
  };

  // Results are written in scan order, whatever order they finish in, so that item ids and the
  // summary's counts (which of two identical new files is the duplicate) do not depend on timing.
  const finished = new Map<number, Processed>();
  let written = 0;
  const worker = async () => {
    while (next < work.length && !ctx.options.signal?.aborted) {
      const index = next++;
      finished.set(index, await processOne(work[index]));
      while (finished.has(written)) {
        pending.push(finished.get(written)!);
        finished.delete(written++);
      }
      done++;
      if (pending.length >= BATCH) flush();
      ctx.report('images', done, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, work.length) }, worker));
  flush();
}

function writeResult(r: Processed, store: ImportStore, ctx: RunContext): void {
  const { rootId, runId, summary } = ctx;
  const base = {
    rootId,
    path: r.file.relPath,
    pathRaw: r.file.relPathRaw,
    size: r.file.size,
    mtimeMs: r.file.mtimeMs,
    runId,
  };
  if (r.error !== undefined || r.hash === undefined) {
    const reason = r.error ?? 'unknown error';
    summary.problems.push({ path: r.file.relPath, line: null, severity: 'error', reason });
    store.upsertItem({ ...base, imageId: null, split: null, status: 'error', error: reason });
    return;
  }
  let imageId = store.imageIdByHash(r.hash);
  const known = imageId !== null;
  if (imageId === null) {
    if (!r.decoded) throw new Error(`internal: no decoded image for ${r.file.relPath}`);
    const { width, height, format, pixels, thumb } = r.decoded;
    imageId = store.insertImage({
      hash: r.hash,
      bytes: r.file.size,
      width,
      height,
      format,
      pixels,
      pixelSize: PIXEL_SIZE,
      thumb,
    });
  }
  const previous = r.existing?.image_id ?? null;
  if (previous === imageId) summary.unchanged++;
  else if (previous !== null) summary.updated++;
  else if (known) summary.duplicates++;
  else summary.added++;
  const split = ctx.options.split ?? holdoutSplit(r.hash, ctx.options.holdout ?? 0.1);
  store.upsertItem({ ...base, imageId, split, status: 'ok', error: null });
}

async function applyAnnotations(
  lab: Lab,
  rootId: number,
  textFiles: Map<string, ScannedFile>,
  ctx: { captionsFile: string | null; labelsFile: string | null; options: ImportOptions; summary: ImportSummary },
): Promise<void> {
  const db = lab.db;
  const { summary, options } = ctx;
  const problems = summary.problems;
  const fileToItem = new Map(
    db
      .prepare<[number], { path: string; id: number }>("SELECT path, id FROM items WHERE root_id = ? AND status = 'ok'")
      .all(rootId)
      .map((r) => [r.path, r.id]),
  );
  const scope = liveItemsOfRoot(db, rootId);
  const addTo = (m: Map<number, string[]>, item: number, text: string) => {
    const list = m.get(item) ?? [];
    if (!list.includes(text)) list.push(text);
    m.set(item, list);
  };

  // Sidecars are always read: they live beside the images, so their absence is meaningful.
  const sidecar = new Map<number, string[]>();
  for (const [path, item] of fileToItem) {
    const txt = textFiles.get(sidecarOf(path));
    if (!txt) continue;
    const bytes = await fs.readFile(txt.absPath).catch((e: Error) => e);
    if (bytes instanceof Error) {
      problems.push({ path: txt.relPath, line: null, severity: 'error', reason: `cannot read: ${bytes.message}` });
      continue;
    }
    const parsed = parseSidecar(bytes, txt.relPath);
    problems.push(...parsed.problems);
    for (const c of parsed.captions) addTo(sidecar, item, c);
  }
  tally(summary, syncCaptions(db, 'sidecar', sidecar, scope));

  const fromTable = new Map<number, string[]>();
  if (ctx.captionsFile) {
    const table = await readAnnotationTable(ctx.captionsFile, CAPTION_COLUMNS);
    problems.push(...table.problems);
    for (const row of resolveRows(table.rows, fileToItem, ctx.captionsFile, problems))
      addTo(fromTable, row.item, row.value);
    tally(summary, syncCaptions(db, 'captions-file', fromTable, scope));
  }

  if (options.captionFromFilename) {
    const names = new Map<number, string[]>();
    for (const [path, item] of fileToItem) {
      if (sidecar.has(item) || fromTable.has(item)) continue;
      const caption = captionFromFilename(path);
      if (caption) addTo(names, item, caption);
    }
    tally(summary, syncCaptions(db, 'filename', names, scope));
  }

  const numeric = options.labelType === 'number';
  const toLabel = (value: string, where: { path: string; line: number | null }): LabelValue | null => {
    if (!numeric) return { name: value, value: null };
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      problems.push({
        ...where,
        severity: 'error',
        reason: `label ${JSON.stringify(value)} is not a number; row skipped`,
      });
      return null;
    }
    return { name: null, value: n };
  };
  if (options.labelFromFolder) {
    const labels = new Map<number, LabelValue>();
    for (const [path, item] of fileToItem) {
      const folder = labelFromFolder(path);
      const label = folder === null ? null : toLabel(folder, { path, line: null });
      if (label) labels.set(item, label);
    }
    tallyLabels(summary, syncLabels(db, 'folder', labels, scope));
  }
  if (ctx.labelsFile) {
    const table = await readAnnotationTable(ctx.labelsFile, LABEL_COLUMNS);
    problems.push(...table.problems);
    const labels = new Map<number, LabelValue>();
    const lineOf = new Map<number, number>();
    for (const row of resolveRows(table.rows, fileToItem, ctx.labelsFile, problems)) {
      const label = toLabel(row.value, { path: tableName(ctx.labelsFile), line: row.line });
      if (!label) continue;
      const before = labels.get(row.item);
      if (before && (before.name !== label.name || before.value !== label.value)) {
        problems.push({
          path: tableName(ctx.labelsFile),
          line: row.line,
          severity: 'warning',
          reason: `this image already has label ${JSON.stringify(before.name ?? before.value)} from line ${lineOf.get(row.item)}; the later row wins`,
        });
      }
      labels.set(row.item, label);
      lineOf.set(row.item, row.line);
    }
    tallyLabels(summary, syncLabels(db, 'labels-file', labels, scope));
  }
}

function tableName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function resolveRows(
  rows: AnnotationRow[],
  fileToItem: Map<string, number>,
  tablePath: string,
  problems: Problem[],
): { item: number; value: string; line: number }[] {
  const out: { item: number; value: string; line: number }[] = [];
  for (const row of rows) {
    const item = fileToItem.get(row.file);
    if (item === undefined) {
      problems.push({
        path: tableName(tablePath),
        line: row.line,
        severity: 'error',
        reason: `no image ${JSON.stringify(row.file)} was imported from the folder (missing, or it failed to import); row skipped`,
      });
      continue;
    }
    out.push({ item, value: row.value, line: row.line });
  }
  return out;
}

function tally(s: ImportSummary, r: { added: number; removed: number }): void {
  s.captionsAdded += r.added;
  s.captionsRemoved += r.removed;
}

function tallyLabels(s: ImportSummary, r: { set: number; removed: number }): void {
  s.labelsSet += r.set;
  s.labelsRemoved += r.removed;
}
