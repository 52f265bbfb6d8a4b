import { defineConfig } from '@playwright/test';

/**
 * The desktop app end to end, through Playwright's Electron support:
 *   npm run build && npx playwright test -c electron/playwright.config.ts
 * (on Linux without a display: xvfb-run -a npx playwright test -c electron/playwright.config.ts).
 * Separate from the browser-mode suite (playwright.config.ts, test/e2e/); where no Electron binary
 * is installed the tests are skipped with the reason.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.e2e.ts',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../test-results/electron',
  use: { screenshot: 'only-on-failure', trace: 'retain-on-failure' },
});
