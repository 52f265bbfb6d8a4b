import type { ApiEvent, MediaKind } from '../../core/api/contract.ts';
import type { RpcResponse } from '../../core/api/rpc.ts';
import {
  FATAL_EXIT_CODE,
  fromCoreMessage,
  parseMessage,
  type MediaResult,
  type ToCoreMessage,
} from '../../core/process/protocol.ts';

/** A running core process as the host sees it (Electron's UtilityProcess, or a fake in tests). */
export interface CoreChild {
  postMessage(message: ToCoreMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export type SpawnCore = (labPath: string | undefined) => CoreChild;

export interface CoreProblem {
  /** crash: core stopped unexpectedly; fatal: the lab could not be opened (no restart). */
  kind: 'crash' | 'fatal';
  message: string;
  restarting: boolean;
}

export interface CoreHostOptions {
  spawn: SpawnCore;
  onEvent(event: ApiEvent): void;
  /** Something the user must see (main shows a dialog). */
  onProblem(problem: CoreProblem): void;
  onReady?(lab: string): void;
  /** Restarts allowed within `restartWindowMs` before the host gives up. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** How long a shutdown may take before the process is killed. */
  shutdownTimeoutMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

type Pending =
  { kind: 'call'; resolve: (r: RpcResponse) => void } | { kind: 'media'; resolve: (r: MediaResult) => void };

const failure = (message: string): RpcResponse => ({ ok: false, error: { kind: 'failed', message } });

/**
 * Owns core's utility process: starts it on a lab, forwards API calls and media requests to it and
 * its events out, restarts it after a crash (a few times, then gives up) and reports both to the
 * user. Every message from core is validated; calls made while core starts are queued.
 */
export class CoreHost {
  private child: CoreChild | null = null;
  private ready = false;
  private queue: ToCoreMessage[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private labPath: string | undefined;
  private currentLab: string | null = null;
  private fatal: string | null = null;
  private stopped = true;
  private crashes: number[] = [];
  private exited: (() => void) | null = null;
  /** Set by a crash restart: when the new core is ready the window is told to reload its state. */
  private recovering = false;
  private readonly o: Required<Omit<CoreHostOptions, 'onReady'>> & Pick<CoreHostOptions, 'onReady'>;

  constructor(options: CoreHostOptions) {
    this.o = {
      maxRestarts: 3,
      restartWindowMs: 60_000,
      shutdownTimeoutMs: 5_000,
      now: () => Date.now(),
      log: (line) => console.error(`[nearlab] ${line}`),
      ...options,
    };
  }

  /** The lab core has open, once it said so. */
  get lab(): string | null {
    return this.currentLab;
  }

  start(labPath?: string): void {
    this.labPath = labPath;
    this.fatal = null;
    this.stopped = false;
    this.crashes = [];
    this.spawn();
  }

  call(method: string, params: unknown): Promise<RpcResponse> {
    if (this.fatal !== null || this.stopped) return Promise.resolve(failure(this.unavailable()));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { kind: 'call', resolve });
      this.send({ type: 'call', id, method, params });
    });
  }

  media(kind: MediaKind, itemId: number): Promise<MediaResult> {
    if (this.fatal !== null || this.stopped) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { kind: 'media', resolve });
      this.send({ type: 'media', id, kind, itemId });
    });
  }

  /** Asks core to finish (cancelling jobs, closing the lab); kills it if it takes too long. */
  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => (this.exited = resolve));
    child.postMessage({ type: 'shutdown' });
    const timer = setTimeout(() => {
      this.o.log('core did not stop in time; killing it');
      child.kill();
    }, this.o.shutdownTimeoutMs);
    await gone;
    clearTimeout(timer);
  }

  /** Stops core and starts it again on another lab (from the menu's Open Lab…). */
  async switchLab(labPath: string): Promise<void> {
    await this.stop();
    this.currentLab = null;
    this.start(labPath);
    this.o.onEvent({ type: 'lab-changed' });
  }

  private unavailable(): string {
    return this.fatal !== null
      ? `Nearlab could not open the lab: ${this.fatal}. Choose another lab with File → Open Lab….`
      : 'Nearlab core is not running. Restart Nearlab.';
  }

  private spawn(): void {
    this.ready = false;
    const child = this.o.spawn(this.labPath);
    this.child = child;
    child.onMessage((m) => {
      if (this.child === child) this.receive(m);
    });
    child.onExit((code) => {
      if (this.child === child) this.exit(code);
    });
  }

  private send(m: ToCoreMessage): void {
    if (this.child && this.ready) this.child.postMessage(m);
    else this.queue.push(m);
  }

  private receive(raw: unknown): void {
    const parsed = parseMessage(fromCoreMessage, raw);
    if (!parsed.ok) {
      this.o.log(`dropped an invalid message from core: ${parsed.reason}`);
      // Answer the call it claims to answer, so the window does not wait forever.
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number') this.settle(id, { call: failure('core sent an invalid response'), media: null });
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        this.currentLab = m.lab;
        const queued = this.queue;
        this.queue = [];
        for (const q of queued) this.child?.postMessage(q);
        this.o.onReady?.(m.lab);
        if (this.recovering) {
          this.recovering = false;
          // The crashed core's jobs are gone: the window must not keep showing them as running.
          this.o.onEvent({ type: 'lab-changed' });
        }
        return;
      }
      case 'response':
        return this.settle(m.id, { call: m.response }, 'call');
      case 'media':
        return this.settle(m.id, { media: m.result }, 'media');
      case 'event':
        return this.o.onEvent(m.event);
      case 'fatal':
        this.fatal = m.message;
        return;
    }
  }

  /** Resolves a pending request with the answer of its kind (an answer of the wrong kind is ignored). */
  private settle(id: number, answer: { call?: RpcResponse; media?: MediaResult }, only?: Pending['kind']): void {
    const p = this.pending.get(id);
    if (!p || (only && p.kind !== only)) return;
    this.pending.delete(id);
    if (p.kind === 'call') p.resolve(answer.call ?? failure('core sent an invalid response'));
    else p.resolve(answer.media ?? null);
  }

  private exit(code: number): void {
    this.child = null;
    this.ready = false;
    // Queued calls belong to pending promises failed below: they must not run in the next process.
    this.queue = [];
    if (code === FATAL_EXIT_CODE && this.fatal === null && !this.stopped) this.fatal = 'the lab could not be opened';
    let restarting = false;
    if (!this.stopped && this.fatal === null) {
      const now = this.o.now();
      this.crashes = [...this.crashes.filter((t) => now - t < this.o.restartWindowMs), now];
      restarting = this.crashes.length <= this.o.maxRestarts;
    }
    const why = this.stopped
      ? 'Nearlab core stopped'
      : this.fatal !== null
        ? this.unavailable()
        : `Nearlab core stopped unexpectedly (exit code ${code})${restarting ? '; it was restarted, try again' : ''}`;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.kind === 'call') p.resolve(failure(why));
      else p.resolve(null);
    }
    if (this.stopped) {
      this.exited?.();
      this.exited = null;
    } else if (this.fatal !== null) {
      this.o.onProblem({ kind: 'fatal', message: this.fatal, restarting: false });
    } else {
      this.o.onProblem({
        kind: 'crash',
        message: restarting
          ? `Nearlab's core process stopped unexpectedly (exit code ${code}) and was restarted. Running imports or training were interrupted; start them again.`
          : `Nearlab's core process keeps stopping (exit code ${code}, ${this.crashes.length} times within a minute), so it was not restarted. Check the lab with \`nearlab info --lab FILE\`, then restart Nearlab.`,
        restarting,
      });
      if (restarting) {
        this.recovering = true;
        this.spawn();
      } else this.stopped = true;
    }
  }
}
