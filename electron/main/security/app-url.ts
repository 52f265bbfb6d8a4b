import { extname, isAbsolute, join, relative, sep } from 'node:path';
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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Content type by extension; unknown files are served as bytes (and nosniff stops guessing). */
export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}
