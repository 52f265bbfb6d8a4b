import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'nearlab_token';
export const TOKEN_HEADER = 'x-nearlab-token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return v.join('=');
  }
  return null;
}

export type Refusal = { status: 403 | 401; reason: string };

/**
 * The rules every request must pass. The server listens on 127.0.0.1 only, yet a web page the user
 * visits could still reach it: the Host check stops DNS rebinding, the Origin check stops other
 * sites' pages, and the token (in the URL printed at start, then a SameSite=Strict cookie or a
 * header) stops other local users and programs.
 */
export function checkRequest(
  req: IncomingMessage,
  port: number,
  token: string,
  urlToken: string | null,
): Refusal | null {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowedHosts.includes(req.headers.host ?? '')) return { status: 403, reason: 'foreign Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
    return { status: 403, reason: 'foreign Origin' };
  }
  const given = urlToken ?? (req.headers[TOKEN_HEADER] as string | undefined) ?? cookieToken(req);
  if (!given || !same(given, token)) return { status: 401, reason: 'missing or wrong token' };
  return null;
}
