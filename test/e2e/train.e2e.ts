import { ensureSample, expect, openView, snap, test, watchConsole } from './fixtures.ts';

test('trains a tiny model: live progress, the loss and recall plots, and the run in the table', async ({
  page,
  sharedLab,
}, testInfo) => {
  test.setTimeout(240_000);
  await ensureSample(sharedLab);
  const problems = watchConsole(page);
  await openView(page, sharedLab, 'train');
  const before = await sharedLab.api('models', {}).then(
    (r) => r.models.length,
    () => 0,
  );

  await page.getByLabel('Loss', { exact: true }).selectOption('npair');
  await page.getByLabel('Image tower', { exact: true }).selectOption('scratch');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Batch size', { exact: true }).fill('32');
  await page.getByLabel('Embedding dim', { exact: true }).fill('16');
  await page.getByLabel('Image size', { exact: true }).fill('32');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Live: the job's progress (steps, samples/s, ETA) shows while it runs.
  const progress = page.getByTestId('progress-text').first();
  await expect(progress).toContainText(/steps/, { timeout: 60_000 });
  await expect(progress).toContainText(/samples\/s/);
  await expect(progress).toContainText(/ETA/);
  await snap(page, testInfo, 'train-running');

  const runs = page.getByRole('table', { name: 'Training runs' });
  await expect(runs.getByRole('row')).toHaveCount(before + 2, { timeout: 180_000 });
  await expect(runs.getByRole('row').nth(1)).toContainText('done', { timeout: 180_000 });
  await expect(runs.getByRole('row').nth(1)).toContainText('npair');

  const loss = page.getByRole('figure', { name: 'Training loss' });
  await expect(loss.locator('canvas')).toBeVisible();
  await expect(loss.getByText(/^Data \([1-9]\d* points\)$/)).toBeVisible();
  const recall = page.getByRole('figure', { name: 'Validation Recall@K' });
  await expect(recall.getByText('Data (1 point)')).toBeVisible();
  await snap(page, testInfo, 'train-done');
  expect(problems).toEqual([]);
});
