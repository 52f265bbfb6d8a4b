import { isAppUrl } from './origin.ts';

/** The window only ever shows the app: any navigation away from its origin is refused. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return isAppUrl(url, appOrigin);
}

/**
 * Network requests the session lets through (filtered for http, https, ws and wss only). The app
 * loads nothing remote: in production every such request is cancelled; in development only the
 * electron-vite dev server (and its hot-reload socket) is reachable.
 */
export function isAllowedNetworkRequest(url: string, devServerOrigin: string | null): boolean {
  if (!devServerOrigin) return false;
  let u: URL;
  let dev: URL;
  try {
    u = new URL(url);
    dev = new URL(devServerOrigin);
  } catch {
    return false;
  }
  const sameScheme =
    u.protocol === dev.protocol ||
    (u.protocol === 'ws:' && dev.protocol === 'http:') ||
    (u.protocol === 'wss:' && dev.protocol === 'https:');
  return sameScheme && u.host === dev.host && !u.username && !u.password;
}
