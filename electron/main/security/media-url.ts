import { MEDIA_SCHEME, type MediaKind } from '../../../core/api/contract.ts';

export interface MediaRequest {
  kind: MediaKind;
  itemId: number;
}

const ID = /^\/([1-9][0-9]{0,15})$/;

/**
 * Reads `nearlab-media://thumb/<itemId>` or `nearlab-media://file/<itemId>`. Only an item id
 * reaches core, which maps it to a thumbnail or a file confined to the item's import root: a path,
 * a traversal (`..`, encoded or not), another host or a non-numeric id is refused (null). A query
 * or fragment (cache-busting) is ignored.
 */
export function resolveMediaRequest(url: string): MediaRequest | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${MEDIA_SCHEME}:` || u.username || u.password || u.port) return null;
  // Chromium lower-cases the host of a standard scheme; Node keeps it as written.
  const kind = u.hostname.toLowerCase();
  if (kind !== 'thumb' && kind !== 'file') return null;
  const m = ID.exec(u.pathname);
  if (!m) return null;
  const itemId = Number(m[1]);
  return Number.isSafeInteger(itemId) ? { kind, itemId } : null;
}
