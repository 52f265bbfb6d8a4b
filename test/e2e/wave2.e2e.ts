import { fileURLToPath } from 'node:url';
import { ensureModel, ensureSample, expect, openView, snap, test, watchConsole } from './fixtures.ts';
import { waitForJobs } from './server.ts';

/** The tiny CLIP-shaped ONNX export the tests use (random weights, made by scripts/make-tiny-clip.py). */
const TINY_CLIP = fileURLToPath(new URL('../fixtures/tiny-clip', import.meta.url));

test('an item edited by hand: its caption, label and split change, the history shows it, Undo brings it back', async ({
  page,
  sharedLab,
}, testInfo) => {
  await ensureSample(sharedLab);
  const problems = watchConsole(page);
  const { items } = await sharedLab.api('listItems', { limit: 1 });
  const item = items[0];
  await openView(page, sharedLab, 'library');
  await page.locator(`[data-item-id="${item.id}"]`).click();
  const detail = page.getByRole('complementary', { name: 'Item details' });
  await detail.getByRole('button', { name: 'Edit' }).click();
  const form = detail.getByRole('form', { name: 'Edit item' });
  await form.getByRole('textbox', { name: 'Caption 1' }).fill('a caption typed by hand');
  await form.getByLabel('Split').selectOption('test');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(detail.getByRole('list', { name: 'Captions' })).toContainText('a caption typed by hand');
  await expect(detail.getByRole('region', { name: 'History' })).toContainText('a caption typed by hand');
  const edited = await sharedLab.api('item', { id: item.id });
  expect(edited).toMatchObject({ captions: ['a caption typed by hand'], split: 'test' });
  await snap(page, testInfo, 'item-edited');

  await detail.getByRole('button', { name: 'Undo last change' }).click();
  await expect(detail.getByRole('list', { name: 'Captions' })).toContainText(item.captions[0]);
  expect(await sharedLab.api('item', { id: item.id })).toMatchObject({ captions: item.captions, split: item.split });
  await waitForJobs(sharedLab, 120_000);
  expect(problems).toEqual([]);
});

test('text search marks the caption words that matched, and the keyword switch turns them off', async ({
  page,
  sharedLab,
}) => {
  await ensureModel(sharedLab);
  const problems = watchConsole(page);
  await openView(page, sharedLab, 'search');
  await page.getByRole('searchbox', { name: 'Search text' }).fill('grinning face');
  const results = page.getByRole('list', { name: 'Image results' });
  await expect(results.locator('mark').first()).toHaveText(/grinning|face/i);
  await page.getByLabel('Keyword matches').uncheck();
  await expect(page.getByRole('status').filter({ hasText: 'nearest images' })).not.toContainText('keyword');
  await expect(results.locator('mark')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('your own CLIP from a folder: added in the Train view, it embeds the lab, then text search and zero-shot use it', async ({
  page,
  freshLab,
}, testInfo) => {
  test.setTimeout(240_000);
  await ensureSample(freshLab);
  const problems = watchConsole(page);
  await openView(page, freshLab, 'train');
  await page.getByRole('button', { name: 'Add your own CLIP…' }).click();
  const form = page.getByRole('form', { name: 'Add your own CLIP' });
  // A folder without the files is refused with a reason, and nothing is added.
  await form.getByLabel('CLIP folder').fill(fileURLToPath(new URL('../fixtures', import.meta.url)));
  await form.getByRole('button', { name: 'Add the model' }).click();
  await expect(form.getByRole('alert')).toContainText(/onnx|tokenizer/i);
  expect((await freshLab.api('models', {})).models.filter((m) => m.kind === 'onnx-clip')).toEqual([]);

  await form.getByLabel('CLIP folder').fill(TINY_CLIP);
  await form.getByLabel('Name (optional)').fill('tiny clip');
  await form.getByRole('button', { name: 'Add the model' }).click();
  // The folder is checked, the model added, then an embed job runs; the run table lists it.
  await expect(page.getByRole('table', { name: 'Training runs' })).toContainText('tiny clip', { timeout: 60_000 });
  await waitForJobs(freshLab, 180_000);
  const clip = (await freshLab.api('models', {})).models.find((m) => m.kind === 'onnx-clip');
  expect(clip).toMatchObject({ status: 'done', embedded: true });
  await snap(page, testInfo, 'clip-added');

  await openView(page, freshLab, 'search');
  await page.getByLabel('Model').selectOption({ value: String(clip!.id) });
  await page.getByRole('searchbox', { name: 'Search text' }).fill('a red flag');
  await expect(page.getByRole('list', { name: 'Image results' }).locator('[data-item-id]').first()).toBeVisible();

  const { items } = await freshLab.api('listItems', { label: 'Flags', limit: 1 });
  await openView(page, freshLab, 'classify');
  await page.getByRole('button', { name: 'Pick from lab' }).click();
  await page.getByRole('searchbox', { name: 'Find an item by caption or file name' }).fill(items[0].captions[0]);
  await page
    .getByRole('button', { name: `Pick ${items[0].captions[0]}`, exact: true })
    .first()
    .click();
  await page.getByLabel('Model').selectOption({ value: String(clip!.id) });
  await expect(page.getByTestId('zero-shot-label')).toBeVisible();
  await snap(page, testInfo, 'clip-zero-shot');
  expect(problems).toEqual([]);
});
