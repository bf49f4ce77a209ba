/**
 * Classroom mode at 1920×1080: open a demo, enter classroom mode (F5), start the walkthrough (W), and
 * drive it with the keyboard only — Space shows a beat's text, then performs its action, then moves on;
 * Backspace goes back one beat. Screenshots of classroom mode go to test-results/screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { cursorOf, openApp, waitForEngine } from './helpers';

const sentence = (page: Page) => page.getByTestId('walk-sentence');
const caption = (page: Page) => page.getByTestId('walk-caption');

async function enterClassroomWalk(page: Page, demo: string, theme: 'light' | 'dark' = 'light'): Promise<void> {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openApp(page, { demo, theme });
  await page.keyboard.press('F5');
  await expect(page.locator('html')).toHaveAttribute('data-classroom', 'true');
  await expect(page.getByTestId('status-bar')).toBeHidden();
  await page.keyboard.press('w');
  await expect(sentence(page)).toBeVisible();
  await expect(caption(page)).toHaveAttribute('data-stage', 'text');
}

/** Presses Space until the caption's beat key (its progress line) shows `beat n`. */
async function spaceToBeat(page: Page, n: number): Promise<void> {
  for (let guard = 0; guard < 400; guard++) {
    const progress = (await page.getByTestId('walk-progress').textContent()) ?? '';
    if (progress.startsWith(`beat ${n} /`) && (await caption(page).getAttribute('data-stage')) === 'done') return;
    await page.keyboard.press('Space');
  }
  throw new Error(`never reached beat ${n}`);
}

test('tree speculative demo: walk to the end with the keyboard; Backspace goes back one beat', async ({ page }) => {
  test.setTimeout(240_000);
  await enterClassroomWalk(page, 'specinfer');
  const total = Number(((await page.getByTestId('walk-progress').textContent()) ?? '').match(/\/ (\d+)/)![1]);
  expect(total).toBeGreaterThan(10);
  const seen = new Set<string>();
  const beatsShown = new Set<string>();
  let presses = 0;
  let backChecked = false;
  let shot = false;
  while ((await caption(page).getAttribute('data-ended')) !== 'true') {
    const text = (await sentence(page).textContent()) ?? '';
    seen.add(text);
    beatsShown.add((await page.getByTestId('walk-progress').textContent()) ?? '');
    const stage = await caption(page).getAttribute('data-stage');
    if (!backChecked && stage === 'text' && seen.size === 6) {
      // Space performs this beat's action, Space again shows the next beat; Backspace returns to this one.
      await page.keyboard.press('Space');
      await page.keyboard.press('Space');
      await expect(sentence(page)).not.toHaveText(text);
      const cursorAhead = await cursorOf(page);
      await page.keyboard.press('Backspace');
      await expect(sentence(page)).toHaveText(text);
      await expect(caption(page)).toHaveAttribute('data-stage', 'done');
      expect(await cursorOf(page)).toMatchObject({ stepIdx: cursorAhead.stepIdx });
      backChecked = true;
      continue;
    }
    if (!shot && stage === 'done' && /walk moves down/.test(text) && seen.size > 8) {
      await expect(page.locator('[data-view="draft-tree"] g[data-walk-lit]').first()).toBeVisible();
      await page.screenshot({ path: 'test-results/screenshots/classroom-tree.png' });
      shot = true;
    }
    await page.keyboard.press('Space');
    presses++;
    expect(presses).toBeLessThan(total * 2 + 10);
  }
  expect(backChecked).toBe(true);
  expect(shot).toBe(true);
  // Every beat was shown (several steps can share a sentence), and the end leaves the cursor on the last step.
  expect(beatsShown.size).toBe(total);
  expect(seen.size).toBeGreaterThan(total / 2);
  await expect(sentence(page)).toContainText('End of the walkthrough');
  const c = await cursorOf(page);
  expect(c.stepIdx).toBe(c.steps - 1);
  await page.screenshot({ path: 'test-results/screenshots/classroom-tree-end.png' });
  // Esc leaves the walkthrough; Space is play/pause again (the global layer).
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('walk-start')).toBeVisible();
  await page.keyboard.press('F5');
  await expect(page.locator('html')).not.toHaveAttribute('data-classroom', 'true');
  await expect(page.getByTestId('status-bar')).toBeVisible();
});

test('chain speculative demo in classroom mode: a rejected draft explained', async ({ page }) => {
  await enterClassroomWalk(page, 'speculative');
  for (let guard = 0; guard < 80; guard++) {
    const text = (await sentence(page).textContent()) ?? '';
    if (/so it is rejected/.test(text) && (await caption(page).getAttribute('data-stage')) === 'done') break;
    await page.keyboard.press('Space');
  }
  await expect(sentence(page)).toContainText('so it is rejected');
  await expect(page.locator('[data-view="draft-tree"] g[data-walk-lit][data-status="rejected"]')).toBeVisible();
  await expect(page.getByTestId('acceptance-panel')).toHaveAttribute('data-status', 'rejected');
  await page.screenshot({ path: 'test-results/screenshots/classroom-chain.png' });
});

test('Jacobi demo in classroom mode: the proven prefix grows', async ({ page }) => {
  await enterClassroomWalk(page, 'jacobi', 'dark');
  await spaceToBeat(page, 8);
  await expect(sentence(page)).toContainText('Iteration');
  await expect(page.locator('[data-testid="jacobi-svg"] g[data-walk-lit]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/classroom-jacobi-dark.png' });
});

test('lookahead and sampling demos in classroom mode (screenshots), and the caption row outside it', async ({ page }) => {
  await enterClassroomWalk(page, 'lookahead');
  for (let guard = 0; guard < 80; guard++) {
    const text = (await sentence(page).textContent()) ?? '';
    if (/matches on/.test(text) && (await caption(page).getAttribute('data-stage')) === 'done') break;
    await page.keyboard.press('Space');
  }
  await expect(sentence(page)).toContainText('matches on');
  await expect(page.locator('.la-cand[data-walk-lit]')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/classroom-lookahead.png' });

  await page.keyboard.press('Escape');
  await page.keyboard.press('F5'); // back to the normal layout to reach the demo menu
  await page.getByLabel('open a demo').selectOption('sampling');
  await expect(page.getByTestId('source-tag')).toContainText('sampling');
  await page.keyboard.press('F5');
  await page.keyboard.press('w');
  await spaceToBeat(page, 4);
  await expect(sentence(page)).toContainText('u = ');
  await expect(page.locator('[data-testid="draw"][data-walk-lit]')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/classroom-sampling.png' });
  // The same walkthrough without classroom mode: a floating caption over the normal window.
  await page.keyboard.press('F5');
  await expect(caption(page)).toBeVisible();
  await expect(page.getByTestId('status-bar')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/walkthrough-normal.png' });
});

test('a live run gets the same walkthrough (EAGLE tree, greedy)', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openApp(page);
  await waitForEngine(page);
  await page.getByTestId('method-select').selectOption('eagle');
  await page.getByTestId('params-button').click();
  await page.locator('#param-max_new_tokens').fill('12');
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as { __decodescope: { store: { getState(): { runState: string } } } }).__decodescope.store.getState().runState), { timeout: 150_000 })
    .toBe('ended');
  await page.getByTestId('walk-toggle').click();
  await expect(caption(page)).toContainText('Tree speculative decoding (eagle)');
  for (let guard = 0; guard < 60; guard++) {
    const text = (await sentence(page).textContent()) ?? '';
    if (/the target's top pick is/.test(text) && (await caption(page).getAttribute('data-stage')) === 'done') break;
    await page.keyboard.press('Space');
  }
  await expect(sentence(page)).toContainText("the target's top pick is");
  await expect(page.locator('[data-view="draft-tree"] g[data-walk-lit]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/walkthrough-live-eagle.png' });
});
