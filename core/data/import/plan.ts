import type { ItemRow } from '../../store/import-store.ts';
import type { Problem } from '../annotations.ts';
import type { ScanProblem, ScanResult, ScannedFile } from '../scan.ts';

/** What a scan means for the lab: which files to read, which failed already, which stay as they are. */
export interface ImportPlan {
  /** Files that are new or changed (size or mtime) since the last import, in scan order. */
  work: ScannedFile[];
  /** Files the scan itself could not use (unreadable, not a regular file, …): they become error items. */
  failed: ScanProblem[];
  /** Every path the scan accounts for; the root's other items are missing. */
  seen: Set<string>;
  /** Files that are not read again. */
  unchanged: number;
  /** The scan's problems, then the stored errors of unchanged files, reported again. */
  problems: Problem[];
}

export function planImport(scan: ScanResult, existing: ReadonlyMap<string, ItemRow>): ImportPlan {
  const plan: ImportPlan = { work: [], failed: [], seen: new Set(), unchanged: 0, problems: [] };
  for (const p of scan.problems) {
    plan.problems.push({ path: p.relPath, line: null, severity: p.severity, reason: p.reason });
    // A path with a file ending names a file; folders (a loop, an unreadable folder) are no items.
    if (p.severity === 'error' && /\.[a-z]+$/i.test(p.relPath)) {
      plan.seen.add(p.relPath);
      plan.failed.push(p);
    }
  }
  // Unchanged files (same size and mtime) are not read again; their stored errors are reported again.
  for (const file of scan.images) {
    plan.seen.add(file.relPath);
    const row = existing.get(file.relPath);
    if (row && row.size === file.size && row.mtime_ms === file.mtimeMs && row.status !== 'missing') {
      if (row.status === 'error')
        plan.problems.push({ path: file.relPath, line: null, severity: 'error', reason: row.error ?? 'error' });
      else plan.unchanged++;
    } else plan.work.push(file);
  }
  return plan;
}
