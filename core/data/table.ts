import { readDelimited } from './delimited.ts';
import { decodeUtf8Lines } from './text.ts';

export type TableFormat = 'csv' | 'tsv' | 'jsonl';

export interface TableRow {
  line: number;
  key: string;
  value: string;
}

export interface TableProblem {
  /** 1-based line number, or null for the file as a whole. */
  line: number | null;
  severity: 'error' | 'warning';
  reason: string;
}

export interface TableColumns {
  /** Accepted header names of the key column (the image path), first is the canonical one. */
  key: readonly string[];
  /** Accepted header names of the value column (caption or label), first is the canonical one. */
  value: readonly string[];
}

export interface ParsedTable {
  rows: TableRow[];
  problems: TableProblem[];
}

/** Longest value kept; longer ones are reported and skipped rather than silently cut. */
export const MAX_VALUE_CHARS = 10_000;

export function tableFormatOf(path: string): TableFormat | null {
  const m = /\.(csv|tsv|jsonl)$/i.exec(path);
  return m ? (m[1].toLowerCase() as TableFormat) : null;
}

/**
 * Parses a two-column table (image path, value) from CSV (RFC 4180 quoting) or TSV (no quoting), both
 * read by csv-parse, or JSON Lines. A bad row is reported with its line and skipped; parsing goes on
 * with the next line.
 * Blank lines are ignored. A header row is recognised by its column names; without one the first
 * two columns are used.
 */
export function parseTable(bytes: Uint8Array, format: TableFormat, columns: TableColumns): ParsedTable {
  const { text, invalidLines } = decodeUtf8Lines(bytes);
  const problems: TableProblem[] = invalidLines.map((line) => ({
    line,
    severity: 'error',
    reason: 'not valid UTF-8 text (save the file as UTF-8); line skipped',
  }));
  const result = format === 'jsonl' ? parseJsonLines(text, columns) : parseDelimited(text, format, columns);
  result.problems.unshift(...problems);
  result.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return result;
}

function parseDelimited(text: string, format: 'csv' | 'tsv', columns: TableColumns): ParsedTable {
  const { records: list, bad } = readDelimited(text, format);
  const rows: TableRow[] = [];
  const problems: TableProblem[] = bad.map(({ line, reason }) => ({
    line,
    severity: 'error',
    reason: `bad quoting: ${reason}; row skipped`,
  }));
  let keyIndex = 0;
  let valueIndex = 1;
  let width = 2;
  const first = list[0];
  if (first) {
    const names = first.cells.map((c) => c.trim().toLowerCase());
    const k = names.findIndex((n) => columns.key.includes(n));
    const v = names.findIndex((n) => columns.value.includes(n));
    if (k >= 0 || v >= 0) {
      list.shift();
      if (k < 0 || v < 0) {
        const missing = k < 0 ? columns.key[0] : columns.value[0];
        problems.push({
          line: first.line,
          severity: 'error',
          reason: `the header has no '${missing}' column (columns: ${first.cells.join(', ')}); file skipped`,
        });
        return { rows, problems };
      }
      keyIndex = k;
      valueIndex = v;
      width = first.cells.length;
    }
  }
  const expected = `${columns.key[0]}, ${columns.value[0]}`;
  for (const rec of list) {
    if (rec.cells.length < Math.max(keyIndex, valueIndex) + 1) {
      problems.push({
        line: rec.line,
        severity: 'error',
        reason: `missing column: found ${rec.cells.length}, expected ${width} (${expected}); row skipped`,
      });
      continue;
    }
    if (rec.cells.length > width) {
      problems.push({
        line: rec.line,
        severity: 'error',
        reason: `${rec.cells.length} columns, expected ${width} (${expected}); quote values that contain the delimiter; row skipped`,
      });
      continue;
    }
    pushRow(rows, problems, rec.line, rec.cells[keyIndex], rec.cells[valueIndex], columns);
  }
  return { rows, problems };
}

function pushRow(
  rows: TableRow[],
  problems: TableProblem[],
  line: number,
  rawKey: string,
  rawValue: string,
  columns: TableColumns,
): void {
  const key = rawKey.trim();
  const value = rawValue.trim();
  if (!key) {
    problems.push({ line, severity: 'error', reason: `empty ${columns.key[0]}; row skipped` });
  } else if (!value) {
    problems.push({ line, severity: 'error', reason: `empty ${columns.value[0]}; row skipped` });
  } else if (value.length > MAX_VALUE_CHARS) {
    problems.push({
      line,
      severity: 'error',
      reason: `${columns.value[0]} is ${value.length.toLocaleString('en')} characters long; the limit is ${MAX_VALUE_CHARS.toLocaleString('en')}; row skipped`,
    });
  } else {
    rows.push({ line, key, value });
  }
}

function parseJsonLines(text: string, columns: TableColumns): ParsedTable {
  const rows: TableRow[] = [];
  const problems: TableProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      problems.push({ line, severity: 'error', reason: `not valid JSON (${(e as Error).message}); row skipped` });
      return;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      problems.push({ line, severity: 'error', reason: 'not a JSON object; row skipped' });
      return;
    }
    const record = obj as Record<string, unknown>;
    const key = columns.key.find((k) => typeof record[k] === 'string');
    const value = columns.value.find((k) => typeof record[k] === 'string' || typeof record[k] === 'number');
    if (!key || !value) {
      const missing = !key ? columns.key[0] : columns.value[0];
      problems.push({ line, severity: 'error', reason: `missing column: no '${missing}' field; row skipped` });
      return;
    }
    pushRow(rows, problems, line, String(record[key]), String(record[value]), columns);
  });
  return { rows, problems };
}
