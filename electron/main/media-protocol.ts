import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import type { MediaKind } from '../../core/api/contract.ts';
import type { MediaResult } from '../../core/process/protocol.ts';
import { contentType } from '../../core/util/content-type.ts';
import { resolveMediaRequest } from './security/media-url.ts';

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // Media is data, never a document: nothing in it may run even if it were opened as a page.
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cache-Control': 'no-cache',
};

const notFound = (why: string) =>
  new Response(why, { status: 404, headers: { ...HEADERS, 'Content-Type': 'text/plain' } });

/**
 * The `nearlab-media:` handler. The URL gives a kind and an item id only; core answers with the
 * thumbnail bytes or the original file's path confined to the item's import root, so the renderer
 * can never name a path.
 */
export function createMediaHandler(
  media: (kind: MediaKind, itemId: number) => Promise<MediaResult>,
  appOrigin: string,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: HEADERS });
    }
    const r = resolveMediaRequest(request.url);
    if (!r) return notFound('not a media URL');
    const found = await media(r.kind, r.itemId);
    if (!found || found.kind !== r.kind) return notFound(`no ${r.kind} for item ${r.itemId}`);
    const headers = { ...HEADERS, 'Access-Control-Allow-Origin': appOrigin };
    if (found.kind === 'thumb') {
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(found.data), {
        headers: { ...headers, 'Content-Type': found.mime },
      });
    }
    const st = await fs.stat(found.path).catch(() => null);
    if (!st?.isFile()) return notFound(`the file of item ${r.itemId} is gone`);
    const body =
      request.method === 'HEAD' ? null : (Readable.toWeb(createReadStream(found.path)) as ReadableStream<Uint8Array>);
    return new Response(body, {
      headers: { ...headers, 'Content-Type': contentType(found.path), 'Content-Length': String(st.size) },
    });
  };
}
