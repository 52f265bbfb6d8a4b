/**
 * The renderer's side of the API: a NearlabApi built on any transport (Electron preload, HTTP).
 * Imports nothing from Node, so the browser bundle can use it.
 */
import type { ApiErrorBody, ApiEvent, MethodName, NearlabApi, Params, Results } from './contract.ts';

export interface Transport {
  call(
    method: MethodName,
    params: unknown,
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiErrorBody }>;
  subscribe(listener: (e: ApiEvent) => void): () => void;
  mediaUrl(kind: 'thumb' | 'file', itemId: number): string;
}

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export interface NearlabClient {
  api: NearlabApi;
  subscribe: Transport['subscribe'];
  mediaUrl: Transport['mediaUrl'];
}

export function createClient(transport: Transport): NearlabClient {
  const api = new Proxy({} as NearlabApi, {
    get(_target, method: string) {
      return async (p: Params<MethodName>) => {
        const r = await transport.call(method as MethodName, p ?? {});
        if (!r.ok) throw new RemoteError(r.error.kind, r.error.message);
        return r.result as Results[MethodName];
      };
    },
  });
  return { api, subscribe: (l) => transport.subscribe(l), mediaUrl: (k, id) => transport.mediaUrl(k, id) };
}
