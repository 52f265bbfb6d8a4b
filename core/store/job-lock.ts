import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { JobKind } from '../api/contract.ts';
import { isoNow } from './clock.ts';
import type { Lab } from './lab.ts';
import { processAlive } from './process-alive.ts';
import { besideLabError, LabAccessError, sqliteCode } from './access-errors.ts';

/**
 * The lab's job lock: one job that writes the lab (an import, a training run, embedding) at a time, across
 * processes. The holder is recorded in `<lab>.lock` beside the lab (pid, host, kind, what it does, when it
 * started); a lock whose process is gone is stale and taken over. The lock is only taken (or taken over) while
 * holding the lab's SQLite write lock (an empty BEGIN IMMEDIATE transaction), so two processes can never both
 * see it free, nor both take over the same stale lock; only its holder removes it.
 */

export interface JobDescription {
  /** 'remove': taking items or a folder out of the lab (nearlab items remove), which no job may see happen. */
  kind: JobKind | 'remove';
  /** What the job does, as a phrase that follows "waiting for": "the import of /photos". */
  title: string;
}

const holderSchema = z.object({
  token: z.string(),
  pid: z.number().int(),
  host: z.string(),
  kind: z.string(),
  title: z.string(),
  startedAt: z.string(),
});
export type JobHolder = z.infer<typeof holderSchema>;

export interface JobLock {
  readonly holder: JobHolder;
  /** Gives the lock up (idempotent; also after the lab was closed). */
  release(): void;
}

/** Tokens of the locks this process holds: an in-process holder whose token is gone has crashed. */
const heldHere = new Set<string>();

export function lockPath(lab: Lab): string {
  return `${lab.path}.lock`;
}

/** Takes the lab's job lock when it is free (or stale); otherwise returns the job that holds it. */
export function tryLockLab(lab: Lab, job: JobDescription): { lock: JobLock } | { holder: JobHolder } {
  if (lab.readOnly) throw new LabReadOnlyError(lab, job.title);
  return underWriteLock(lab, () => {
    const current = liveHolder(lab);
    if (current) return { holder: current };
    const holder: JobHolder = {
      token: randomUUID(),
      pid: process.pid,
      host: hostname(),
      kind: job.kind,
      title: job.title,
      startedAt: isoNow(),
    };
    const path = lockPath(lab);
    try {
      writeFileSync(`${path}.${holder.token}`, `${JSON.stringify(holder)}\n`);
      renameSync(`${path}.${holder.token}`, path);
    } catch (e) {
      rmSync(`${path}.${holder.token}`, { force: true });
      throw besideLabError(lab.path, e);
    }
    heldHere.add(holder.token);
    return { lock: new HeldLock(lab, holder) };
  });
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Called when the job starts waiting, and again whenever another job takes the lock before it. */
  onWait?: (holder: JobHolder) => void;
  pollMs?: number;
}

/**
 * Takes the lab's job lock, waiting for the job that holds it to finish. Resolves null when the signal aborts
 * the wait.
 */
export async function lockLab(lab: Lab, job: JobDescription, options: WaitOptions = {}): Promise<JobLock | null> {
  let waitingFor: string | null = null;
  for (;;) {
    if (options.signal?.aborted) return null;
    const r = tryLockOrBusy(lab, job);
    if (r && 'lock' in r) return r.lock;
    if (r && r.holder.token !== waitingFor) {
      waitingFor = r.holder.token;
      options.onWait?.(r.holder);
    }
    await pause(options.pollMs ?? 250, options.signal);
  }
}

/** tryLockLab, or null when another process kept the lab's write lock past the busy timeout (try again). */
function tryLockOrBusy(lab: Lab, job: JobDescription): ReturnType<typeof tryLockLab> | null {
  try {
    return tryLockLab(lab, job);
  } catch (e) {
    if (sqliteCode(e) === 'SQLITE_BUSY') return null;
    throw e;
  }
}

/** "waiting for the import of /x started 12:03 by pid 4242…" */
export function waitingMessage(holder: JobHolder): string {
  const started = new Date(holder.startedAt);
  const today = new Date().toDateString() === started.toDateString();
  const hhmm = started.toTimeString().slice(0, 5);
  const when = today ? hhmm : `${started.toISOString().slice(0, 10)} ${hhmm}`;
  const who = holder.pid === process.pid && holder.host === hostname() ? 'this process' : `pid ${holder.pid}`;
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `waiting for ${holder.title} started ${when} by ${who}${where}…`;
}

/** A job that would write a lab opened read-only. */
export class LabReadOnlyError extends LabAccessError {
  override readonly name = 'LabReadOnlyError';
  constructor(lab: Lab, title: string) {
    super(
      lab.path,
      `${title} needs to write the lab, which is read-only here (${lab.readOnlyReason}): make the lab file and its folder writable, or copy the lab to a writable folder and use the copy`,
    );
  }
}

class HeldLock implements JobLock {
  constructor(
    private readonly lab: Lab,
    readonly holder: JobHolder,
  ) {}

  /**
   * Needs no write lock (and works after the lab was closed): while this process lives, no other one takes the
   * lock over, and in this one nothing runs between the check and the removal.
   */
  release(): void {
    if (!heldHere.delete(this.holder.token)) return;
    if (readHolder(this.lab)?.token === this.holder.token) rmSync(lockPath(this.lab), { force: true });
  }
}

function underWriteLock<T>(lab: Lab, fn: () => T): T {
  return lab.db.transaction(fn).immediate();
}

/** The recorded holder when its process still runs (or cannot be checked: another host), else null. */
function liveHolder(lab: Lab): JobHolder | null {
  const holder = readHolder(lab);
  if (!holder || holder.host !== hostname()) return holder;
  if (holder.pid === process.pid) return heldHere.has(holder.token) ? holder : null;
  return processAlive(holder.pid) ? holder : null;
}

function readHolder(lab: Lab): JobHolder | null {
  let text: string;
  try {
    text = readFileSync(lockPath(lab), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    // A damaged lock file (a crash while writing it cannot leave one: it is renamed into place) is stale.
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
