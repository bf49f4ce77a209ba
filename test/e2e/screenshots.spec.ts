/**
 * Screenshots of every view, light and dark, at 1280×800 and 1920×1080, saved to
 * test-results/screenshots/ for people to look at (ugly or cramped is a bug).
 */
import { test, expect } from '@playwright/test';
import { openApp } from './helpers';

const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
];

for (const theme of ['light', 'dark'] as const) {
  for (const size of SIZES) {
    test(`screenshots ${theme} ${size.name}`, async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
      await openApp(page, { theme });
      const shot = (view: string) => page.screenshot({ path: `test-results/screenshots/${view}-${theme}-${size.name}.png` });
      // Greedy demo, mid-run, at the commit of a step.
      await page.keyboard.press('Home');
      for (let i = 0; i < 6; i++) await page.keyboard.press('F10');
      await shot('greedy');
      // Sampling demo, the draw sub-step with a token locked.
      await page.getByLabel('open a demo').selectOption('sampling');
      await expect(page.getByTestId('source-tag')).toContainText('sampling');
      await page.keyboard.press('Home');
      for (let i = 0; i < 4; i++) await page.keyboard.press('F10');
      await page.keyboard.press('F11');
      await page.keyboard.press('F11');
      await page.keyboard.press('F11');
      await expect(page.getByTestId('phases').locator('.active')).toHaveText('draw');
      await shot('sampling-draw');
      await page.locator('[data-i="2"]').click();
      await page.mouse.move(5, 5);
      await shot('sampling-selected');
      await page.getByTestId('color-probability').click();
      await shot('probability-colours');
      await page.getByTestId('color-source').click();
      await page.getByLabel('open a demo').selectOption('beam');
      await expect(page.getByTestId('source-tag')).toContainText('beam');
      await shot('beam');
      for (const demo of ['contrastive', 'speculative']) {
        await page.getByLabel('open a demo').selectOption(demo);
        await expect(page.getByTestId('source-tag')).toContainText(demo);
        await page.keyboard.press('Home');
        for (let i = 0; i < 5; i++) await page.keyboard.press('F10');
        await shot(demo);
      }
      await page.keyboard.press('?');
      await shot('shortcuts');
      await page.keyboard.press('Escape');
      await page.getByTestId('params-button').click();
      await shot('run-panel');
    });
  }
}
