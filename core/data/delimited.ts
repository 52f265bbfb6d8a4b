import { CsvError, parse, type Options } from 'csv-parse/sync';

/** One record of a CSV or TSV table and the 1-based line it starts on. */
export interface DelimitedRecord {
  line: number;
  cells: string[];
}

/** A record csv-parse refused (bad quoting), by the line it starts on; reading went on with the next line. */
export interface BadRecord {
  line: number;
  reason: string;
}

const NEWLINE = 0x0a;

/**
 * Records end at `\n`; the `\r` of a `\r\n` is dropped before parsing (also inside quoted values),
 * and a `\r` anywhere else is text. TSV has no quoting: a record is a line, split at tabs.
 */
const OPTIONS: Record<'csv' | 'tsv', Options> = {
  csv: { delimiter: ',', record_delimiter: '\n', relax_column_count: true, skip_empty_lines: true },
  tsv: { delimiter: '\t', quote: null, record_delimiter: '\n', relax_column_count: true, skip_empty_lines: true },
};

/**
 * Splits a CSV (RFC 4180 quoting: a quoted value may span lines) or TSV text into records with
 * csv-parse. csv-parse stops at the first bad quote; we report that record on the line it starts
 * and parse again from the line after it, so one stray quote cannot swallow the rest of the file.
 * Lines that are blank or only white space are no records.
 */
export function readDelimited(text: string, format: 'csv' | 'tsv'): { records: DelimitedRecord[]; bad: BadRecord[] } {
  const buf = Buffer.from(text.replace(/\r(?=\n|$)/g, ''), 'utf8');
  const lines = new LineCounter(buf);
  const records: DelimitedRecord[] = [];
  const bad: BadRecord[] = [];
  let from = 0;
  while (from < buf.length) {
    let end = from; // where the last record read ends (after its newline)
    try {
      parse(buf.subarray(from), {
        ...OPTIONS[format],
        on_record: (cells: string[], info) => {
          const start = skipNewlines(buf, end);
          end = from + info.bytes;
          if (!isBlank(buf, start, end, cells)) records.push({ line: lines.at(start), cells });
          return null;
        },
      });
      break;
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      const start = skipNewlines(buf, end);
      bad.push({ line: lines.at(start), reason: describeQuoteError(e, buf, start) });
      const eol = buf.indexOf(NEWLINE, start);
      if (eol < 0) break;
      from = eol + 1;
    }
  }
  return { records, bad };
}

/** Where the next record starts: csv-parse skips empty lines before it. */
function skipNewlines(buf: Buffer, at: number): number {
  while (buf[at] === NEWLINE) at++;
  return at;
}

/** A line of white space only (a tab, too, in TSV) is skipped like an empty one; a quoted blank value is not. */
function isBlank(buf: Buffer, start: number, end: number, cells: string[]): boolean {
  return cells.every((c) => c.trim() === '') && buf.toString('utf8', start, end).trim() === '';
}

function describeQuoteError(e: CsvError, buf: Buffer, start: number): string {
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted value is never closed';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted value (double it and quote the value)';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `unexpected ${JSON.stringify(charAfterClosingQuote(buf, start))} after a closing quote`;
    default:
      return e.message;
  }
}

/** Marks where csv-parse's first complaint about a record came, to stop it there. */
class Stop extends Error {
  constructor(readonly rawBytes: number) {
    super('stop');
  }
}

/**
 * csv-parse names the byte after a bad closing quote, not the character: parse the record again
 * keeping its raw text, which ends at that quote, and read the character that follows it.
 */
function charAfterClosingQuote(buf: Buffer, start: number): string {
  const record = buf.subarray(start);
  let at = record.length;
  try {
    parse(record, {
      ...OPTIONS.csv,
      raw: true,
      skip_records_with_error: true,
      on_skip: (_error, raw) => {
        throw new Stop(Buffer.byteLength(raw ?? ''));
      },
    });
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    at = e.rawBytes;
  }
  return String.fromCodePoint(record.toString('utf8', at, at + 4).codePointAt(0) ?? 0xfffd);
}

/** 1-based line numbers of byte offsets asked for in increasing order. */
class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly buf: Buffer) {}

  at(offset: number): number {
    for (;;) {
      const nl = this.buf.indexOf(NEWLINE, this.offset);
      if (nl < 0 || nl >= offset) break;
      this.line++;
      this.offset = nl + 1;
    }
    return this.line;
  }
}
