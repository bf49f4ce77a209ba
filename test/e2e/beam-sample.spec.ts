/**
 * Beam sampling live: the run panel takes num_beams with do_sample, the engine samples the beams on the bundled
 * model, and the Beams view shows each step's drawn candidates with their draws. Screenshot:
 * test-results/screenshots/beam-sample.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { openApp, waitForEngine } from './helpers';

type Store = { getState(): { runState: string; trace: { header?: { method: { variant?: string } }; steps: { beam?: unknown }[] } } };
const runState = (page: Page) => page.evaluate(() => (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().runState);

test('beam sampling: run from the panel, read the drawn candidates in the Beams view', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await waitForEngine(page);
  await page.getByTestId('method-select').selectOption('beam_search');
  await page.getByTestId('params-button').click();
  await page.locator('#param-do_sample').selectOption('true');
  for (const [k, v] of Object.entries({ num_beams: '3', seed: '1', temperature: '0.9', max_new_tokens: '12' })) await page.locator(`#param-${k}`).fill(v);
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  await expect.poll(() => runState(page), { timeout: 150_000 }).toBe('ended');
  const variant = await page.evaluate(() => (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().trace.header?.method.variant);
  expect(variant).toBe('beam_sample');

  await page.getByRole('tab', { name: 'Beams' }).click();
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('F10');
  const view = page.locator('[data-view="beam"]');
  await expect(view).toBeVisible();
  // Six drawn candidates, each with its draw number and probability; three of them kept.
  await expect(view.locator('[data-drawn]')).toHaveCount(6);
  await expect(view.locator('tr.hl')).toHaveCount(3);
  await expect(view).toContainText('drawn without replacement');
  await view.locator('[data-drawn="0"]').hover();
  await page.screenshot({ path: 'test-results/screenshots/beam-sample.png' });
});
