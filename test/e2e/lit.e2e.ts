import { ensureSample, expect, findableCaption, openView, snap, test, watchConsole } from './fixtures.ts';

/**
 * The default path of a new lab (issue 11): the import computes the default backbone's features, the Train view's
 * default image tower is a head on them (LiT), and the model it trains searches by text, classifies zero-shot and
 * by k-NN at once.
 */
test('the default training: a head on the frozen backbone features, then text search, zero-shot and k-NN with it', async ({
  page,
  freshLab,
}, testInfo) => {
  test.setTimeout(300_000);
  await ensureSample(freshLab);
  const problems = watchConsole(page);
  const defaults = await freshLab.api('trainingDefaults', {});
  const tower = defaults.settings.backbone;
  expect(tower).not.toBe('scratch');
  const features = defaults.backbones.find((b) => b.name === tower)?.features;
  expect(features?.done).toBe(features?.images);

  await openView(page, freshLab, 'train');
  const towerSelect = page.getByLabel('Image tower', { exact: true });
  await expect(towerSelect.locator('option').first()).toHaveText(`default (${tower})`);
  await expect(towerSelect.getByRole('option', { name: /features ready/ })).toHaveCount(1);
  await page.getByLabel('Epochs', { exact: true }).fill('4');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);

  const runs = page.getByRole('table', { name: 'Training runs' });
  const run = runs.getByRole('row').filter({ hasText: `${tower} + head` });
  await expect(run).toContainText('done', { timeout: 180_000 });
  await snap(page, testInfo, 'lit-trained');
  const model = (await freshLab.api('models', {})).models.find(
    (m) => m.kind === 'trained' && m.backbone === tower && m.status === 'done',
  );
  expect(model?.embedded).toBe(true);

  // Text → image with the new model (the default: the newest with a text tower): an item's own caption finds it.
  const target = await findableCaption(freshLab, 12);
  await openView(page, freshLab, 'search');
  await page.getByRole('searchbox', { name: 'Search text' }).fill(target.caption);
  await expect(
    page.getByRole('list', { name: 'Image results' }).locator(`[data-item-id="${target.itemId}"]`),
  ).toBeVisible();
  await snap(page, testInfo, 'lit-search');

  // Zero-shot over the lab's labels and a k-NN vote, both from the trained model.
  await openView(page, freshLab, 'classify');
  await page.getByRole('button', { name: 'Pick from lab' }).click();
  await page.getByRole('searchbox', { name: 'Find an item by caption or file name' }).fill(target.caption);
  await page
    .getByRole('button', { name: `Pick ${target.caption}`, exact: true })
    .first()
    .click();
  const labels = Object.keys((await freshLab.api('info', {})).labels);
  await expect(page.getByTestId('zero-shot-label')).toBeVisible();
  expect(labels).toContain(await page.getByTestId('zero-shot-label').textContent());
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem')).toHaveCount(5);
  expect(labels).toContain(await page.getByTestId('knn-label').textContent());
  await snap(page, testInfo, 'lit-classify');
  expect(problems).toEqual([]);
});
