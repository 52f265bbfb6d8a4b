const WEB_SCHEMES = new Set(['http:', 'https:', 'nearlab-app:']);

/**
 * `scheme://host[:port]` of a URL the app may trust, or null. Node gives custom schemes an opaque
 * origin, so it is built by hand; URLs with credentials or other schemes (file:, data:, about:)
 * never have a trusted origin.
 */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!WEB_SCHEMES.has(u.protocol) || !u.host || u.username || u.password) return null;
  return `${u.protocol}//${u.host}`.toLowerCase();
}

/** True when `url` belongs to the app's own origin (`nearlab-app://app`, or the dev server in development). */
export function isAppUrl(url: string | null | undefined, appOrigin: string): boolean {
  const origin = originOf(url);
  return origin !== null && origin === originOf(appOrigin);
}
