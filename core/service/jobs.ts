import { randomUUID } from 'node:crypto';
import type { Progress } from '../api/types.ts';
import type { JobKind, JobState } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';

export interface JobContext {
  signal: AbortSignal;
  progress(p: Progress): void;
}

/**
 * Long work (import, training) runs as jobs: one at a time per kind that writes the lab, with
 * progress pushed to listeners (throttled) and a cancel that the job honours at its next step.
 */
export class JobManager {
  private readonly jobs = new Map<string, { state: JobState; controller: AbortController }>();
  private lastEmit = 0;

  constructor(private readonly emit: (job: JobState) => void) {}

  start(
    kind: JobKind,
    title: string,
    run: (ctx: JobContext) => Promise<Record<string, unknown>>,
    onDone?: () => void,
  ): string {
    for (const j of this.jobs.values()) {
      if (j.state.status === 'running' && j.state.kind === kind) {
        throw new ApiError('conflict', `a ${kind} job is already running (${j.state.title}); wait for it or cancel it`);
      }
    }
    const controller = new AbortController();
    const state: JobState = {
      id: randomUUID(),
      kind,
      title,
      status: 'running',
      progress: null,
      result: null,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.jobs.set(state.id, { state, controller });
    this.emit(state);
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (p) => {
        state.progress = p;
        const now = Date.now();
        if (now - this.lastEmit >= 100 || p.done === p.total) {
          this.lastEmit = now;
          this.emit(state);
        }
      },
    };
    run(ctx)
      .then(
        (result) => {
          state.result = result;
          state.status = controller.signal.aborted || result.status === 'cancelled' ? 'cancelled' : 'done';
        },
        (e: unknown) => {
          state.error = (e as Error).message ?? String(e);
          state.status = 'failed';
        },
      )
      .finally(() => {
        state.finishedAt = new Date().toISOString();
        this.emit(state);
        onDone?.();
      });
    return state.id;
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.state.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const j of this.jobs.values()) if (j.state.status === 'running') j.controller.abort();
  }

  list(): JobState[] {
    return [...this.jobs.values()].map((j) => j.state).reverse();
  }

  /** Resolves when no job is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while ([...this.jobs.values()].some((j) => j.state.status === 'running')) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
