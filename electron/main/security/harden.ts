import type { Session, WebContents } from 'electron';
import { withSecurityHeaders } from './csp.ts';
import { isAllowedNavigation, isAllowedNetworkRequest } from './navigation.ts';
import { isAllowedPermission } from './permissions.ts';

export type Log = (line: string) => void;

/**
 * Locks down one web contents: navigation and redirects away from the app, new windows and
 * <webview> are refused (and logged, so a refused action is visible during development).
 */
export function hardenWebContents(contents: WebContents, appOrigin: string, log: Log): void {
  contents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(event.url, appOrigin)) {
      event.preventDefault();
      log(`refused navigation to ${event.url}`);
    }
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, appOrigin)) {
      event.preventDefault();
      log(`refused redirect to ${event.url}`);
    }
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`refused to open a window for ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('refused to attach a <webview>');
  });
}

/**
 * Locks down the session: permissions are denied (except clipboard writes by the app's page), no
 * remote request leaves it (only the dev server in development), and every response carries the
 * app's CSP and security headers.
 */
export function hardenSession(session: Session, appOrigin: string, devServerUrl: string | null, log: Log): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const ok = isAllowedPermission(permission, details.requestingUrl, appOrigin);
    if (!ok) log(`denied permission ${permission} to ${details.requestingUrl}`);
    callback(ok);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isAllowedPermission(permission, requestingOrigin, appOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (details, callback) => {
      const ok = isAllowedNetworkRequest(details.url, devServerUrl);
      if (!ok) log(`blocked a remote request to ${details.url}`);
      callback({ cancel: !ok });
    },
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders, devServerUrl) });
  });
}
