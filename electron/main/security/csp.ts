import { MEDIA_SCHEME } from '../../../core/api/contract.ts';
import { originOf } from './origin.ts';

/**
 * The Content-Security-Policy sent as a response header with the app's pages: nothing remote, no
 * inline scripts, no eval, no frames or plugins; images also from the media scheme. In development
 * the electron-vite dev server's hot-reload socket is allowed as well.
 */
export function contentSecurityPolicy(devServerUrl: string | null = null): string {
  const connect = ["'self'"];
  const dev = originOf(devServerUrl);
  if (dev) connect.push(dev.replace(/^http/, 'ws'));
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Svelte sets style attributes for transitions and dynamic sizes; no remote styles.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${MEDIA_SCHEME}:`,
    `media-src ${MEDIA_SCHEME}:`,
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Every header the app's own responses carry (CSP included). */
export function securityHeaders(devServerUrl: string | null = null): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(devServerUrl),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}

/**
 * Response headers with the app's security headers set, replacing any the server sent under
 * another spelling (header names are case-insensitive).
 */
export function withSecurityHeaders(
  headers: Record<string, string[] | string> | undefined,
  devServerUrl: string | null = null,
): Record<string, string[]> {
  const extra = securityHeaders(devServerUrl);
  const lower = new Set(Object.keys(extra).map((k) => k.toLowerCase()));
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (!lower.has(k.toLowerCase())) out[k] = Array.isArray(v) ? v : [v];
  }
  for (const [k, v] of Object.entries(extra)) out[k] = [v];
  return out;
}
