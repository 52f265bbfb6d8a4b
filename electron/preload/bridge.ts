import type { ApiEvent, MethodName, NearlabBridge } from '../../core/api/contract.ts';
import { CHANNELS } from '../shared/channels.ts';

/**
 * `window.nearlab` in the desktop app: the contract's NearlabBridge plus two desktop-only helpers
 * the renderer may use when present (the browser mode has neither).
 */
export interface NearlabDesktopBridge extends NearlabBridge {
  /** A native folder dialog; the chosen folder's path, or null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** The path of a file or folder dropped on the window (Electron no longer sets File.path), or null. */
  pathForFile(file: File): string | null;
}

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds the bridge on fixed channels. The renderer never sees ipcRenderer, channel names or the
 * IPC event object: only calls by method name, API events, and the two helpers.
 */
export function createBridge(ipc: IpcRendererLike, getPathForFile: (file: File) => string): NearlabDesktopBridge {
  return {
    call: (method: MethodName, params: unknown) =>
      ipc.invoke(CHANNELS.call, { method, params }) as ReturnType<NearlabBridge['call']>,
    subscribe(listener: (e: ApiEvent) => void) {
      const handler = (_event: unknown, payload: unknown) => listener(payload as ApiEvent);
      ipc.on(CHANNELS.event, handler);
      return () => {
        ipc.removeListener(CHANNELS.event, handler);
      };
    },
    pickFolder: async () => {
      const path = await ipc.invoke(CHANNELS.pickFolder);
      return typeof path === 'string' ? path : null;
    },
    pathForFile: (file: File) => getPathForFile(file) || null,
  };
}
