import type { LabInfo } from '../api/types.ts';
import { featureBackbones, featureCoverage } from './features.ts';
import type { Db } from './lab.ts';

const LIVE = `items.status = 'ok'`;

/** Counts of everything in a lab, computed in a few queries. */
export function labInfo(db: Db): LabInfo {
  const one = <T>(sql: string) => db.prepare(sql).get() as T;
  const items = one<{ n: number }>(`SELECT count(*) AS n FROM items WHERE ${LIVE}`).n;
  const captions = one<{ n: number }>(
    `SELECT count(*) AS n FROM captions c JOIN items ON items.id = c.item_id WHERE ${LIVE}`,
  ).n;
  const labelRows = db
    .prepare(
      `SELECT l.name AS name, count(*) AS n FROM labels l JOIN items ON items.id = l.item_id
       WHERE ${LIVE} AND l.name IS NOT NULL GROUP BY l.name ORDER BY l.name`,
    )
    .all() as { name: string; n: number }[];
  const numericLabels = one<{ n: number }>(
    `SELECT count(*) AS n FROM labels l JOIN items ON items.id = l.item_id WHERE ${LIVE} AND l.value IS NOT NULL`,
  ).n;
  const splits = { train: 0, val: 0, test: 0 };
  for (const r of db.prepare(`SELECT split, count(*) AS n FROM items WHERE ${LIVE} GROUP BY split`).all() as {
    split: keyof typeof splits;
    n: number;
  }[])
    splits[r.split] = r.n;
  const latestRuns = `SELECT max(id) FROM import_runs WHERE status != 'running' GROUP BY root_id`;
  const problems = db
    .prepare(`SELECT severity, count(*) AS n FROM import_errors WHERE run_id IN (${latestRuns}) GROUP BY severity`)
    .all() as { severity: string; n: number }[];
  const missing = one<{ n: number }>(`SELECT count(*) AS n FROM items WHERE status = 'missing'`).n;
  const images = one<{ n: number }>(`SELECT count(DISTINCT image_id) AS n FROM items WHERE ${LIVE}`).n;
  const roots = db
    .prepare(
      `SELECT r.path AS path,
         (SELECT count(*) FROM items i WHERE i.root_id = r.id AND i.status = 'ok') AS items,
         (SELECT started_at FROM import_runs WHERE root_id = r.id ORDER BY id DESC LIMIT 1) AS lastImport,
         (SELECT status FROM import_runs WHERE root_id = r.id ORDER BY id DESC LIMIT 1) AS lastStatus
       FROM roots r ORDER BY r.id`,
    )
    .all() as LabInfo['roots'];
  const labels = Object.fromEntries(labelRows.map((r) => [r.name, r.n]));
  const labeled = labelRows.reduce((s, r) => s + r.n, 0) + numericLabels;
  return {
    items,
    images,
    captions,
    labels,
    numericLabels,
    unlabeled: items - labeled,
    splits,
    errors: problems.find((p) => p.severity === 'error')?.n ?? 0,
    warnings: problems.find((p) => p.severity === 'warning')?.n ?? 0,
    missing,
    roots,
    features: Object.fromEntries(featureBackbones(db).map((b) => [b, featureCoverage(db, b)])),
  };
}
