import type { ApiHandlers, MethodName, Params, Results } from '../api/contract.ts';
import { ApiError, invoke } from '../api/rpc.ts';
import type { NearlabService, ServiceOptions } from '../service/service.ts';
import { openLab } from '../store/default-lab.ts';
import type { Lab } from '../store/lab.ts';
import { CliError } from './options.ts';

export interface LabOptions {
  /** Create the lab when it does not exist (only import and serve do). */
  create?: boolean;
}

/** Opens the command's lab (--lab, else the default one), runs `fn` on it and closes it, whatever happens. */
export async function withLab<T>(
  labPath: string | undefined,
  fn: (lab: Lab) => T | Promise<T>,
  options: LabOptions = {},
): Promise<T> {
  const lab = openLab(labPath, { create: options.create ?? false });
  try {
    return await fn(lab);
  } finally {
    lab.close();
  }
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
        await service.closeTheoryWorkers();
      }
    },
    options,
  );
}
