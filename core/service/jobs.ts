import { randomUUID } from 'node:crypto';
import type { Progress } from '../api/types.ts';
import type { JobKind, JobState } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';
import { lockLab, LabReadOnlyError, waitingMessage, type JobLock } from '../store/job-lock.ts';
import type { Lab } from '../store/lab.ts';
import { asLabAccessError } from '../store/access-errors.ts';

export interface JobContext {
  signal: AbortSignal;
  progress(p: Progress): void;
}

/**
 * Long work (import, training) runs as jobs, one at a time on the lab: a job asked for while another runs is
 * queued (status 'running', its progress saying what it waits for) and starts when the jobs before it, in this
 * service and in other processes (the lab's job lock), are done. Progress is pushed to listeners (throttled); a
 * cancel stops a queued job at once and a running one at its next step.
 */
export class JobManager {
  private readonly jobs = new Map<string, { state: JobState; controller: AbortController }>();
  private lastEmit = 0;
  /** The job asked for last and the end of its run: the next one waits for it. */
  private last: { state: JobState; finished: Promise<void> } | null = null;

  constructor(
    private readonly lab: Lab,
    private readonly emit: (job: JobState) => void,
  ) {}

  start(
    kind: JobKind,
    title: string,
    run: (ctx: JobContext) => Promise<Record<string, unknown>>,
    onDone?: () => void,
  ): string {
    if (this.lab.readOnly) throw new ApiError('conflict', new LabReadOnlyError(this.lab, jobPhrase(title)).message);
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
    const ahead = this.last;
    const finished = this.execute(state, controller.signal, ahead, () => run(ctx)).finally(() => {
      state.finishedAt = new Date().toISOString();
      this.emit(state);
      onDone?.();
    });
    this.last = { state, finished };
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

  /** Resolves when no job is running or queued (for shutdown and tests). */
  async idle(): Promise<void> {
    while ([...this.jobs.values()].some((j) => j.state.status === 'running')) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the job's turn, runs it holding the lab's job lock, and records how it ended. Never rejects. */
  private async execute(
    state: JobState,
    signal: AbortSignal,
    ahead: { state: JobState; finished: Promise<void> } | null,
    run: () => Promise<Record<string, unknown>>,
  ): Promise<void> {
    try {
      const lock = await this.turn(state, signal, ahead);
      if (!lock) {
        state.status = 'cancelled';
        return;
      }
      try {
        state.progress = null;
        const result = await run();
        state.result = result;
        state.status = signal.aborted || result.status === 'cancelled' ? 'cancelled' : 'done';
      } finally {
        lock.release();
      }
    } catch (e) {
      const error = asLabAccessError(this.lab.path, e) as Error;
      state.error = error.message ?? String(error);
      state.status = 'failed';
    }
  }

  /** The lab's job lock once the jobs ahead of this one are done, or null when it was cancelled while waiting. */
  private async turn(
    state: JobState,
    signal: AbortSignal,
    ahead: { state: JobState; finished: Promise<void> } | null,
  ): Promise<JobLock | null> {
    if (ahead && ahead.state.status === 'running') {
      this.waiting(state, `waiting for ${jobPhrase(ahead.state.title)} to finish…`);
      await Promise.race([ahead.finished, abortion(signal)]);
    }
    if (signal.aborted) return null;
    return lockLab(
      this.lab,
      { kind: state.kind, title: jobPhrase(state.title) },
      { signal, onWait: (holder) => this.waiting(state, waitingMessage(holder)) },
    );
  }

  private waiting(state: JobState, phase: string): void {
    state.progress = { phase, done: 0, total: 0, rate: 0, etaSeconds: null };
    this.emit(state);
  }
}

/** How other jobs name this one while they wait for it: 'the job "Import /photos"'. */
function jobPhrase(title: string): string {
  return `the job "${title}"`;
}

function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
