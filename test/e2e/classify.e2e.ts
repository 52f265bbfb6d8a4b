import { ensureModel, expect, openView, snap, test, watchConsole } from './fixtures.ts';

test('classifies a picked image zero-shot and by KNN; accuracy vs K and the confusion matrix', async ({
  page,
  sharedLab,
}, testInfo) => {
  test.setTimeout(240_000);
  await ensureModel(sharedLab);
  const problems = watchConsole(page);
  const info = await sharedLab.api('info', {});
  const labels = Object.keys(info.labels);
  const { items } = await sharedLab.api('listItems', { label: 'Flags', limit: 1 });
  const item = items[0];

  await openView(page, sharedLab, 'classify');
  await page.getByRole('button', { name: 'Pick from lab' }).click();
  await page.getByRole('searchbox', { name: 'Find an item by caption or file name' }).fill(item.captions[0]);
  await page
    .getByRole('button', { name: `Pick ${item.captions[0]}`, exact: true })
    .first()
    .click();
  await expect(page.getByTestId('chosen-image')).toHaveText(item.captions[0]);

  // Zero-shot over the lab's labels (filled in), then over labels typed by hand.
  const zeroShot = page.getByTestId('zero-shot-label');
  await expect(zeroShot).toBeVisible();
  expect(labels).toContain(await zeroShot.textContent());
  await expect(page.getByRole('list', { name: 'p(label | image)' }).getByRole('listitem')).toHaveCount(
    Math.min(12, labels.length),
  );
  await page.getByLabel('Labels (comma-separated)').fill('Flags, Food & Drink, Animals & Nature');
  await expect(page.getByRole('list', { name: 'p(label | image)' }).getByRole('listitem')).toHaveCount(3);

  // KNN: neighbours with their distance and label; a new K and metric re-classify.
  const neighbours = page.getByRole('list', { name: 'Neighbours' });
  await expect(neighbours.getByRole('listitem')).toHaveCount(5);
  expect(labels).toContain(await page.getByTestId('knn-label').textContent());
  await page.getByRole('slider', { name: 'K (neighbours)' }).fill('9');
  await page.getByRole('radio', { name: 'distance' }).check();
  await page.getByLabel('Metric', { exact: true }).selectOption('euclidean');
  await expect(neighbours.getByRole('listitem')).toHaveCount(9);
  await expect(neighbours.getByText(/^d = \d+\.\d{3}$/).first()).toBeVisible();

  await expect(page.getByTestId('best-k')).toHaveText(/^\d+$/, { timeout: 60_000 });
  await expect(page.getByRole('figure', { name: 'Validation accuracy of KNN by K' }).locator('canvas')).toBeVisible();
  // The confusion matrix is a grid of clickable cells.
  const matrix = page.getByRole('grid', { name: /KNN predictions \(K = 9, euclidean\) on the test split/ });
  await expect(matrix).toBeVisible({ timeout: 60_000 });
  await snap(page, testInfo, 'classify');
  await page.getByRole('heading', { name: 'How well does KNN classify?' }).scrollIntoViewIfNeeded();
  await matrix.scrollIntoViewIfNeeded();
  await snap(page, testInfo, 'classify-evaluation');
  expect(problems).toEqual([]);
});
