import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the real UI in Debian's Chromium against the real core in browser mode
 * (`nearlab serve`). Never `npx playwright install`: the browser comes from apt (`chromium`).
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  // One worker on two cores: the flows share one imported lab, and training needs the CPU.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]] : [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1360, height: 880 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.NEARLAB_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
