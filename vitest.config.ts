import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Imports do not go on to compute backbone features (core/model/features/after-import.ts): the tests about
    // features ask for them.
    env: { NEARLAB_FEATURES_AFTER_IMPORT: '0' },
    // Two cores: integration tests spawn CLIs and decode images; more forks only thrash.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['core/**/*.test.ts', 'electron/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      // Svelte component specs (jsdom) beside each component.
      'renderer/vitest.config.ts',
    ],
  },
});
