import type { ApiEvent } from '../api/contract.ts';
import { dispatch } from '../api/rpc.ts';
import type { NearlabService } from '../service/service.ts';
import { fromCoreMessage, parseMessage, toCoreMessage, type FromCoreMessage, type MediaResult } from './protocol.ts';

/** The part of Electron's `process.parentPort` that core uses (typed here: core never imports electron). */
export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface CoreHandler {
  /** Handles one message from main; resolves once it is answered. Never throws. */
  handle(raw: unknown): Promise<void>;
  /** Stops forwarding events. */
  dispose(): void;
}

/**
 * Answers main's messages with the service: API calls through `dispatch` (which validates the
 * parameters again), media by item id, and forwards the service's events. `onShutdown` runs when
 * main asks core to stop.
 */
export function createCoreHandler(
  service: NearlabService,
  post: (m: FromCoreMessage) => void,
  onShutdown: () => void,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): CoreHandler {
  const send = (m: FromCoreMessage): void => {
    // Validate outgoing too: a result main would refuse is better reported here, where it happened.
    const checked = parseMessage(fromCoreMessage, m);
    if (checked.ok) post(checked.message);
    else if (m.type === 'response') {
      post({
        type: 'response',
        id: m.id,
        response: {
          ok: false,
          error: { kind: 'failed', message: `core produced an invalid response: ${checked.reason}` },
        },
      });
    } else log(`nearlab core: not sending an invalid ${m.type} message: ${checked.reason}`);
  };
  const off = service.subscribe((event: ApiEvent) => send({ type: 'event', event }));

  async function media(kind: 'thumb' | 'file', itemId: number): Promise<MediaResult> {
    if (kind === 'thumb') {
      const t = service.thumbnail(itemId);
      return t ? { kind: 'thumb', mime: t.mime, data: new Uint8Array(t.data) } : null;
    }
    const path = await service.originalFile(itemId);
    return path ? { kind: 'file', path } : null;
  }

  return {
    async handle(raw) {
      const parsed = parseMessage(toCoreMessage, raw);
      if (!parsed.ok) {
        log(`nearlab core: dropped a malformed message from main: ${parsed.reason}`);
        return;
      }
      const m = parsed.message;
      if (m.type === 'shutdown') return onShutdown();
      if (m.type === 'call') {
        send({ type: 'response', id: m.id, response: await dispatch(service.api, m.method, m.params) });
        return;
      }
      let result: MediaResult = null;
      try {
        result = await media(m.kind, m.itemId);
      } catch (e) {
        log(`nearlab core: media ${m.kind}/${m.itemId} failed: ${(e as Error).message}`);
      }
      send({ type: 'media', id: m.id, result });
    },
    dispose: off,
  };
}
