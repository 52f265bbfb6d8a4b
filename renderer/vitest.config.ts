import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { alias } from './vite.config.ts';

/** Svelte component specs (`*.spec.ts` beside each component) in jsdom. */
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  // Svelte 5 must resolve to its browser build under test, not the server one.
  resolve: { conditions: ['browser'], alias },
  test: {
    name: 'renderer',
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['renderer/**/*.spec.ts'],
    environment: 'jsdom',
    // Specs wait on debounces and re-renders; on 2 busy cores 5 s (the default) is not enough.
    testTimeout: 30_000,
    // One jsdom per worker rather than per file: setting up jsdom costs more than most specs
    // (each spec cleans the DOM after itself; module state is reset by the specs that use it).
    isolate: false,
    setupFiles: [fileURLToPath(new URL('./src/testing/setup.ts', import.meta.url))],
  },
});
