import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareDataset, type SkDocument } from './testing/sklearn-fixture.ts';

const root = new URL('../../', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('test/fixtures/knn/sklearn-knn.json', root), 'utf8')) as SkDocument;

describe('agreement with scikit-learn (committed fixtures)', () => {
  it('covers several data sets, all four metrics and both weightings', () => {
    expect(fixture.datasets.length).toBeGreaterThanOrEqual(4);
    const metrics = new Set(fixture.datasets.flatMap((d) => d.cases.map((c) => c.metric)));
    expect([...metrics].sort()).toEqual(['cosine', 'euclidean', 'mahalanobis', 'manhattan']);
  });

  for (const ds of fixture.datasets) {
    it(`matches sklearn on '${ds.name}' (neighbours, predict, predict_proba, regression)`, () => {
      const stats = compareDataset(ds);
      // ambiguous queries (a tie at the k-th neighbour) skip only the prediction comparison
      expect(stats.predictionsCompared).toBeGreaterThan(stats.queries / 3);
    });
  }
});

const python = '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
const hasSklearn = probe.status === 0;

describe('live cross-check with scikit-learn', () => {
  // Reason for skipping: /usr/bin/python3 with scikit-learn is not installed (apt-get install -y python3-sklearn).
  it.skipIf(!hasSklearn)(
    'matches sklearn on a fresh random data set',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'knn-live-'));
      try {
        const out = join(dir, 'live.json');
        const script = new URL('scripts/gen-knn-fixtures.py', root).pathname;
        const run = spawnSync(python, [script, '--live', out], { encoding: 'utf8', timeout: 60_000 });
        expect(run.status, run.stderr).toBe(0);
        const doc = JSON.parse(readFileSync(out, 'utf8')) as SkDocument;
        for (const ds of doc.datasets) expect(compareDataset(ds).predictionsCompared).toBeGreaterThan(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
