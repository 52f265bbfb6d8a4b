/**
 * The Theory lab in browser mode: every tab renders from core's numbers and reacts to its controls.
 * The view is the route `#/theory` (nav link "Theory"); its tabs are `#/theory?tab=<id>`.
 */
import { ensureSample, expect, openView, snap, test, watchConsole } from './fixtures.ts';
import { clickAt, hoverAt, nextRaster, rasterOf, textOf, typeK } from './theory-helpers.ts';

test('the nav link opens the Theory lab and every tab renders', async ({ page, sharedLab }, testInfo) => {
  const problems = watchConsole(page);
  await ensureSample(sharedLab);
  await openView(page, sharedLab, 'library');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Theory' }).click();
  await expect(page.getByRole('heading', { name: 'Theory lab' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Playground', selected: true })).toBeVisible();
  await nextRaster(page.getByTestId('playground-plane'));
  await snap(page, testInfo, 'theory-playground');

  await page.getByRole('tab', { name: 'KDE → KNN' }).click();
  await expect(page).toHaveURL(/#\/theory\?tab=kde$/);
  await expect(page.getByTestId('kde-ball')).toContainText('Ball holding K = 12');
  await snap(page, testInfo, 'theory-kde');

  await page.getByRole('tab', { name: 'Cover–Hart' }).click();
  await expect(page.getByTestId('coverhart-status')).toContainText('closed form', { timeout: 60_000 });
  await snap(page, testInfo, 'theory-cover-hart');

  await page.getByRole('tab', { name: 'Curse of dimensionality' }).click();
  await expect(page.getByTestId('curse-ratio')).toContainText('in d = 1000', { timeout: 60_000 });
  await expect(page.getByTestId('curse-noise')).toContainText('noise coordinates added', { timeout: 60_000 });
  await snap(page, testInfo, 'theory-curse');

  await page.getByRole('tab', { name: 'Your data' }).click();
  await nextRaster(page.getByTestId('space-pixels-plane'));
  await snap(page, testInfo, 'theory-your-data');

  // Back to the playground: it kept its data (no new sample).
  await page.getByRole('tab', { name: 'Playground' }).click();
  await expect(page.getByTestId('playground-plane')).toHaveAttribute('data-points', '200');
  expect(problems).toEqual([]);
});

test('Playground: K, added points and the metric redraw the regions and the errors', async ({ page, sharedLab }) => {
  const problems = watchConsole(page);
  await openView(page, sharedLab, 'theory?tab=playground');
  const panel = page.getByRole('tabpanel', { name: 'Playground' });
  const plane = page.getByTestId('playground-plane');
  let raster = await nextRaster(plane);
  await expect(page.getByTestId('error-status')).toContainText('K = 5: training error');
  const errorAt5 = await textOf(page, 'error-status');

  // The slider (log scale) and the number box both move K.
  await panel.getByRole('slider', { name: 'K (neighbours)' }).fill('600');
  await expect(panel.getByLabel('K (neighbours) value')).toHaveValue('24');
  raster = await nextRaster(plane, raster);
  await expect(page.getByTestId('error-status')).toContainText('K = 24: training error');
  expect(await textOf(page, 'error-status')).not.toBe(errorAt5);

  await typeK(panel, 1);
  raster = await nextRaster(plane, raster);
  await expect(page.getByTestId('error-status')).toContainText('K = 1: training error 0.0 %');
  await expect(page.getByTestId('k-status')).toContainText('perpendicular bisectors');
  await expect.poll(async () => Number(await plane.getAttribute('data-edges'))).toBeGreaterThan(100);

  await typeK(panel, 200);
  raster = await nextRaster(plane, raster);
  await expect(page.getByTestId('k-status')).toContainText('every cell predicts the class prior');

  // p(y = c | x) under the cursor.
  await typeK(panel, 7);
  await nextRaster(plane, raster);
  await hoverAt(page, plane, 0.5, 0.5);
  await expect(page.getByTestId('cursor-posterior')).toContainText('The 7 nearest points vote');

  // Hand-made data: two points split the plane; a third of a new class changes the regions.
  await panel.getByRole('button', { name: 'Clear' }).click();
  await expect(plane).toHaveAttribute('data-points', '0');
  await clickAt(plane, 0.25, 0.5);
  await panel.getByRole('radio', { name: 'class 2' }).click();
  await clickAt(plane, 0.75, 0.5);
  await expect(plane).toHaveAttribute('data-points', '2');
  raster = await nextRaster(plane, '');
  // K stays what its box says (7), and the text says so, rather than a silent clamp to n.
  await expect(page.getByTestId('k-status')).toContainText('K = 7, more than the n = 2 points');
  await typeK(panel, 1);
  raster = await nextRaster(plane, raster);
  await expect(plane).toHaveAttribute('data-edges', '1');
  await panel.getByRole('radio', { name: 'class 3' }).click();
  await clickAt(plane, 0.5, 0.15);
  raster = await nextRaster(plane, raster);
  await expect(plane).toHaveAttribute('data-edges', '3');
  await clickAt(plane, 0.5, 0.15, ['Shift']);
  await expect(plane).toHaveAttribute('data-points', '2');
  raster = await nextRaster(plane, raster);

  // A Mahalanobis metric tilts the bisector.
  await panel.getByLabel('Mahalanobis').check();
  await panel.getByRole('button', { name: 'Tilted' }).click();
  await nextRaster(plane, raster);
  expect(problems).toEqual([]);
});

test('KDE → KNN: Bayes with p(x|c) and p(c) gives the KNN vote as K and x move', async ({ page, sharedLab }) => {
  await openView(page, sharedLab, 'theory?tab=kde');
  const panel = page.getByRole('tabpanel', { name: 'KDE → KNN' });
  await expect(page.getByTestId('kde-ball')).toContainText('K = 12 of n = 150');
  const same = async () => {
    const bayes = await page.getByTestId('bayes').allTextContents();
    expect(bayes).toHaveLength(3);
    expect(bayes).toEqual(await page.getByTestId('vote').allTextContents());
    return bayes;
  };
  await same();
  const ball = await textOf(page, 'kde-ball');

  await typeK(panel, 40);
  await expect(page.getByTestId('kde-ball')).toContainText('K = 40 of n = 150');
  expect(await textOf(page, 'kde-ball')).not.toBe(ball);
  await same();

  const before = await textOf(page, 'kde-ball');
  await clickAt(page.getByTestId('kde-plane'), 0.2, 0.2);
  await expect.poll(() => textOf(page, 'kde-ball')).not.toBe(before);
  await same();

  await panel.getByRole('button', { name: 'Grow the ball to K = 40' }).click();
  await expect(panel.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Grow the ball to K = 40' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('kde-ball')).toContainText('K = 40 of n = 150');
});

test('Cover–Hart: R* in closed form, the bound, and a rerun when the classes move', async ({ page, sharedLab }) => {
  await openView(page, sharedLab, 'theory?tab=cover-hart');
  const status = page.getByTestId('coverhart-status');
  // Two unit Gaussians Δ = 2 apart: R* = Φ(−1), bound 2R*(1 − R*).
  await expect(status).toContainText('R* = 0.1587', { timeout: 60_000 });
  await expect(status).toContainText('= 0.2670');
  const measured = Number(/measured 1-NN error is ([\d.]+)/.exec(await textOf(page, 'coverhart-status'))?.[1]);
  expect(measured).toBeGreaterThan(0.1587 - 0.03);
  expect(measured).toBeLessThan(0.267 + 0.03);

  await page.getByRole('slider', { name: 'Distance between means' }).fill('3');
  await expect(status).toContainText('R* = 0.0668', { timeout: 60_000 });
  await page.getByLabel('Classes M').selectOption('3');
  await expect(status).toContainText('(Monte Carlo)', { timeout: 60_000 });
});

test('Curse of dimensionality: the shell, the edge, the ratio and the noise plot respond', async ({
  page,
  sharedLab,
}) => {
  await openView(page, sharedLab, 'theory?tab=curse');
  await expect(page.getByTestId('curse-shell')).toContainText('99.4 % in d = 100');
  await page.getByRole('slider', { name: 'Shell thickness' }).fill('0.01');
  await expect(page.getByTestId('curse-shell')).toContainText('63.4 % in d = 100');

  await expect(page.getByTestId('curse-edge')).toContainText('63.1 % of each axis in d = 10');
  await page.getByLabel('K (points held)').fill('100');
  await expect(page.getByTestId('curse-edge')).toContainText('79.4 % of each axis in d = 10');

  await expect(page.getByTestId('curse-ratio')).toContainText('in d = 1000', { timeout: 60_000 });
  const ratio = await textOf(page, 'curse-ratio');
  await page.getByLabel('Point distribution').selectOption('gaussian');
  await expect.poll(() => textOf(page, 'curse-ratio'), { timeout: 60_000 }).not.toBe(ratio);

  await expect(page.getByTestId('curse-noise')).toContainText('noise coordinates added', { timeout: 60_000 });
  const noise = await textOf(page, 'curse-noise');
  await page.getByLabel('Informative 2-D problem').selectOption('rings');
  await expect.poll(() => textOf(page, 'curse-noise'), { timeout: 60_000 }).not.toBe(noise);
});

test('Your data: raw pixels (and the learned embedding with a model) with regions that follow K', async ({
  page,
  sharedLab,
}) => {
  await ensureSample(sharedLab);
  let hasModel = false;
  try {
    hasModel = (await sharedLab.api('models', {})).models.some((m) => m.status === 'done' && m.embedded);
  } catch {
    // Core without models: the view shows pixels only.
  }
  await openView(page, sharedLab, 'theory?tab=your-data');
  const panel = page.getByRole('tabpanel', { name: 'Your data' });
  const pixels = page.getByTestId('space-pixels-plane');
  let raster = await nextRaster(pixels);
  if (hasModel) {
    await nextRaster(page.getByTestId('space-embedding-plane'));
  } else {
    await expect(page.getByTestId('yourdata-note')).toContainText('No trained model yet');
    await expect(page.getByTestId('space-embedding-plane')).toHaveCount(0);
  }
  await expect(page.getByTestId('space-pixels-status')).toContainText('3072 numbers per image');
  await expect(page.getByTestId('space-pixels-status')).toContainText('K = 5: test error');

  await typeK(panel, 20);
  raster = await nextRaster(pixels, raster);
  await expect(page.getByTestId('space-pixels-status')).toContainText('K = 20: test error');

  // Hovering a dot shows its image.
  const points = Number(await pixels.getAttribute('data-points'));
  expect(points).toBeGreaterThan(100);
  const box = await pixels.boundingBox();
  let shown = false;
  for (let fy = 0.3; fy <= 0.7 && !shown; fy += 0.02) {
    for (let fx = 0.3; fx <= 0.7 && !shown; fx += 0.02) {
      await page.mouse.move(box!.x + fx * box!.width, box!.y + fy * box!.height);
      shown = (await page.getByTestId('yourdata-hover').count()) > 0;
    }
  }
  expect(shown).toBe(true);
  const thumb = page.getByTestId('yourdata-hover').locator('img');
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(await rasterOf(pixels)).toBe(raster);
});
