import { ensureModel, expect, openView, snap, test, watchConsole } from './fixtures.ts';

test('opens the map: points by label, modality with captions, neighbours of a chosen point', async ({
  page,
  sharedLab,
}, testInfo) => {
  test.setTimeout(240_000);
  await ensureModel(sharedLab);
  const problems = watchConsole(page);
  const info = await sharedLab.api('info', {});

  await openView(page, sharedLab, 'map');
  const canvas = page.getByLabel(/^Embedding map: \d+ points \(PCA\)/);
  await expect(canvas).toBeVisible({ timeout: 60_000 });
  await expect(canvas).toHaveAttribute('aria-label', new RegExp(`^Embedding map: ${info.items} points`));
  const legend = page.getByRole('list', { name: 'Legend: Labels' });
  await expect(legend.getByRole('listitem')).toHaveCount(Object.keys(info.labels).length);

  // Hovering a point shows its thumbnail; choosing one (keyboard) lists its neighbours.
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tooltip')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('map-selected')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Map neighbours' }).getByRole('listitem').first()).toBeVisible();
  await snap(page, testInfo, 'map-pca');

  // Zoom with the wheel about the pointer, then back to the whole map.
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the map has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -600);
  const reset = page.getByRole('button', { name: 'Reset view' });
  await expect(reset).toBeVisible();
  await snap(page, testInfo, 'map-zoomed');
  await reset.click();
  await expect(reset).toHaveCount(0);

  await page.getByLabel('Projection', { exact: true }).selectOption('umap');
  await page.getByLabel('Points', { exact: true }).selectOption('both');
  await page.getByLabel('Colour by', { exact: true }).selectOption('modality');
  await expect(page.getByLabel(/^Embedding map: \d+ points \(UMAP\)/)).toBeVisible({ timeout: 120_000 });
  const modality = page.getByRole('list', { name: 'Legend: Modality' });
  await expect(modality).toContainText('image');
  await expect(modality).toContainText('caption');
  await snap(page, testInfo, 'map-umap');
  expect(problems).toEqual([]);
});
