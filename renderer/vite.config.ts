import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * `$api/…` is core/api, the only part of core the renderer may import (contract types, the client, the
 * Theory limits). Vitest (renderer/vitest.config.ts) uses the same table; tsconfig.json's `paths` mirror it.
 */
export const alias = { $api: fileURLToPath(new URL('../core/api', import.meta.url)) };

/**
 * The renderer bundle, loaded by Electron (file or custom protocol) and by `nearlab serve` from the
 * server root: a relative base works for both. No inline scripts, no eval (the server's CSP forbids them).
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  resolve: { alias },
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Keep assets as files: the CSP allows img-src data: but nothing else needs inlining.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
});
