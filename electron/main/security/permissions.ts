import { isAppUrl } from './origin.ts';

/** Permissions the app's own page may have; everything else (camera, geolocation, notifications…) is denied. */
const GRANTED = new Set(['clipboard-sanitized-write']);

/**
 * The decision for a permission request or check: only writing to the clipboard (copying a
 * caption or a path), and only for the app's own page. Other origins never get anything.
 */
export function isAllowedPermission(
  permission: string,
  requestingUrl: string | null | undefined,
  appOrigin: string,
): boolean {
  return GRANTED.has(permission) && isAppUrl(requestingUrl, appOrigin);
}
