import { z } from 'zod';
import {
  isMethod,
  params,
  type ApiErrorBody,
  type ApiHandlers,
  type MethodName,
  type Params,
  type Results,
} from './contract.ts';

/** A call that was refused or failed; `kind` lets the UI tell bad input from a failure. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: 'bad-request' | 'not-found' | 'conflict' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export type RpcResponse = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/** Validates a call that crossed a process boundary and runs it. Never throws. */
export async function dispatch(api: ApiHandlers, method: unknown, rawParams: unknown): Promise<RpcResponse> {
  if (typeof method !== 'string' || !isMethod(method)) {
    return { ok: false, error: { kind: 'bad-request', message: `unknown method ${JSON.stringify(method)}` } };
  }
  const parsed = params[method].safeParse(rawParams ?? {});
  if (!parsed.success) {
    return { ok: false, error: { kind: 'bad-request', message: `${method}: ${z.prettifyError(parsed.error)}` } };
  }
  try {
    const fn = api[method] as (p: unknown) => Promise<Results[MethodName]>;
    return { ok: true, result: await fn.call(api, parsed.data) };
  } catch (e) {
    const kind = e instanceof ApiError ? e.kind : ((e as Error).name ?? 'failed');
    return { ok: false, error: { kind, message: (e as Error).message ?? String(e) } };
  }
}

/**
 * An in-process call with the same validation as `dispatch`, for callers in core (the CLI): parameters are parsed
 * with the method's schema, and a refusal or failure is thrown as an ApiError.
 */
export async function invoke<M extends MethodName>(api: ApiHandlers, method: M, raw: Params<M>): Promise<Results[M]> {
  const parsed = params[method].safeParse(raw);
  if (!parsed.success) throw new ApiError('bad-request', `${method}: ${z.prettifyError(parsed.error)}`);
  const fn = api[method] as (p: unknown) => Promise<Results[M]>;
  return fn.call(api, parsed.data);
}
