/** Helpers for the Theory lab's end-to-end flows (theory.e2e.ts). */
import { expect, type Locator, type Page } from '@playwright/test';

/** The fingerprint of the decision-region raster a plane canvas shows ('' while none). */
export async function rasterOf(plane: Locator): Promise<string> {
  return (await plane.getAttribute('data-raster')) ?? '';
}

/** Waits until the plane shows a raster other than `previous`, and returns it. */
export async function nextRaster(plane: Locator, previous = ''): Promise<string> {
  await expect(plane).toHaveAttribute('data-raster', /^[0-9a-f]{8}$/);
  await expect.poll(() => rasterOf(plane)).not.toBe(previous);
  return rasterOf(plane);
}

/** Text of an element with whitespace collapsed. */
export async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Types K into the number box beside the K slider of the visible tab. */
export async function typeK(panel: Locator, k: number): Promise<void> {
  const box = panel.getByLabel('K (neighbours) value');
  await box.fill(String(k));
  await box.press('Enter');
}

/** Clicks the canvas at a fraction of its size (0…1 on each axis). */
export async function clickAt(plane: Locator, fx: number, fy: number, modifiers: 'Shift'[] = []): Promise<void> {
  const box = await plane.boundingBox();
  if (!box) throw new Error('the plane is not visible');
  await plane.click({ position: { x: fx * box.width, y: fy * box.height }, modifiers });
}

export async function hoverAt(page: Page, plane: Locator, fx: number, fy: number): Promise<void> {
  const box = await plane.boundingBox();
  if (!box) throw new Error('the plane is not visible');
  await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
}
