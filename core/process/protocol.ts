/**
 * Messages between Electron's main process and core running in a utility process
 * (`utilityProcess.fork` → `process.parentPort`). Both sides validate what they receive with these
 * schemas: a message that does not match is dropped with a log line, never acted upon.
 *
 * main → core: `call` (an API call, validated again by `dispatch`), `media` (thumbnail bytes or the
 *   confined path of an original file, by item id only), `shutdown`.
 * core → main: `ready` (lab open), `response` (answer to a call), `media` (answer to a media request),
 *   `event` (an ApiEvent to forward to the window), `fatal` (the lab could not be opened; no restart).
 */
import { z } from 'zod';
import type { ApiEvent } from '../api/contract.ts';
import type { RpcResponse } from '../api/rpc.ts';

/** Core's exit code when it cannot open the lab (after sending `fatal`): main must not restart it. */
export const FATAL_EXIT_CODE = 2;

const requestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const itemId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const MEDIA_KIND = z.enum(['thumb', 'file']);

export const toCoreMessage = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('call'), id: requestId, method: z.string().min(1).max(100), params: z.unknown() })
    .strict(),
  z.object({ type: z.literal('media'), id: requestId, kind: MEDIA_KIND, itemId }).strict(),
  z.object({ type: z.literal('shutdown') }).strict(),
]);
export type ToCoreMessage = z.infer<typeof toCoreMessage>;

const errorBody = z.object({ kind: z.string().max(200), message: z.string().max(100_000) }).strict();
export const rpcResponse = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: errorBody }).strict(),
]);

const progress = z
  .object({
    phase: z.string(),
    done: z.number(),
    total: z.number(),
    rate: z.number(),
    etaSeconds: z.number().nullable(),
  })
  .strict();
const jobState = z
  .object({
    id: z.string().max(100),
    kind: z.enum(['import', 'train', 'embed', 'features']),
    title: z.string().max(10_000),
    status: z.enum(['running', 'done', 'failed', 'cancelled']),
    progress: progress.nullable(),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .strict();
export const apiEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: jobState }).strict(),
  z.object({ type: z.literal('lab-changed') }).strict(),
]);

/** What a media request answers: thumbnail bytes, the original file's confined path, or nothing. */
export const mediaResult = z.union([
  z
    .object({ kind: z.literal('thumb'), mime: z.string().regex(/^image\/[\w.+-]+$/), data: z.instanceof(Uint8Array) })
    .strict(),
  z.object({ kind: z.literal('file'), path: z.string().min(1) }).strict(),
  z.null(),
]);
export type MediaResult = z.infer<typeof mediaResult>;

export const fromCoreMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), lab: z.string() }).strict(),
  z.object({ type: z.literal('response'), id: requestId, response: rpcResponse }).strict(),
  z.object({ type: z.literal('media'), id: requestId, result: mediaResult }).strict(),
  z.object({ type: z.literal('event'), event: apiEvent }).strict(),
  z.object({ type: z.literal('fatal'), message: z.string() }).strict(),
]);
export type FromCoreMessage = z.infer<typeof fromCoreMessage>;

// The schemas above must describe the contract's own types; these fail to compile when they drift.
type Assert<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type _EventMatchesContract = Assert<Same<z.infer<typeof apiEvent>, ApiEvent>>;
export type _ResponseMatchesRpc = Assert<Same<z.infer<typeof rpcResponse>, RpcResponse>>;

/** A message as received: the parsed value, or why it was refused. */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  raw: unknown,
): { ok: true; message: z.infer<S> } | { ok: false; reason: string } {
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, reason: z.prettifyError(r.error) };
}
