import { ensureModel, expect, findableCaption, openView, snap, test, watchConsole } from './fixtures.ts';

test('text → image as you type, then image → image and image → text from a result', async ({
  page,
  sharedLab,
}, testInfo) => {
  test.setTimeout(240_000);
  await ensureModel(sharedLab);
  const problems = watchConsole(page);
  const target = await findableCaption(sharedLab, 12);

  await openView(page, sharedLab, 'search');
  await page.keyboard.press('/');
  const box = page.getByRole('searchbox', { name: 'Search text' });
  await expect(box).toBeFocused();
  await page.keyboard.type(target.caption, { delay: 20 });
  const results = page.getByRole('list', { name: 'Image results' });
  const hit = results.locator(`[data-item-id="${target.itemId}"]`);
  await expect(hit).toBeVisible();
  const rank = await results
    .locator('[data-item-id]')
    .evaluateAll((els, id) => els.findIndex((e) => e.getAttribute('data-item-id') === String(id)), target.itemId);
  expect(rank).toBeGreaterThanOrEqual(0);
  expect(rank).toBeLessThan(12);
  await expect(hit.getByLabel(/^similarity -?\d\.\d{3}$/)).toBeVisible();
  await snap(page, testInfo, 'search-text');

  // A result clicked becomes the query; the image itself is left out of its neighbours.
  await hit.click();
  await expect(page.getByRole('radio', { name: 'Image → image' })).toBeChecked();
  await expect(results.locator('[data-item-id]').first()).toBeVisible();
  await expect(results.locator(`[data-item-id="${target.itemId}"]`)).toHaveCount(0);
  await snap(page, testInfo, 'search-image');

  await page.getByRole('radio', { name: 'Image → text' }).check();
  const captions = page.getByRole('list', { name: 'Caption results' });
  await expect(captions.getByRole('listitem').first()).toBeVisible();
  await snap(page, testInfo, 'search-captions');

  // Esc clears the text box.
  await page.getByRole('radio', { name: 'Text → image' }).check();
  await box.fill('flag');
  await box.press('Escape');
  await expect(box).toHaveValue('');
  expect(problems).toEqual([]);
});

test('query arithmetic and filters narrow the results', async ({ page, sharedLab }) => {
  await ensureModel(sharedLab);
  await openView(page, sharedLab, 'search');
  await page.getByRole('radio', { name: 'Query arithmetic' }).check();
  await page.getByRole('searchbox', { name: 'Query expression' }).fill('2:"flag" - "red"');
  const results = page.getByRole('list', { name: 'Image results' });
  await expect(results.getByRole('listitem').first()).toBeVisible();

  await page.getByLabel('Label', { exact: true }).selectOption('Flags');
  await expect(page.getByRole('status').filter({ hasText: 'nearest images' })).toBeVisible();
  const labels = await results.locator('.label').allTextContents();
  expect(labels.length).toBeGreaterThan(0);
  expect(new Set(labels)).toEqual(new Set(['Flags']));
});
