import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSample, expect, openView, snap, test, watchConsole } from './fixtures.ts';

const SAMPLE_IMAGES = fileURLToPath(new URL('../../resources/sample/images', import.meta.url));

test('first run: an empty lab offers the sample, which imports with live progress and fills the grid', async ({
  page,
  freshLab,
}, testInfo) => {
  const problems = watchConsole(page);
  await openView(page, freshLab, 'library');
  await expect(page.getByRole('heading', { name: 'This lab is empty' })).toBeVisible();
  await expect(page.getByTestId('lab-path')).toHaveText(freshLab.lab);
  await snap(page, testInfo, 'library-empty');

  await page.getByRole('button', { name: 'Import the sample' }).click();
  const sampleCount = readdirSync(SAMPLE_IMAGES).length;
  await expect(page.getByTestId('count-items')).toHaveText(String(sampleCount), { timeout: 90_000 });
  await expect(page.getByText(/Import done/)).toBeVisible();
  await expect(page.getByTestId('match-count')).toHaveText(`${sampleCount} items`);
  // The grid renders only what is on screen: some cards, far fewer than the items.
  const cards = page.getByRole('region', { name: 'Items' }).getByRole('button');
  await expect(cards.first()).toBeVisible();
  expect(await cards.count()).toBeLessThan(sampleCount);
  const { items } = await freshLab.api('listItems', { limit: 1 });
  await expect(page.locator(`[data-item-id="${items[0].id}"]`)).toContainText(items[0].captions[0]);
  await expect(page.getByRole('heading', { name: 'This lab is empty' })).toHaveCount(0);
  await snap(page, testInfo, 'library-imported');
  expect(problems).toEqual([]);
});

test('filters by label, split and text; `/` focuses the text filter and Esc clears it', async ({
  page,
  sharedLab,
}, testInfo) => {
  await ensureSample(sharedLab);
  const info = await sharedLab.api('info', {});
  await openView(page, sharedLab, 'library');
  await expect(page.getByTestId('match-count')).toHaveText(`${info.items} items`);

  await page.getByLabel('Label', { exact: true }).selectOption('Flags');
  await expect(page.getByTestId('match-count')).toHaveText(`${info.labels.Flags} items`);
  const flags = await sharedLab.api('listItems', { label: 'Flags', limit: 1000 });
  const first = flags.items[0];
  await expect(page.locator(`[data-item-id="${first.id}"]`)).toBeVisible();

  const train = await sharedLab.api('listItems', { label: 'Flags', split: 'train', limit: 1 });
  await page.getByLabel('Split', { exact: true }).selectOption('train');
  await expect(page.getByTestId('match-count')).toHaveText(`${train.total} items`);

  await page.keyboard.press('/');
  const box = page.getByRole('searchbox', { name: 'Filter by text' });
  await expect(box).toBeFocused();
  const word = first.captions[0].split(' ')[0];
  await page.keyboard.type(word);
  const byText = await sharedLab.api('listItems', { label: 'Flags', split: 'train', text: word, limit: 1 });
  await expect(page.getByTestId('match-count')).toHaveText(`${byText.total} ${byText.total === 1 ? 'item' : 'items'}`);
  await snap(page, testInfo, 'library-filtered');

  await page.keyboard.press('Escape');
  await expect(box).toHaveValue('');
  await expect(page.getByTestId('match-count')).toHaveText(`${train.total} items`);

  // An item's details, with the way on to search and classification.
  await page.locator('[data-item-id]').first().click();
  const details = page.getByRole('complementary', { name: 'Item details' });
  await expect(details.getByRole('button', { name: 'Find similar' })).toBeVisible();
  await expect(details.getByRole('img')).toBeVisible();
});

test('the error list shows the problems of a folder with a bad file', async ({ page, freshLab }, testInfo) => {
  const folder = mkdtempSync(join(tmpdir(), 'nearlab-bad-'));
  try {
    mkdirSync(join(folder, 'pics'));
    const good = readdirSync(SAMPLE_IMAGES).slice(0, 3);
    for (const f of good) copyFileSync(join(SAMPLE_IMAGES, f), join(folder, 'pics', f));
    writeFileSync(join(folder, 'pics', 'broken.png'), 'this is not a PNG');
    writeFileSync(
      join(folder, 'captions.tsv'),
      ['file\tcaption', `pics/${good[0]}\tthe first picture`, 'pics/missing.png\ta file that is not there'].join('\n') +
        '\n',
    );

    await openView(page, freshLab, 'library');
    await page.getByLabel('Folder', { exact: true }).fill(folder);
    await page.getByRole('button', { name: 'Start import' }).click();
    await expect(page.getByText(/Import done/)).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('count-items')).toHaveText('3');

    const table = page.getByRole('table', { name: 'Import problems' });
    await expect(table).toBeVisible();
    await expect(table.getByRole('row').filter({ hasText: 'broken.png' })).toContainText('error');
    await expect(table).toContainText('missing.png');
    await snap(page, testInfo, 'library-problems');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
