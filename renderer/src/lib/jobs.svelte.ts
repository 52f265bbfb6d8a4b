import type { NearlabClient } from '$api/client.ts';
import type { JobKind, JobState } from '$api/contract.ts';
import { errorMessage } from './errors.ts';

/** Every job core knows of, newest first, kept live from job events. */
export class JobsStore {
  jobs = $state.raw<JobState[]>([]);
  error = $state<string | null>(null);

  constructor(private readonly client: NearlabClient) {}

  /** Starts listening; returns the stop function. */
  start(): () => void {
    const off = this.client.subscribe((e) => {
      if (e.type === 'job') this.upsert(e.job);
      else void this.refresh();
    });
    void this.refresh();
    return off;
  }

  async refresh(): Promise<void> {
    try {
      const { jobs } = await this.client.api.jobs({});
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a temporary lookup, not state
      const local = new Map(this.jobs.map((j) => [j.id, j]));
      // A job event may have arrived while the list was on its way: a finished state is final.
      this.jobs = jobs.map((j) => {
        const mine = local.get(j.id);
        return mine && mine.status !== 'running' ? mine : j;
      });
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  upsert(job: JobState): void {
    const i = this.jobs.findIndex((j) => j.id === job.id);
    this.jobs = i >= 0 ? this.jobs.with(i, job) : [job, ...this.jobs];
  }

  get running(): JobState[] {
    return this.jobs.filter((j) => j.status === 'running');
  }

  /** The newest job of a kind, running or not. */
  latest(kind: JobKind): JobState | null {
    return this.jobs.find((j) => j.kind === kind) ?? null;
  }

  byId(id: string | null | undefined): JobState | null {
    return (id && this.jobs.find((j) => j.id === id)) || null;
  }

  async cancel(jobId: string): Promise<void> {
    await this.client.api.cancelJob({ jobId });
  }
}
