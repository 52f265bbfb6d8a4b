/**
 * The fixed IPC channel names between the preload and main. Every channel, its payload and who may
 * use it is documented in electron/README.md ("IPC contract"); add a channel there first.
 */
export const CHANNELS = {
  /** invoke: renderer → main. `{ method, params }` → `{ ok, result } | { ok: false, error }`. */
  call: 'nearlab:call',
  /** send: main → renderer. One ApiEvent per message. */
  event: 'nearlab:event',
  /** invoke: renderer → main. No payload → the folder the user chose in a native dialog, or null. */
  pickFolder: 'nearlab:pick-folder',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** The app's own schemes: the renderer is served from `nearlab-app://app/`, media from `nearlab-media://`. */
export const APP_SCHEME = 'nearlab-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
