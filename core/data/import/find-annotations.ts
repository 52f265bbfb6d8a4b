import { promises as fs } from 'node:fs';
import type { CaptionSource, LabelSource, LabelValue } from '../../store/annotations.ts';
import {
  CAPTION_COLUMNS,
  LABEL_COLUMNS,
  captionFromFilename,
  labelFromFolder,
  parseSidecar,
  readAnnotationTable,
  type AnnotationRow,
  type Problem,
} from '../annotations.ts';
import { sidecarOf } from '../formats.ts';
import type { ScannedFile } from '../scan.ts';
import { subfolderHint } from './subfolder-hint.ts';
import type { ImportOptions } from './types.ts';

/**
 * The captions and labels an import found, by source, in the order they are synchronised. A source
 * that was not asked for (no table, no --caption-from-filename, …) is absent, so its captions stay.
 */
export interface FoundAnnotations {
  captions: { source: CaptionSource; byItem: Map<number, string[]> }[];
  labels: { source: LabelSource; byItem: Map<number, LabelValue> }[];
  problems: Problem[];
  /** Problems that concern a whole table (it names files relative to a sub-folder), also in `problems`. */
  notices: string[];
}

export interface AnnotationInputs {
  /** The import root, absolute. */
  root: string;
  /** Path → item id of the root's live items. */
  items: ReadonlyMap<string, number>;
  /** Paths of files a user hid from the lab: table rows naming them are skipped quietly. */
  hidden?: ReadonlySet<string>;
  /** The `.txt` files of the scan, by relative path. */
  textFiles: ReadonlyMap<string, ScannedFile>;
  captionsFile: string | null;
  labelsFile: string | null;
  options: Pick<ImportOptions, 'captionFromFilename' | 'labelFromFolder' | 'labelType'>;
}

/** Reads sidecars and tables and derives captions and labels from names, for the items of `items`. */
export async function findAnnotations(inputs: AnnotationInputs): Promise<FoundAnnotations> {
  const { items, options } = inputs;
  const found: FoundAnnotations = { captions: [], labels: [], problems: [], notices: [] };
  const problems = found.problems;

  // Sidecars are always read: they live beside the images, so their absence is meaningful.
  const sidecar = new Map<number, string[]>();
  for (const [path, item] of items) {
    const txt = inputs.textFiles.get(sidecarOf(path));
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
  found.captions.push({ source: 'sidecar', byItem: sidecar });

  const fromTable = new Map<number, string[]>();
  if (inputs.captionsFile) {
    const table = await readAnnotationTable(inputs.captionsFile, CAPTION_COLUMNS);
    problems.push(...table.problems);
    for (const row of resolveRows(
      table.rows,
      { ...inputs, tablePath: inputs.captionsFile, option: '--captions' },
      found,
    ))
      addTo(fromTable, row.item, row.value);
    found.captions.push({ source: 'captions-file', byItem: fromTable });
  }

  if (options.captionFromFilename) {
    const names = new Map<number, string[]>();
    for (const [path, item] of items) {
      if (sidecar.has(item) || fromTable.has(item)) continue;
      const caption = captionFromFilename(path);
      if (caption) addTo(names, item, caption);
    }
    found.captions.push({ source: 'filename', byItem: names });
  }

  const toLabel = labelReader(options.labelType === 'number', problems);
  if (options.labelFromFolder) {
    const labels = new Map<number, LabelValue>();
    for (const [path, item] of items) {
      const folder = labelFromFolder(path);
      const label = folder === null ? null : toLabel(folder, { path, line: null });
      if (label) labels.set(item, label);
    }
    found.labels.push({ source: 'folder', byItem: labels });
  }
  if (inputs.labelsFile) {
    found.labels.push({
      source: 'labels-file',
      byItem: await readLabelsTable({ ...inputs, tablePath: inputs.labelsFile, option: '--labels' }, toLabel, found),
    });
  }
  return found;
}

type LabelReader = (value: string, where: { path: string; line: number | null }) => LabelValue | null;

/** Category names as they are; numbers for regression, a row that is not one reported and skipped. */
function labelReader(numeric: boolean, problems: Problem[]): LabelReader {
  return (value, where) => {
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
}

/** One label per image; a later row with a different label wins, with a warning. */
async function readLabelsTable(
  table: TableInputs,
  toLabel: LabelReader,
  found: FoundAnnotations,
): Promise<Map<number, LabelValue>> {
  const labelsFile = table.tablePath;
  const problems = found.problems;
  const read = await readAnnotationTable(labelsFile, LABEL_COLUMNS);
  problems.push(...read.problems);
  const labels = new Map<number, LabelValue>();
  const lineOf = new Map<number, number>();
  for (const row of resolveRows(read.rows, table, found)) {
    const label = toLabel(row.value, { path: tableName(labelsFile), line: row.line });
    if (!label) continue;
    const before = labels.get(row.item);
    if (before && (before.name !== label.name || before.value !== label.value)) {
      problems.push({
        path: tableName(labelsFile),
        line: row.line,
        severity: 'warning',
        reason: `this image already has label ${JSON.stringify(before.name ?? before.value)} from line ${lineOf.get(row.item)}; the later row wins`,
      });
    }
    labels.set(row.item, label);
    lineOf.set(row.item, row.line);
  }
  return labels;
}

function addTo(m: Map<number, string[]>, item: number, text: string): void {
  const list = m.get(item) ?? [];
  if (!list.includes(text)) list.push(text);
  m.set(item, list);
}

function tableName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A table and where its rows are looked up. */
interface TableInputs {
  root: string;
  items: ReadonlyMap<string, number>;
  hidden?: ReadonlySet<string>;
  tablePath: string;
  option: '--captions' | '--labels';
}

/**
 * The rows that name an imported image. Each other row is an error; when most of them name files
 * under one sub-folder, one warning before them says so (the wrong-folder trap).
 */
function resolveRows(
  rows: AnnotationRow[],
  table: TableInputs,
  found: FoundAnnotations,
): { item: number; value: string; line: number }[] {
  const out: { item: number; value: string; line: number }[] = [];
  const unmatched: AnnotationRow[] = [];
  for (const row of rows) {
    const item = table.items.get(row.file);
    if (item === undefined && table.hidden?.has(row.file)) continue;
    if (item === undefined) unmatched.push(row);
    else out.push({ item, value: row.value, line: row.line });
  }
  const path = tableName(table.tablePath);
  const hint = subfolderHint({ ...table, items: table.items.keys(), unmatched: unmatched.map((r) => r.file) });
  if (hint !== null) {
    found.problems.push({ path, line: null, severity: 'warning', reason: hint });
    found.notices.push(hint);
  }
  for (const row of unmatched) {
    found.problems.push({
      path,
      line: row.line,
      severity: 'error',
      reason: `no image ${JSON.stringify(row.file)} was imported from the folder (missing, or it failed to import); row skipped`,
    });
  }
  return out;
}
