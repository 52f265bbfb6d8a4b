import { isAppUrl } from './origin.ts';

/**
 * Whether an IPC message may be answered: it must come from the app's own page (its top frame),
 * never from another origin, a data:/file: page or a sub-frame.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appOrigin: string, isTopFrame = true): boolean {
  return isTopFrame && isAppUrl(frameUrl, appOrigin);
}
