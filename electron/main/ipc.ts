import { z } from 'zod';
import { isMethod, params, type MethodName } from '../../core/api/contract.ts';
import type { RpcResponse } from '../../core/api/rpc.ts';
import { isTrustedSender } from './security/sender.ts';

/** What an IPC handler needs of Electron's IpcMainInvokeEvent (its sending frame). */
export interface SenderEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

const callPayload = z.object({ method: z.string().max(100), params: z.unknown().optional() }).strict();

const refuse = (kind: string, message: string): RpcResponse => ({ ok: false, error: { kind, message } });

/** True when the event comes from the app's own page, in its top frame. */
export function fromApp(event: SenderEvent, appOrigin: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && isTrustedSender(frame.url, appOrigin, frame.parent === null);
}

/**
 * The `nearlab:call` handler: refuses other senders, validates the method and its parameters with
 * the contract, and only then forwards the call to core (which validates again).
 */
export function createCallHandler(options: {
  appOrigin: string;
  forward: (method: MethodName, params: unknown) => Promise<RpcResponse>;
  log: (line: string) => void;
}): (event: SenderEvent, payload: unknown) => Promise<RpcResponse> {
  return async (event, payload) => {
    if (!fromApp(event, options.appOrigin)) {
      options.log(`refused an API call from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return refuse('forbidden', 'this page may not call the Nearlab API');
    }
    const p = callPayload.safeParse(payload);
    if (!p.success) return refuse('bad-request', `malformed call: ${z.prettifyError(p.error)}`);
    const { method } = p.data;
    if (!isMethod(method)) return refuse('bad-request', `unknown method ${JSON.stringify(method)}`);
    const parsed = params[method].safeParse(p.data.params ?? {});
    if (!parsed.success) return refuse('bad-request', `${method}: ${z.prettifyError(parsed.error)}`);
    return options.forward(method, parsed.data);
  };
}

/** The `nearlab:pick-folder` handler: a native folder dialog, for the app's page only. */
export function createPickFolderHandler(options: {
  appOrigin: string;
  pick: () => Promise<string | null>;
  log: (line: string) => void;
}): (event: SenderEvent) => Promise<string | null> {
  return async (event) => {
    if (!fromApp(event, options.appOrigin)) {
      options.log(`refused a folder dialog for ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return null;
    }
    return options.pick();
  };
}
