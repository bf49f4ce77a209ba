/**
 * Internals views live: a run with "record internals" ticked, then the Attention tab (a chosen layer/head,
 * hover readout) and the Logit lens tab. Screenshots go to test-results/screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { openApp, waitForEngine } from './helpers';

async function runState(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { __decodescope: { store: { getState(): { runState: string } } } }).__decodescope.store.getState().runState);
}

test('a live run with internals recorded shows attention maps and the logit lens', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page, { theme: 'dark' });
  await waitForEngine(page);
  // The method list arrives after the engine says ready; a run before it has no method.
  await expect(page.getByTestId('method-select')).not.toHaveValue('', { timeout: 30_000 });
  await page.getByTestId('prompt').fill('def add(a, b):');
  await page.getByTestId('params-button').click();
  await page.locator('#param-max_new_tokens').fill('10');
  await page.getByTestId('record-internals').check();
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  await expect.poll(() => runState(page), { timeout: 90_000 }).toBe('ended');

  await page.getByRole('tab', { name: 'Attention' }).click();
  await expect(page.getByTestId('att-heatmap')).toBeVisible();
  await page.getByTestId('att-layer').selectOption('3');
  await page.getByTestId('att-head').selectOption('1');
  await expect(page.getByTestId('att-mini-3-1')).toHaveClass(/att-mini-on/);
  const box = (await page.getByTestId('att-heatmap').boundingBox())!;
  // Bottom-left cell: the last query attending to the first token (always allowed).
  await page.mouse.move(box.x + 3, box.y + box.height - 3);
  await expect(page.getByTestId('att-hover')).toContainText(/query \d+ .* → key 0 .*: 0\.\d{4}/);
  await page.screenshot({ path: 'test-results/screenshots/internals-attention.png' });

  await page.getByRole('tab', { name: 'Logit lens' }).click();
  const grid = page.getByTestId('logit-lens-grid');
  await expect(grid).toBeVisible();
  await expect(grid).toContainText('layer 6 (final)');
  await expect(grid.locator('.lens-is-final').first()).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await page.screenshot({ path: 'test-results/screenshots/internals-logit-lens.png' });
});
