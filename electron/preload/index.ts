/**
 * The preload (sandboxed, so bundled into one CommonJS file, out/preload/index.cjs, requiring only
 * 'electron'): exposes the typed API as `window.nearlab` through contextBridge. The IPC contract
 * behind it is documented in electron/README.md.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(
  'nearlab',
  createBridge(ipcRenderer, (file) => webUtils.getPathForFile(file)),
);
