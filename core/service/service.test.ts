import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../data/import/import-folder.ts';
import { Lab } from '../store/lab.ts';
import { makeBadCorpus, SAMPLE_DIR, tempDir } from '../../test/helpers/corpus.ts';
import type { Results } from '../api/contract.ts';
import { dispatch } from '../api/rpc.ts';
import { NearlabService } from './service.ts';

let service: NearlabService;

async function call<M extends keyof Results>(method: M, p: unknown = {}): Promise<Results[M]> {
  const r = await dispatch(service.api, method, p);
  if (!r.ok) throw new Error(r.error.message);
  return r.result as Results[M];
}

beforeAll(async () => {
  const lab = Lab.open(join(tempDir(), 'svc.lab'));
  await importFolder(lab, SAMPLE_DIR);
  service = new NearlabService(lab);
});

describe('NearlabService library methods', () => {
  it('lists items with filters by split, label and caption words', async () => {
    const all = await call('listItems', { limit: 1000 });
    expect(all.total).toBe(319);
    const val = await call('listItems', { split: 'val', limit: 1000 });
    expect(val.items.every((i) => i.split === 'val')).toBe(true);
    const flags = await call('listItems', { label: 'Flags', text: 'flag' });
    expect(flags.total).toBeGreaterThan(0);
    expect(flags.items.every((i) => i.label === 'Flags' && i.captions.join(' ').toLowerCase().includes('flag'))).toBe(
      true,
    );
    const none = await call('listItems', { text: '100%_no_such' });
    expect(none.total).toBe(0);
    const page2 = await call('listItems', { offset: 200, limit: 200 });
    expect(page2.items).toHaveLength(119);
    expect(page2.items[0].id).toBe(all.items[200].id);
  });

  it('gives an item with its content details and same-content names', async () => {
    const dup = service.lab.db
      .prepare('SELECT min(id) AS id FROM items GROUP BY image_id HAVING count(*) > 1')
      .get() as { id: number };
    const item = await call('item', { id: dup.id });
    expect(item.duplicates).toHaveLength(1);
    expect(item.hash).toMatch(/^[0-9a-f]{64}$/);
    await expect(call('item', { id: 987654 })).rejects.toThrow(/no item 987654/);
  });

  it('lists the latest import problems and offers the sample folder', async () => {
    const corpus = await makeBadCorpus();
    await importFolder(service.lab, corpus.root);
    const p = await call('importProblems', {});
    expect(p.total).toBe(p.problems.length);
    expect(p.problems.map((x) => x.path)).toContain('bad/truncated.png');
    expect(p.problems[0].severity).toBe('error');
    expect(await call('sampleFolder')).toEqual({ path: SAMPLE_DIR.replace(/\/$/, ''), exists: true });
  });

  it('runs an import as a job with progress, one at a time, and can cancel it', async () => {
    const events: string[] = [];
    const off = service.subscribe((e) => {
      if (e.type === 'job') events.push(e.job.status);
    });
    const { jobId } = await call('startImport', { folder: SAMPLE_DIR });
    await expect(call('startImport', { folder: SAMPLE_DIR })).rejects.toThrow(/already running/);
    await service.jobManager.idle();
    off();
    const jobs = await call('jobs');
    expect(jobs.jobs[0]).toMatchObject({ id: jobId, status: 'done', kind: 'import' });
    expect(events.at(-1)).toBe('done');
    expect(await call('cancelJob', { jobId })).toEqual({ cancelled: false });
  });
});
