import type { Results } from '../../api/contract.ts';
import { dispatch } from '../../api/rpc.ts';
import type { NearlabService } from '../service.ts';

/**
 * Calls `method` the way a process boundary does (dispatch validates the parameters with their schema) and returns
 * its result; an error answer is thrown as an Error with its message and `kind`.
 */
export async function callApi<M extends keyof Results>(
  service: NearlabService,
  method: M,
  p: unknown = {},
): Promise<Results[M]> {
  const r = await dispatch(service.api, method, p);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { kind: r.error.kind });
  return r.result as Results[M];
}
