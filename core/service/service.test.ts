import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { importFolder } from '../data/import/import-folder.ts';
import { resolveConfig } from '../model/config.ts';
import { tryLockLab } from '../store/job-lock.ts';
import { Lab } from '../store/lab.ts';
import { createModel } from '../store/models.ts';
import { makeBadCorpus, SAMPLE_DIR, tempDir } from '../../test/helpers/corpus.ts';
import type { Results } from '../api/contract.ts';
import { dispatch } from '../api/rpc.ts';
import { NearlabService } from './service.ts';
import { callApi } from './testing/call-api.ts';

let service: NearlabService;

const call = <M extends keyof Results>(method: M, p: unknown = {}) => callApi(service, method, p);

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

  it('runs an import as a job with progress, one at a time (the next one queued), and can cancel it', async () => {
    const events: string[] = [];
    const phases: string[] = [];
    const off = service.subscribe((e) => {
      if (e.type !== 'job') return;
      events.push(e.job.status);
      if (e.job.progress) phases.push(e.job.progress.phase);
    });
    const { jobId } = await call('startImport', { folder: SAMPLE_DIR });
    const queued = await call('startImport', { folder: SAMPLE_DIR });
    const folder = SAMPLE_DIR.replace(/\/$/, '');
    expect(phases).toContain(`waiting for the job "Import ${folder}" to finish…`);
    await service.jobManager.idle();
    off();
    const jobs = await call('jobs');
    expect(jobs.jobs[1]).toMatchObject({ id: jobId, status: 'done', kind: 'import' });
    expect(jobs.jobs[0]).toMatchObject({ id: queued.jobId, status: 'done', kind: 'import' });
    expect(Date.parse(jobs.jobs[0].finishedAt!)).toBeGreaterThanOrEqual(Date.parse(jobs.jobs[1].finishedAt!));
    expect(events.at(-1)).toBe('done');
    expect(await call('cancelJob', { jobId })).toEqual({ cancelled: false });
  });

  it('queues a job behind a job of another process (the lab job lock), saying which, and cancels it while it waits', async () => {
    const held = tryLockLab(service.lab, { kind: 'train', title: 'the training of model 9' });
    if (!('lock' in held)) throw new Error('the lab job lock is taken');
    const hhmm = new Date(held.lock.holder.startedAt).toTimeString().slice(0, 5);
    const waitingFor = `waiting for the training of model 9 started ${hhmm} by this process…`;
    const first = await call('startImport', { folder: SAMPLE_DIR });
    await vi.waitFor(async () => {
      const job = (await call('jobs')).jobs.find((j) => j.id === first.jobId)!;
      expect(job).toMatchObject({ status: 'running', progress: { phase: waitingFor } });
    });
    expect(await call('cancelJob', { jobId: first.jobId })).toEqual({ cancelled: true });
    const second = await call('startImport', { folder: SAMPLE_DIR });
    await vi.waitFor(async () => {
      const jobs = (await call('jobs')).jobs;
      expect(jobs.find((j) => j.id === first.jobId)).toMatchObject({ status: 'cancelled', result: null });
      expect(jobs.find((j) => j.id === second.jobId)?.progress?.phase).toMatch(/^waiting for /);
    });
    held.lock.release();
    await service.jobManager.idle();
    expect((await call('jobs')).jobs.find((j) => j.id === second.jobId)).toMatchObject({ status: 'done' });
  });

  it('shows a run whose process is gone as interrupted, removes it, and refuses to remove one that is training', async () => {
    const config = resolveConfig({ epochs: 3 });
    const model = { config, tokenizer: { words: [] }, data: {}, backend: 'test' };
    const gone = createModel(service.lab.db, model);
    service.lab.db.prepare('UPDATE models SET pid = ? WHERE id = ?').run(999_999_999, gone);
    const training = createModel(service.lab.db, model);
    const { models } = await call('models');
    expect(models.find((m) => m.id === gone)?.status).toBe('interrupted');
    expect(models.find((m) => m.id === training)?.status).toBe('training');
    expect(await call('removeModel', { modelId: gone })).toEqual({ modelId: gone });
    expect((await call('models')).models.map((m) => m.id)).not.toContain(gone);
    await expect(call('removeModel', { modelId: training })).rejects.toThrow(
      `model ${training} is training (pid ${process.pid}): stop it before removing it`,
    );
    await expect(call('removeModel', { modelId: gone })).rejects.toThrow(`the lab has no model ${gone}`);
    service.lab.db.prepare('DELETE FROM models WHERE id = ?').run(training);
  });

  it('serves a read-only lab for reading and refuses its jobs with what to do', async () => {
    const path = join(tempDir(), 'ro.lab');
    const writable = Lab.open(path);
    await importFolder(writable, SAMPLE_DIR);
    writable.close();
    const ro = new NearlabService(Lab.open(path, { readonly: true }));
    const r = await dispatch(ro.api, 'info', {});
    expect(r).toMatchObject({ ok: true, result: { items: 319 } });
    const refused = await dispatch(ro.api, 'startImport', { folder: SAMPLE_DIR });
    expect(refused).toEqual({
      ok: false,
      error: {
        kind: 'conflict',
        message: `${path}: the job "Import ${SAMPLE_DIR.replace(/\/$/, '')}" needs to write the lab, which is read-only here (opened read-only): make the lab file and its folder writable, or copy the lab to a writable folder and use the copy`,
      },
    });
    ro.lab.close();
  });
});
