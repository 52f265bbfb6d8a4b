import type { ProblemSummary } from '../api/contract.ts';
import type { Db } from './lab.ts';

/** Problems reported by the latest finished import of each folder: errors first, then by path and line. */
export function latestImportProblems(db: Db, limit: number): { problems: ProblemSummary[]; total: number } {
  const latest = `SELECT max(id) FROM import_runs WHERE status != 'running' GROUP BY root_id`;
  const total = (
    db.prepare(`SELECT count(*) AS n FROM import_errors WHERE run_id IN (${latest})`).get() as { n: number }
  ).n;
  const problems = db
    .prepare(
      `SELECT e.run_id AS runId, r.path AS root, e.path, e.line, e.severity, e.reason
       FROM import_errors e JOIN import_runs ir ON ir.id = e.run_id JOIN roots r ON r.id = ir.root_id
       WHERE e.run_id IN (${latest}) ORDER BY e.severity, e.path, e.line LIMIT ?`,
    )
    .all(limit) as ProblemSummary[];
  return { problems, total };
}
