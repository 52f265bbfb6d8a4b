import { createClient, type NearlabClient } from '$api/client.ts';
import type { NearlabBridge } from '$api/contract.ts';
import { electronTransport } from './transport-electron.ts';
import { HttpTransport } from './transport-http.ts';

export interface Connection {
  client: NearlabClient;
  /** Browser mode only: the event socket, for the status bar. */
  http: HttpTransport | null;
}

/** Electron when the preload exposed `window.nearlab`, otherwise browser mode against the page's origin. */
export function connect(win: Window & { nearlab?: NearlabBridge } = window): Connection {
  if (win.nearlab) return { client: createClient(electronTransport(win.nearlab)), http: null };
  const token = new URL(win.location.href).searchParams.get('token');
  const http = new HttpTransport({ origin: win.location.origin, token });
  return { client: createClient(http), http };
}
