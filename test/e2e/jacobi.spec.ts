/**
 * Jacobi-family views live: run Jacobi and lookahead on the bundled model, play the dependency graph,
 * hover a cell for its dependencies, and read the lookahead window, pool and candidates.
 * Screenshots go to test-results/screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { openApp, waitForEngine } from './helpers';

type Store = { getState(): { runState: string } };

async function runLive(page: Page, method: string, maxNew: string): Promise<void> {
  await page.getByTestId('method-select').selectOption(method);
  await page.getByTestId('prompt').fill('def fibonacci(n):');
  await page.getByTestId('params-button').click();
  await page.locator('#param-max_new_tokens').fill(maxNew);
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().runState), { timeout: 200_000 }).toBe('ended');
}

test('Jacobi: play the dependency graph and hover a cell', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await waitForEngine(page);
  await runLive(page, 'jacobi', '24');
  await expect(page.getByRole('tab', { name: 'Jacobi graph' })).toHaveAttribute('aria-selected', 'true');
  // The first block, at its last iteration.
  await page.keyboard.press('Home');
  await page.keyboard.press('F10');
  const svg = page.getByTestId('jacobi-svg');
  await expect(svg).toBeVisible();
  const shown = page.getByTestId('jacobi-rows-shown');
  const total = Number((await shown.textContent())!.split('/')[1]);
  expect(total).toBeGreaterThanOrEqual(2);
  await page.getByRole('button', { name: 'first iteration' }).click();
  await expect(shown).toHaveText(`1/${total}`);
  await page.getByTestId('jacobi-play-button').click();
  await expect(shown).toHaveText(`${total}/${total}`, { timeout: 10_000 });
  await expect(page.getByTestId('staircase')).toBeVisible();
  await expect(svg.locator('[data-final="true"]').first()).toBeVisible();
  await svg.locator('[data-cell="1:3"]').hover();
  await expect(page.getByTestId('cell-details')).toBeVisible();
  await expect(page.getByTestId('cell-details')).toContainText('iteration');
  await page.screenshot({ path: 'test-results/screenshots/jacobi-graph.png' });
});

test('lookahead: window levels, pool and verified candidates', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page, { theme: 'dark' });
  await waitForEngine(page);
  await runLive(page, 'lookahead', '16');
  await expect(page.getByRole('tab', { name: 'Lookahead' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('lookahead-window')).toBeVisible();
  await expect(page.getByTestId('lookahead-window')).toContainText('new level');
  await expect(page.getByTestId('lookahead-pool')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/lookahead.png' });
  // The Jacobi-style window also feeds the stats tab.
  await page.getByRole('tab', { name: 'Speculation stats' }).click();
  await expect(page.getByTestId('tau-line')).toBeVisible();
});
