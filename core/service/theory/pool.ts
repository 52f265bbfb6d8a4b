/**
 * A small pool of worker threads for heavy Theory-lab tasks, so simulations do not block the core's
 * event loop. Workers start on demand, are reused, and exit after a while without work.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../util/workers.ts';
import type { TaskInput, TaskOutput } from './tasks.ts';

export interface PoolRequest {
  id: number;
  input: TaskInput;
}

export type PoolReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; name: string; message: string };

/** A task failed inside the worker; `name` is the original error's class name (e.g. TheoryInputError). */
export class TheoryTaskError extends Error {
  constructor(
    readonly originalName: string,
    message: string,
  ) {
    super(message);
    this.name = 'TheoryTaskError';
  }
}

/** The worker could not start or died; the caller may run the task inline instead. */
export class TheoryWorkerError extends Error {
  override readonly name: string = 'TheoryWorkerError';
}

/** The worker never started, so nothing was sent to it: running the task inline is safe. */
export class TheoryWorkerStartError extends TheoryWorkerError {
  override readonly name = 'TheoryWorkerStartError';
}

const IDLE_EXIT_MS = 30_000;

export class TheoryPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker | null) => void)[] = [];
  private live = 0;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(readonly size = 2) {}

  async run<I extends TaskInput>(input: I, transfer: ArrayBuffer[] = []): Promise<TaskOutput<I>> {
    const worker = await this.acquire();
    let healthy = true;
    try {
      return (await this.exec(worker, input, transfer)) as TaskOutput<I>;
    } catch (e) {
      if (e instanceof TheoryWorkerError) healthy = false;
      throw e;
    } finally {
      this.release(worker, healthy);
    }
  }

  /** Terminates every worker (idle ones at once, busy ones when their task ends). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const all = this.idle.splice(0);
    this.live -= all.length;
    for (const w of this.waiting.splice(0)) w(null);
    await Promise.all(all.map((w) => w.terminate()));
  }

  private async acquire(): Promise<Worker> {
    if (this.closed) throw new TheoryWorkerError('the theory worker pool is closed');
    const ready = this.idle.pop();
    if (ready) {
      ready.ref();
      return ready;
    }
    if (this.live < this.size) {
      this.live++;
      try {
        return await spawn();
      } catch (e) {
        this.live--;
        throw e;
      }
    }
    const w = await new Promise<Worker | null>((resolve) => this.waiting.push(resolve));
    if (!w) throw new TheoryWorkerError('the theory worker pool is closed');
    w.ref();
    return w;
  }

  private release(worker: Worker, healthy: boolean): void {
    if (!healthy || this.closed) {
      this.live--;
      void worker.terminate();
      // A waiter can now start a fresh worker of its own.
      const next = this.waiting.shift();
      if (next && !this.closed) {
        this.live++;
        spawn().then(next, () => {
          this.live--;
          next(null);
        });
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) return next(worker);
    worker.unref();
    this.idle.push(worker);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const stale = this.idle.splice(0);
      this.live -= stale.length;
      for (const w of stale) void w.terminate();
    }, IDLE_EXIT_MS);
    this.idleTimer.unref();
  }

  private exec(worker: Worker, input: TaskInput, transfer: ArrayBuffer[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (msg: PoolReply): void => {
        if (msg.id !== id) return;
        cleanup();
        if (msg.ok) resolve(msg.result);
        else reject(new TheoryTaskError(msg.name, msg.message));
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(new TheoryWorkerError(`theory worker failed: ${err.message}`));
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new TheoryWorkerError(`theory worker exited (code ${code}) before answering`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, input } satisfies PoolRequest, transfer);
    });
  }
}

function spawn(): Promise<Worker> {
  const worker = startWorker(new URL('./theory.worker.ts', import.meta.url), null);
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      worker.off('message', onReady);
      reject(new TheoryWorkerStartError(`theory worker failed to start: ${err.message}`));
    };
    const onReady = (msg: PoolReply): void => {
      worker.off('error', onError);
      if (msg.id === 0 && msg.ok) resolve(worker);
      else reject(new TheoryWorkerStartError('theory worker sent an unexpected first message'));
    };
    worker.once('error', onError);
    worker.once('message', onReady);
  });
}
