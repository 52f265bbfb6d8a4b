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
 * Parses a two-column table (image path, value) from CSV (RFC 4180 quoting), TSV (no quoting) or
 * JSON Lines. A bad row is reported with its line and skipped; parsing goes on with the next line.
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
  const result =
    format === 'jsonl' ? parseJsonLines(text, columns) : parseDelimited(splitRecords(text, format), columns);
  result.problems.unshift(...problems);
  result.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return result;
}

interface RawRecord {
  line: number;
  cells: string[];
}

function parseDelimited(
  records: { records: RawRecord[]; problems: TableProblem[] },
  columns: TableColumns,
): ParsedTable {
  const rows: TableRow[] = [];
  const problems = records.problems;
  const list = records.records;
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

/** Splits text into records: TSV by lines, CSV with RFC 4180 quotes (a quoted field may span lines). */
function splitRecords(text: string, format: 'csv' | 'tsv'): { records: RawRecord[]; problems: TableProblem[] } {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const records: RawRecord[] = [];
  const problems: TableProblem[] = [];
  if (format === 'tsv') {
    lines.forEach((l, i) => {
      if (l.trim()) records.push({ line: i + 1, cells: l.split('\t') });
    });
    return { records, problems };
  }
  let i = 0;
  while (i < lines.length) {
    if (!lines[i].trim()) {
      i++;
      continue;
    }
    const parsed = parseCsvRecord(lines, i);
    if ('error' in parsed) {
      problems.push({ line: i + 1, severity: 'error', reason: `bad quoting: ${parsed.error}; row skipped` });
      i++; // resume on the next line so one stray quote cannot swallow the rest of the file
    } else {
      records.push({ line: i + 1, cells: parsed.cells });
      i = parsed.next;
    }
  }
  return { records, problems };
}

function parseCsvRecord(lines: string[], startLine: number): { cells: string[]; next: number } | { error: string } {
  const cells: string[] = [];
  let lineIndex = startLine;
  let s = lines[lineIndex];
  let pos = 0;
  for (;;) {
    if (s[pos] === '"') {
      let value = '';
      pos++;
      for (;;) {
        const q = s.indexOf('"', pos);
        if (q < 0) {
          value += s.slice(pos) + '\n';
          lineIndex++;
          if (lineIndex >= lines.length) return { error: 'a quoted value is never closed' };
          s = lines[lineIndex];
          pos = 0;
          continue;
        }
        value += s.slice(pos, q);
        if (s[q + 1] === '"') {
          value += '"';
          pos = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      cells.push(value);
      if (pos >= s.length) return { cells, next: lineIndex + 1 };
      if (s[pos] !== ',') return { error: `unexpected ${JSON.stringify(s[pos])} after a closing quote` };
      pos++;
    } else {
      const comma = s.indexOf(',', pos);
      const end = comma < 0 ? s.length : comma;
      const value = s.slice(pos, end);
      if (value.includes('"')) return { error: 'a quote inside an unquoted value (double it and quote the value)' };
      cells.push(value);
      if (comma < 0) return { cells, next: lineIndex + 1 };
      pos = comma + 1;
    }
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
