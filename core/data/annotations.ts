import { promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseTable, tableFormatOf, type TableColumns, type TableProblem } from './table.ts';
import { decodeUtf8Lines } from './text.ts';
import { MAX_VALUE_CHARS } from './table.ts';

export interface Problem {
  path: string;
  line: number | null;
  severity: 'error' | 'warning';
  reason: string;
}

export const CAPTION_COLUMNS: TableColumns = {
  key: ['file', 'path', 'image', 'filename', 'file_name'],
  value: ['caption', 'text', 'description'],
};
export const LABEL_COLUMNS: TableColumns = {
  key: ['file', 'path', 'image', 'filename', 'file_name'],
  value: ['label', 'category', 'class', 'value', 'target'],
};

export interface AnnotationRow {
  line: number;
  /** Image path relative to the import root, '/' separated. */
  file: string;
  value: string;
}

/** Reads a captions or labels table; a file that cannot be read at all is one problem, not an exception. */
export async function readAnnotationTable(
  path: string,
  columns: TableColumns,
): Promise<{ rows: AnnotationRow[]; problems: Problem[] }> {
  const format = tableFormatOf(path);
  const name = basename(path);
  if (!format) {
    return {
      rows: [],
      problems: [
        { path: name, line: null, severity: 'error', reason: 'unknown table format (use .csv, .tsv or .jsonl)' },
      ],
    };
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    return {
      rows: [],
      problems: [{ path: name, line: null, severity: 'error', reason: `cannot read: ${(e as Error).message}` }],
    };
  }
  const parsed = parseTable(bytes, format, columns);
  const problems = parsed.problems.map((p: TableProblem) => ({ path: name, ...p }));
  const rows = parsed.rows.map((r) => ({ line: r.line, file: normaliseRelPath(r.key), value: r.value }));
  // Identical rows are harmless but usually a data mistake: keep one, warn about the rest.
  const seen = new Map<string, number>();
  const unique: AnnotationRow[] = [];
  for (const r of rows) {
    const k = `${r.file}\0${r.value}`;
    const first = seen.get(k);
    if (first !== undefined) {
      problems.push({ path: name, line: r.line, severity: 'warning', reason: `duplicate of line ${first}; ignored` });
      continue;
    }
    seen.set(k, r.line);
    unique.push(r);
  }
  return { rows: unique, problems };
}

/** `./a\\b.jpg` → `a/b.jpg`: paths in tables may use either separator and a leading `./`. */
export function normaliseRelPath(p: string): string {
  return p
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/{2,}/g, '/');
}

/** Each non-blank line of a sidecar `.txt` is one caption. */
export function parseSidecar(bytes: Uint8Array, relPath: string): { captions: string[]; problems: Problem[] } {
  const { text, invalidLines } = decodeUtf8Lines(bytes);
  const problems: Problem[] = invalidLines.map((line) => ({
    path: relPath,
    line,
    severity: 'error' as const,
    reason: 'not valid UTF-8 text (save the file as UTF-8); line skipped',
  }));
  const captions: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const caption = raw.trim();
    if (!caption) return;
    if (caption.length > MAX_VALUE_CHARS) {
      problems.push({
        path: relPath,
        line: i + 1,
        severity: 'error',
        reason: `caption is ${caption.length.toLocaleString('en')} characters long; the limit is ${MAX_VALUE_CHARS.toLocaleString('en')}; line skipped`,
      });
      return;
    }
    if (!captions.includes(caption)) captions.push(caption);
  });
  return { captions, problems };
}

/** `photos/red_apple-2.jpg` → `red apple 2`. */
export function captionFromFilename(relPath: string): string {
  const name = basename(relPath, extname(relPath));
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_\-.+]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The top-level sub-folder an image sits in as its label (`cats/indoor/a.jpg` → `cats`, as in the
 * common one-folder-per-class layout); null for images at the root itself.
 */
export function labelFromFolder(relPath: string): string | null {
  const slash = relPath.indexOf('/');
  return slash < 0 ? null : relPath.slice(0, slash);
}
