import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Params } from '../../core/api/contract.ts';
import { startLabServer, waitForJobs, type LabServer } from './server.ts';

export { expect };

/** The small model the flows share (the Train flow trains its own through the UI). */
export const TINY_MODEL: Params<'startTraining'> = {
  loss: 'npair',
  backbone: 'scratch',
  epochs: 1,
  dim: 16,
  imageSize: 32,
  batch: 32,
  seed: 1,
};

interface Fixtures {
  /** A server on a new, empty lab for this test alone. */
  freshLab: LabServer;
}
interface WorkerFixtures {
  /** A server on one lab the flows of this worker share; the sample is imported on first use. */
  sharedLab: LabServer;
}

function tempLab(name: string): { dir: string; lab: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nearlab-e2e-'));
  return { dir, lab: join(dir, name) };
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  sharedLab: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { dir, lab } = tempLab('shared.lab');
      const server = await startLabServer(lab);
      await use(server);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  // eslint-disable-next-line no-empty-pattern
  freshLab: async ({}, use) => {
    const { dir, lab } = tempLab('fresh.lab');
    const server = await startLabServer(lab);
    await use(server);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  },
});

/** Imports the sample into the lab unless it holds items already. */
export async function ensureSample(server: LabServer): Promise<void> {
  await waitForJobs(server, 120_000);
  if ((await server.api('info', {})).items > 0) return;
  const sample = await server.api('sampleFolder', {});
  await server.api('startImport', { folder: sample.path });
  await waitForJobs(server, 120_000);
}

/**
 * A model trained here to search, classify and map with: the newest done one, or a tiny one trained now.
 * Skips the test, saying why, while core's model methods are not wired.
 */
export async function ensureModel(server: LabServer): Promise<number> {
  await ensureSample(server);
  let models;
  try {
    models = (await server.api('models', {})).models;
  } catch (e) {
    test.skip(/not wired yet/.test((e as Error).message), 'core does not serve models yet (service.ts: not wired yet)');
    throw e;
  }
  // A model trained here: the backbone-features model the import made has no text tower.
  const done = models.find((m) => m.status === 'done' && m.embedded && m.kind === 'trained');
  if (done) return done.id;
  await server.api('startTraining', TINY_MODEL);
  await waitForJobs(server, 170_000);
  const trained = (await server.api('models', {})).models.find((m) => m.status === 'done' && m.kind === 'trained');
  if (!trained) throw new Error('training finished without a done model');
  return trained.id;
}

/**
 * A caption whose own image the model ranks among the first `top` results. The UI must show what
 * core ranks; how well a tiny model ranks is core's business, so the flow asks core for a caption
 * that works and fails only when none of the first items' captions does.
 */
export async function findableCaption(server: LabServer, top: number): Promise<{ itemId: number; caption: string }> {
  const { items } = await server.api('listItems', { limit: 60 });
  for (const item of items) {
    const caption = item.captions[0];
    if (!caption) continue;
    const { results } = await server.api('search', { query: { text: caption }, k: top });
    if (results.some((r) => r.itemId === item.id)) return { itemId: item.id, caption };
  }
  throw new Error(`the model ranks none of the first ${items.length} captions' images in its top ${top}`);
}

/** Opens a view of the lab's UI (hash route) and waits for the shell. */
export async function openView(page: Page, server: LabServer, route: string): Promise<void> {
  const url = new URL(server.url);
  url.hash = `#/${route}`;
  await page.goto(url.href);
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
}

/**
 * A screenshot of the window kept as a test artifact (in the test's output folder and the report).
 * The views scroll inside the window, so scroll what matters into view first.
 */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Fails the test on any error the page logs or throws (a CSP violation, an uncaught exception). */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  return problems;
}
