import { basename, join } from 'node:path';

/** Sub-folder depths tried as the prefix a table's paths leave out (`images/`, `data/images/`, …). */
const MAX_PREFIX_DEPTH = 4;

export interface SubfolderHintInputs {
  /** The file names of the table's rows that name no imported image, one per row. */
  unmatched: readonly string[];
  /** Relative paths of the root's imported images. */
  items: Iterable<string>;
  /** The import root and the table, absolute. */
  root: string;
  tablePath: string;
  option: '--captions' | '--labels';
}

/**
 * The wrong-folder trap: a table whose paths are relative to a sub-folder (it names `1f600.png`
 * while the file is `images/1f600.png`). When most unmatched rows name files under one
 * sub-folder, says so and how to fix it; otherwise null.
 */
export function subfolderHint(inputs: SubfolderHintInputs): string | null {
  if (!inputs.unmatched.length) return null;
  const rowsOf = new Map<string, number>();
  for (const file of inputs.unmatched) rowsOf.set(file, (rowsOf.get(file) ?? 0) + 1);
  const rowsUnder = new Map<string, number>();
  const exampleUnder = new Map<string, string>();
  for (const path of inputs.items) {
    let slash = path.indexOf('/');
    for (let depth = 0; slash > 0 && depth < MAX_PREFIX_DEPTH; depth++) {
      const rows = rowsOf.get(path.slice(slash + 1));
      if (rows !== undefined) {
        const prefix = path.slice(0, slash);
        rowsUnder.set(prefix, (rowsUnder.get(prefix) ?? 0) + rows);
        const example = exampleUnder.get(prefix);
        if (example === undefined || path < example) exampleUnder.set(prefix, path);
      }
      slash = path.indexOf('/', slash + 1);
    }
  }
  let best: string | null = null;
  for (const [prefix, rows] of rowsUnder) if (best === null || rows > rowsUnder.get(best)!) best = prefix;
  if (best === null || rowsUnder.get(best)! * 2 <= inputs.unmatched.length) return null;
  const table = basename(inputs.tablePath);
  return (
    `${table} names files relative to ${best}/: import that folder ` +
    `(nearlab import ${shellWord(join(inputs.root, best))} ${inputs.option} ${shellWord(inputs.tablePath)}), ` +
    `or write its paths from this folder (${exampleUnder.get(best)})`
  );
}

/** A path as one shell word: quoted when it holds anything but plain path characters. */
function shellWord(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
