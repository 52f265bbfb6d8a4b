import { isAbsolute, join, relative, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from '../../shared/channels.ts';

/**
 * The file under `rendererDir` that `nearlab-app://app/<path>` names, or null. `/` is index.html;
 * anything that would leave the folder (traversal, encoded separators, NUL) is refused.
 */
export function resolveAppAsset(url: string, rendererDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.hostname !== APP_HOST || u.port || u.username || u.password) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  rel = rel.replace(/^\/+/, '') || 'index.html';
  if (rel.split('/').some((part) => part === '..')) return null;
  const file = join(rendererDir, rel);
  const r = relative(rendererDir, file);
  if (!r || r.startsWith(`..${sep}`) || r === '..' || isAbsolute(r)) return null;
  return file;
}
