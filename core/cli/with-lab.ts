import type { ApiHandlers, MethodName, Params, Results } from '../api/contract.ts';
import { ApiError, invoke } from '../api/rpc.ts';
import type { NearlabService, ServiceOptions } from '../service/service.ts';
import { openLab } from '../store/default-lab.ts';
import { lockLab, waitingMessage, type JobDescription, type JobLock } from '../store/job-lock.ts';
import type { Lab } from '../store/lab.ts';
import { asLabAccessError } from '../store/access-errors.ts';
import { CliError } from './options.ts';

export interface LabOptions {
  /** Create the lab when it does not exist (only import and serve do). */
  create?: boolean;
  /**
   * The job the command runs on the lab (import, train, embed): it first takes the lab's job lock, waiting for
   * the job that holds it (and saying which); a read-only lab refuses it.
   */
  job?: JobDescription;
  /** Stops the wait for the job lock (Ctrl-C): exit 130, nothing written. */
  signal?: AbortSignal;
}

/**
 * Opens the command's lab (--lab, else the default one), runs `fn` on it and closes it, whatever happens. An
 * SQLite failure the user can act on (read-only, full disk, cannot open) becomes one line naming the lab.
 */
export async function withLab<T>(
  labPath: string | undefined,
  fn: (lab: Lab) => T | Promise<T>,
  options: LabOptions = {},
): Promise<T> {
  const lab = openLab(labPath, { create: options.create ?? false });
  let lock: JobLock | null = null;
  try {
    if (options.job) lock = await takeJobLock(lab, options.job, options.signal);
    return await fn(lab);
  } catch (e) {
    throw asLabAccessError(lab.path, e);
  } finally {
    lock?.release();
    lab.close();
  }
}

async function takeJobLock(lab: Lab, job: JobDescription, signal: AbortSignal | undefined): Promise<JobLock> {
  const lock = await lockLab(lab, job, {
    signal,
    onWait: (holder) => process.stderr.write(`nearlab: ${waitingMessage(holder)}\n`),
  });
  if (!lock) throw new CliError(`stopped while waiting: nothing was written to ${lab.path}`, 130);
  return lock;
}

/** Calls one API method the way every transport does (validated by the contract's schema); refusals are CliErrors. */
export type ApiCaller = <M extends MethodName>(method: M, params: Params<M>) => Promise<Results[M]>;

export function apiCaller(api: ApiHandlers): ApiCaller {
  return async (method, params) => {
    try {
      return await invoke(api, method, params);
    } catch (e) {
      if (e instanceof ApiError && e.kind !== 'failed') throw new CliError(e.message);
      throw e;
    }
  };
}

/** `withLab`, with the lab's service: the same front door the UI uses. */
export async function withService<T>(
  labPath: string | undefined,
  fn: (call: ApiCaller, service: NearlabService) => T | Promise<T>,
  options: ServiceOptions & LabOptions = {},
): Promise<T> {
  const { NearlabService } = await import('../service/service.ts');
  return withLab(
    labPath,
    async (lab) => {
      const service = new NearlabService(lab, options);
      try {
        return await fn(apiCaller(service.api), service);
      } finally {
        await service.watches.close();
        await service.closeTheoryWorkers();
      }
    },
    options,
  );
}
