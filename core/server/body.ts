import type { IncomingMessage } from 'node:http';
import { nestsDeeperThan } from '../util/json-depth.ts';

/** The largest API body: an image query is at most 28,000,000 base64 characters. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** No API parameter nests anywhere near this deep; parsing a body millions of levels deep takes seconds. */
export const MAX_JSON_DEPTH = 64;

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

const tooLarge = (): JsonBody => ({
  ok: false,
  status: 413,
  message: `request body larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`,
});

/** The request's bytes, or null once they pass `maxBytes` (what follows is left unread and dropped). */
function readBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** How much of a refused body is still read and dropped, and for how long, before the connection is cut. */
export const LINGER_BYTES = 64 * 1024 * 1024;
export const LINGER_MS = 10_000;

/**
 * Reads and drops the rest of a refused request body so the client, still sending, reads the answer instead of
 * a reset connection (a socket closed under a writing client loses the answer); a body still coming after
 * LINGER_BYTES more bytes or LINGER_MS is cut off.
 */
export function discardRest(req: IncomingMessage): void {
  let dropped = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) cut();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * An API request's JSON body (an empty body is `{}`), refused with 413 when it is larger than MAX_BODY_BYTES (by
 * its Content-Length before anything is read, or as it arrives) and with 400 when it nests deeper than
 * MAX_JSON_DEPTH (checked before parsing) or is not JSON.
 */
export async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return tooLarge();
  const bytes = await readBytes(req, MAX_BODY_BYTES);
  if (!bytes) return tooLarge();
  const text = bytes.toString('utf8');
  if (!text) return { ok: true, value: {} };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    return { ok: false, status: 400, message: `request body nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, status: 400, message: (e as Error).message };
  }
}
