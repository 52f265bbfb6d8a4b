import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import { expect, openView, snap, test, TINY_MODEL, watchConsole } from './fixtures.ts';
import { waitForJobs, type LabServer } from './server.ts';

const SAMPLE_IMAGES = fileURLToPath(new URL('../../resources/sample/images', import.meta.url));

/**
 * The sample, plus a folder of copies without labels: two exact copies and three resized ones of sample images
 * (what "Label next" offers and what the duplicate review groups), and a tiny model that embeds it all.
 */
async function curationLab(server: LabServer, dir: string): Promise<string[]> {
  const sample = await server.api('sampleFolder', {});
  await server.api('startImport', { folder: sample.path });
  await waitForJobs(server, 120_000);
  const copies = join(dir, 'copies');
  mkdirSync(copies);
  const names = readdirSync(SAMPLE_IMAGES).sort().slice(0, 5);
  copyFileSync(join(SAMPLE_IMAGES, names[0]), join(copies, `copy-${names[0]}`));
  copyFileSync(join(SAMPLE_IMAGES, names[1]), join(copies, `copy-${names[1]}`));
  for (const n of names.slice(2)) {
    await sharp(join(SAMPLE_IMAGES, n))
      .resize(48, 48)
      .jpeg({ quality: 80 })
      .toFile(join(copies, `${n}.jpg`));
  }
  await server.api('startImport', { folder: copies });
  await waitForJobs(server, 120_000);
  await server.api('startTraining', TINY_MODEL);
  await waitForJobs(server, 170_000);
  return names;
}

test('Curate: relabel a suspect as its neighbours vote, hide an exact duplicate, label two images with the keyboard', async ({
  page,
  freshLab,
}, testInfo) => {
  test.setTimeout(360_000);
  const dir = join(testInfo.outputDir, 'photos');
  mkdirSync(dir, { recursive: true });
  const names = await curationLab(freshLab, dir);
  const problems = watchConsole(page);

  // Suspects: the top row's label is outvoted; one click relabels it as the vote, kept in its history.
  await openView(page, freshLab, 'curate');
  const suspects = page.getByRole('list', { name: 'Suspects' });
  const row = suspects.getByTestId('suspect-row').first();
  await expect(row).toBeVisible({ timeout: 60_000 });
  const vote = (await row.getByTestId('suspect-vote').textContent())!.trim();
  const item = Number(await row.getAttribute('data-item'));
  await row.getByRole('button', { name: `Relabel as ${vote}` }).click();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: `→ ${vote}` })
      .first(),
  ).toBeVisible();
  const relabeled = await freshLab.api('item', { id: item });
  expect(relabeled.label).toBe(vote);
  expect(relabeled.history.at(-1)).toMatchObject({ field: 'label', after: vote });
  await snap(page, testInfo, 'suspect-relabeled');

  // Duplicates: the exact copy of the first image is a group; hiding the copy takes it out of the lab.
  await page.getByRole('tab', { name: 'Duplicates' }).click();
  const review = page.getByRole('button', { name: new RegExp(`Review the group of (copy-)?${names[0]}`) });
  await review.click();
  const group = page.getByTestId('duplicate-review');
  const copy = group.getByTestId('duplicate-item').filter({ hasText: `copy-${names[0]}` });
  const copyId = Number(await copy.getAttribute('data-item'));
  await copy.getByLabel('Hide from lab').check();
  await group.getByRole('button', { name: /^Apply: keep 1, hide 1/ }).click();
  await group.getByRole('button', { name: 'Hide 1 image' }).click();
  await expect(page.getByTestId('hidden-file').filter({ hasText: `copy-${names[0]}` })).toBeVisible();
  const listed = await freshLab.api('listItems', { limit: 1000 });
  expect(listed.items.map((i) => i.id)).not.toContain(copyId);
  expect((await freshLab.api('hiddenFiles', {})).files).toMatchObject([{ path: `copy-${names[0]}` }]);
  await snap(page, testInfo, 'duplicate-hidden');

  // Label next: the keyboard labels the shown image with the second class, then Enter takes the suggestion.
  await page.getByRole('tab', { name: 'Label next' }).click();
  const queue = page.getByRole('region', { name: 'Label queue' });
  const first = queue.getByTestId('queue-item');
  await expect(first).toBeVisible({ timeout: 60_000 });
  const firstId = Number(await first.getAttribute('data-item'));
  const second = await queue
    .getByRole('list', { name: 'Classes' })
    .getByRole('button')
    .nth(1)
    .getAttribute('aria-label');
  await queue.focus();
  await page.keyboard.press('2');
  await expect(page.getByTestId('queue-labeled')).toHaveText('1');
  expect((await freshLab.api('item', { id: firstId })).label).toBe(second!.replace(/^Label as /, ''));
  const next = queue.getByTestId('queue-item');
  await expect(next).not.toHaveAttribute('data-item', String(firstId));
  const nextId = Number(await next.getAttribute('data-item'));
  const suggested = (await queue.getByTestId('queue-suggested').textContent())!.trim();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('queue-labeled')).toHaveText('2');
  expect((await freshLab.api('item', { id: nextId })).label).toBe(suggested);
  await snap(page, testInfo, 'queue-labeled');
  await waitForJobs(freshLab, 120_000);
  expect(problems).toEqual([]);
});
