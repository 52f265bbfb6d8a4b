/**
 * The built desktop app against a temporary lab: the window loads from nearlab-app://, the typed
 * API answers through the preload, the sample imports with live events, thumbnails come through
 * nearlab-media://, and the page has no Node, cannot navigate away or open windows.
 * Run: npm run build && npx playwright test -c electron/playwright.config.ts
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiEvent, NearlabBridge } from '../core/api/contract.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Electron binary, or why there is none (here: the npm package is installed without its download). */
function electronBinary(): { path: string } | { reason: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as string;
    return existsSync(path) ? { path } : { reason: `the Electron binary is missing (${path})` };
  } catch (e) {
    return { reason: `the Electron binary is not installed (${(e as Error).message.split(/[\n,]/)[0]})` };
  }
}

const binary = electronBinary();
const skipReason =
  'reason' in binary
    ? binary.reason
    : process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
      ? 'no display: run it under xvfb-run'
      : !existsSync(join(ROOT, 'out/main/index.js'))
        ? 'the app is not built: run npm run build first'
        : null;

if (skipReason) console.log(`Electron end-to-end tests skipped: ${skipReason}.`);

type NearlabWindow = Window & { nearlab: NearlabBridge };

test.describe('Nearlab desktop app', () => {
  test.skip(skipReason !== null, skipReason ?? '');

  let app: ElectronApplication;
  let page: Page;
  const lab = join(mkdtempSync(join(tmpdir(), 'nearlab-e2e-')), 'e2e.nearlab');

  test.beforeAll(async () => {
    const executablePath = (binary as { path: string }).path;
    app = await electron.launch({
      executablePath,
      // Chromium's sandbox cannot start as root (CI containers); the app still runs its renderers sandboxed elsewhere.
      args: [ROOT, `--lab=${lab}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, ELECTRON_RENDERER_URL: '' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
  });

  test('loads the renderer from the app scheme with the bridge and no Node', async () => {
    expect(page.url()).toMatch(/^nearlab-app:\/\/app\//);
    await expect(page.locator('#app')).not.toBeEmpty();
    expect(await page.evaluate(() => Object.keys((window as unknown as NearlabWindow).nearlab).sort())).toEqual([
      'call',
      'pathForFile',
      'pickFolder',
      'subscribe',
    ]);
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    await page.screenshot({ path: test.info().outputPath('window.png') });
  });

  test('answers API calls for the lab it was started on', async () => {
    const info = await page.evaluate(() => (window as unknown as NearlabWindow).nearlab.call('info', {}));
    expect(info).toMatchObject({ ok: true, result: { lab, items: 0 } });
    const bad = await page.evaluate(() =>
      (window as unknown as NearlabWindow).nearlab.call('listItems', { limit: -1 }),
    );
    expect(bad).toMatchObject({ ok: false, error: { kind: 'bad-request' } });
  });

  test('imports the sample with live job events and serves its thumbnails', async () => {
    const done = await page.evaluate(async () => {
      const bridge = (window as unknown as NearlabWindow).nearlab;
      const sample = (await bridge.call('sampleFolder', {})) as { ok: true; result: { path: string } };
      const events: ApiEvent[] = [];
      const finished = new Promise<void>((resolve) => {
        bridge.subscribe((e) => {
          events.push(e);
          if (e.type === 'job' && e.job.status !== 'running') resolve();
        });
      });
      await bridge.call('startImport', { folder: sample.result.path });
      await finished;
      return events.filter((e) => e.type === 'job').map((e) => (e.type === 'job' ? e.job.status : ''));
    });
    expect(done.at(-1)).toBe('done');

    const items = (await page.evaluate(() =>
      (window as unknown as NearlabWindow).nearlab.call('listItems', { limit: 1 }),
    )) as {
      result: { items: { id: number }[] };
    };
    const id = items.result.items[0].id;
    const load = (src: string) =>
      page.evaluate(
        (s) =>
          new Promise<number>((resolve) => {
            const img = new Image();
            img.onload = () => resolve(img.naturalWidth);
            img.onerror = () => resolve(-1);
            img.src = s;
          }),
        src,
      );
    expect(await load(`nearlab-media://thumb/${id}`)).toBeGreaterThan(0);
    expect(await load(`nearlab-media://file/${id}`)).toBeGreaterThan(0);
    expect(await load('nearlab-media://file/..%2F..%2F..%2Fetc%2Fpasswd')).toBe(-1);
  });

  test('cannot navigate away, open windows or load remote content', async () => {
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
    const remote = await page.evaluate(() =>
      fetch('https://example.com/').then(
        () => 'loaded',
        () => 'blocked',
      ),
    );
    expect(remote).toBe('blocked');
  });
});
