import { describe, expect, it } from 'vitest';
import { FakeCore, makeJob } from '../testing/fake-core.ts';
import { JobsStore } from './jobs.svelte.ts';

describe('JobsStore', () => {
  it('loads the jobs, follows job events and keeps a finished state over an older list', async () => {
    let listed = [makeJob({ id: 'a' })];
    const core = new FakeCore({ jobs: () => ({ jobs: listed }) });
    const store = new JobsStore(core.client);
    const stop = store.start();
    await store.refresh();
    expect(store.running.map((j) => j.id)).toEqual(['a']);

    core.emit({ type: 'job', job: makeJob({ id: 'b', kind: 'train', title: 'Train' }) });
    expect(store.jobs.map((j) => j.id)).toEqual(['b', 'a']);
    expect(store.latest('train')?.id).toBe('b');

    core.emit({ type: 'job', job: makeJob({ id: 'a', status: 'done' }) });
    listed = [makeJob({ id: 'a', status: 'running' })];
    await store.refresh();
    expect(store.byId('a')?.status).toBe('done');
    stop();
  });

  it('cancels through the API', async () => {
    const core = new FakeCore({ cancelJob: () => ({ cancelled: true }) });
    await new JobsStore(core.client).cancel('x');
    expect(core.lastParams('cancelJob')).toEqual({ jobId: 'x' });
  });
});
