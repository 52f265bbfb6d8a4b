/**
 * `npm run build` (electron-vite): out/main/index.js (main process, ESM) and out/main/utility.js
 * (core, run by utilityProcess.fork; its worker threads as out/main/workers/*.js), the sandboxed
 * preload as one CommonJS file out/preload/index.cjs, and the renderer (out/renderer) with the
 * settings of renderer/vite.config.ts, which `nearlab serve` also uses.
 */
import { defineConfig } from 'electron-vite';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';
import renderer from './renderer/vite.config.ts';
import { workerUrls } from './electron/build/worker-urls.ts';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Native or wasm-backed packages: loaded from node_modules at run time (unpacked from the asar), never bundled. */
export const NATIVE_EXTERNALS = ['better-sqlite3', 'sharp', 'usearch', /^@tensorflow\//];

const rendererConfig = renderer as UserConfig;

export default defineConfig({
  main: {
    plugins: [workerUrls()],
    build: {
      outDir: at('out/main'),
      // Keeps every package.json dependency external (they ship in node_modules); the list makes
      // the native ones explicit even if that default changes.
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: at('electron/main/index.ts'), utility: at('core/process/utility-entry.ts') },
        external: NATIVE_EXTERNALS,
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      // Sandboxed preloads cannot require modules: bundle everything but 'electron'.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: at('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    root: at('renderer'),
    build: {
      ...rendererConfig.build,
      outDir: at('out/renderer'),
      rolldownOptions: { ...rendererConfig.build?.rolldownOptions, input: at('renderer/index.html') },
    },
  },
});
