/** Shared steps for the web specs: open the app with the token, wait for it, read the store. */
import { expect, type Page } from '@playwright/test';
import { E2E_URL } from './server/e2e-env';

export async function openApp(page: Page, opts: { theme?: 'light' | 'dark'; demo?: string } = {}): Promise<void> {
  await page.addInitScript((theme) => {
    if (theme) localStorage.setItem('decodescope.theme', theme);
  }, opts.theme ?? 'light');
  await page.goto(E2E_URL);
  await expect(page.getByTestId('distribution-svg')).toBeVisible();
  if (opts.demo) {
    await page.getByLabel('open a demo').selectOption(opts.demo);
    await expect(page.getByTestId('source-tag')).toContainText(opts.demo);
  }
}

export async function waitForEngine(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-state')).toContainText('engine ready', { timeout: 30_000 });
}

/** The cursor as the store holds it (the app exposes its store read-only for tests). */
export async function cursorOf(page: Page): Promise<{ stepIdx: number; phase: number; steps: number }> {
  return page.evaluate(() => {
    const s = (globalThis as unknown as { __decodescope: { store: { getState(): { cursor: { stepIdx: number; phase: number }; trace: { steps: unknown[] } } } } }).__decodescope.store.getState();
    return { ...s.cursor, steps: s.trace.steps.length };
  });
}
