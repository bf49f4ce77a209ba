/**
 * The Lossless tab against the real engine: a greedy check of chain speculative decoding reads "identical"
 * with its numbers; a sampling check of Medusa with typical acceptance (lossy) reads "different", with the
 * flagged positions marked (in the dark theme). Screenshots go to test-results/screenshots/.
 */
import { expect, test } from '@playwright/test';
import { openApp, waitForEngine } from './helpers';

test('greedy: speculative decoding is identical to plain greedy, with numbers', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await waitForEngine(page);
  await page.getByRole('tab', { name: 'Lossless' }).click();
  const view = page.locator('[data-view="lossless"]');
  await expect(view).toBeVisible();
  await page.getByTestId('lossless-method').selectOption('speculative');
  await page.getByTestId('lossless-mode-greedy').click();
  await page.locator('#ll-tokens').fill('16');
  await page.getByTestId('lossless-run').click();
  await expect(view).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  const verdict = page.getByTestId('lossless-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'identical');
  await expect(verdict).toContainText('identical on 5/5 prompts, 80 tokens');
  const rows = page.getByTestId('lossless-table').locator('tbody tr');
  await expect(rows).toHaveCount(5);
  for (let i = 0; i < 5; i++) {
    await expect(rows.nth(i)).toContainText('16 / 16');
    await expect(rows.nth(i)).toContainText('✓ identical');
  }
  await page.screenshot({ path: 'test-results/screenshots/lossless.png' });
});

test('sampling (dark theme): Medusa typical acceptance is flagged different at a position past the first', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page, { theme: 'dark' });
  await waitForEngine(page);
  await page.getByRole('tab', { name: 'Lossless' }).click();
  const view = page.locator('[data-view="lossless"]');
  await page.getByTestId('lossless-method').selectOption('medusa');
  await page.getByTestId('lossless-mode-sampling').click();
  await page.locator('#ll-samples').fill('40');
  await page.locator('#ll-positions').fill('3');
  await page.locator('#ll-param-typical_acceptance').fill('1');
  await page.getByTestId('lossless-run').click();
  await expect(page.getByTestId('lossless-progress')).toBeVisible();
  await expect(view).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  const verdict = page.getByTestId('lossless-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'different');
  await expect(verdict).toContainText(/different.*position [12], TV = 0\.\d+ \(chance level ≈ 0\.\d+\), p = /);
  const rows = page.getByTestId('lossless-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('✓ same');
  await expect(rows.nth(1)).toContainText('✗ differs');
  await page.screenshot({ path: 'test-results/screenshots/lossless-sampling-dark.png' });
});
