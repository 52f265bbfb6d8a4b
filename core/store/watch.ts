import type { ProblemRow } from './import-store.ts';
import type { Db } from './lab.ts';

/** The watched folders of a lab (migration 008), oldest switch first. */
export function watchedRoots(db: Db): string[] {
  return db
    .prepare('SELECT r.path FROM watched_roots w JOIN roots r ON r.id = w.root_id ORDER BY w.watched_at, r.id')
    .pluck()
    .all() as string[];
}

/** Switches watching of an imported folder on or off; false when the lab has no such folder. */
export function setRootWatched(db: Db, root: string, watched: boolean, at = new Date().toISOString()): boolean {
  const id = rootId(db, root);
  if (id === null) return false;
  if (watched) db.prepare('INSERT OR IGNORE INTO watched_roots (root_id, watched_at) VALUES (?, ?)').run(id, at);
  else db.prepare('DELETE FROM watched_roots WHERE root_id = ?').run(id);
  return true;
}

export function rootId(db: Db, root: string): number | null {
  const row = db.prepare('SELECT id FROM roots WHERE path = ?').get(root) as { id: number } | undefined;
  return row?.id ?? null;
}

/**
 * The options of the folder's latest import run, as the import recorded them (parsed JSON), or null when the
 * folder was never imported (or its runs recorded nothing readable).
 */
export function lastImportOptions(db: Db, root: string): Record<string, unknown> | null {
  const text = db
    .prepare(
      `SELECT ir.options FROM import_runs ir JOIN roots r ON r.id = ir.root_id
       WHERE r.path = ? ORDER BY ir.id DESC LIMIT 1`,
    )
    .pluck()
    .get(root) as string | undefined;
  if (text === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The problems one import run reported (per file, or per line of a table), errors first. */
export function importRunProblems(db: Db, runId: number): ProblemRow[] {
  return db
    .prepare(
      `SELECT path, line, severity, reason FROM import_errors WHERE run_id = ? ORDER BY severity, path, line, id`,
    )
    .all(runId) as ProblemRow[];
}
