import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/corpus.ts';
import { SAMPLE_SOURCE } from './scale/generate.ts';
import { measureExistingLab, runScaleBench } from './scale/run.ts';

const STEPS = [
  'generate',
  'import a/ (subset)',
  'feature extraction',
  'training (CNN from scratch, 1 epoch)',
  'import b/ (bulk)',
  'embedding',
  'lab file',
  'Library page (label + split filter)',
  'Library page (text filter)',
  'text→image search (HTTP)',
  'text→image search, label filter (HTTP)',
  'k-NN classification of one image',
  'K curve',
  'Map, PCA',
  'Map, UMAP',
  'export (Embedding Projector TSV)',
  'peak RSS of the process',
];

// The smoke run of `npm run bench:scale`: the whole path at a small size, from resources/sample only (never ../shared).
// Nothing about time is asserted: only that every row was measured.
describe('bench:scale smoke run', () => {
  it('measures every row of the table on a small generated lab', async () => {
    const workDir = tempDir('nearlab-scale-');
    const r = await runScaleBench({
      items: 600,
      subset: 40,
      source: SAMPLE_SOURCE,
      repeats: 2,
      imageSize: 16,
      outDir: tempDir('nearlab-scale-gen-'),
      workDir,
    });
    expect(r.source).toBe('sample');
    expect(r.rows.map((x) => x.step)).toEqual(STEPS);
    for (const row of r.rows) expect(row.value, row.step).toMatch(/\d/);

    // `--lab`: the use rows again on the kept lab, without building it anew.
    const again = await measureExistingLab(join(workDir, 'scale.nearlab'), { repeats: 1 });
    expect(again.items).toBe(600);
    expect(again.rows.map((x) => x.step)).toEqual(STEPS.slice(STEPS.indexOf('lab file')));
    for (const row of again.rows) expect(row.value, row.step).toMatch(/\d/);
  }, 600_000);
});
