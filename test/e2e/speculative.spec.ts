/**
 * Speculative views live: run chain speculative sampling and prompt lookup on the bundled models, step
 * into a drafted step (draft → verify → commit), click a rejected node and read its acceptance panel.
 * Screenshots go to test-results/screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { openApp, waitForEngine } from './helpers';

type Store = { getState(): { runState: string; trace: { steps: { drafts: unknown[]; verify?: { decisions: { accepted: boolean }[] } }[] } } };
const store = (page: Page) => (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope;

async function runLive(page: Page, method: string, params: Record<string, string>): Promise<void> {
  await page.getByTestId('method-select').selectOption(method);
  await page.getByTestId('prompt').fill('def parse_args(argv):');
  await page.getByTestId('params-button').click();
  for (const [k, v] of Object.entries(params)) {
    const field = page.locator(`#param-${k}`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(v);
    else await field.fill(v);
  }
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().runState), { timeout: 150_000 }).toBe('ended');
  void store;
}

/** Index of the first step whose verification rejected something (or, failing that, the first drafted step). */
async function interestingStep(page: Page): Promise<{ stepIdx: number; rejected: boolean }> {
  return page.evaluate(() => {
    const steps = (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().trace.steps;
    const r = steps.findIndex((s) => s.verify?.decisions.some((d) => !d.accepted));
    if (r >= 0) return { stepIdx: r, rejected: true };
    return { stepIdx: steps.findIndex((s) => s.drafts.length > 0), rejected: false };
  });
}

/** Puts the cursor on the commit of the step before, then steps into the step's sub-steps. */
async function stepIntoStep(page: Page, stepIdx: number): Promise<void> {
  await page.keyboard.press('Home');
  for (let i = 0; i < stepIdx - 1; i++) await page.keyboard.press('F10');
  await page.keyboard.press('F11');
}

test('chain speculative sampling: step into draft → verify → commit, click a rejected node', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await waitForEngine(page);
  await runLive(page, 'speculative', { do_sample: 'true', seed: '3', max_new_tokens: '24', temperature: '0.9' });
  await expect(page.getByRole('tab', { name: 'Draft tree' })).toHaveAttribute('aria-selected', 'true');
  const { stepIdx, rejected } = await interestingStep(page);
  expect(stepIdx).toBeGreaterThan(0);
  expect(rejected).toBe(true);
  await stepIntoStep(page, stepIdx);
  const view = page.locator('[data-view="draft-tree"]');
  await expect(view).toHaveAttribute('data-reveal', 'draft');
  await expect(view.locator('[data-status="pending"]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/spec-draft-substep.png' });
  await page.keyboard.press('F11');
  await expect(view).toHaveAttribute('data-reveal', 'verify');
  await expect(view.locator('[data-status="rejected"]').first()).toBeVisible();
  await page.keyboard.press('F11');
  await expect(view).toHaveAttribute('data-reveal', 'commit');
  await expect(view.locator('[data-status="resampled"]')).toHaveCount(1);
  await expect(view.locator('[data-edge-status="rejected"]').first()).toHaveAttribute('style', /stroke-dasharray/);

  await view.locator('[data-status="rejected"]').first().click();
  await page.mouse.move(5, 5);
  const panel = page.getByTestId('acceptance-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-status', 'rejected');
  await expect(page.getByTestId('acc-sentence')).toContainText(/Rejected: u = 0\.\d+ ≥ min\(1, p\/q\) = /);
  await expect(page.getByTestId('acc-number-line')).toBeVisible();
  await expect(page.getByTestId('acc-residual')).toContainText('drawn');
  // Hovering a node lights its row in the tree mask.
  await view.locator('[data-node="0"]').hover();
  await expect(page.getByTestId('tree-mask').locator('[data-attends="lit"]').first()).toBeVisible();
  await page.mouse.move(5, 5);
  await page.screenshot({ path: 'test-results/screenshots/spec-rejected-node.png' });

  await page.getByRole('tab', { name: 'Speculation stats' }).click();
  await expect(page.getByTestId('tau-line')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/spec-stats.png' });
});

test('prompt lookup: the drafted span as a tree, a node inspected', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, { theme: 'dark' });
  await waitForEngine(page);
  await runLive(page, 'prompt-lookup', { max_new_tokens: '32' });
  const { stepIdx, rejected } = await interestingStep(page);
  expect(stepIdx).toBeGreaterThan(0);
  await stepIntoStep(page, stepIdx);
  await page.keyboard.press('F11');
  await page.keyboard.press('F11');
  const view = page.locator('[data-view="draft-tree"]');
  await expect(view).toHaveAttribute('data-reveal', 'commit');
  const target = view.locator(rejected ? '[data-status="rejected"]' : '[data-node="0"]').first();
  await target.click();
  await page.mouse.move(5, 5);
  await expect(page.getByTestId('acceptance-panel')).toBeVisible();
  await expect(page.getByTestId('acc-sentence')).toContainText(rejected ? 'Rejected' : /Accepted|Rejected/);
  await page.screenshot({ path: 'test-results/screenshots/spec-prompt-lookup.png' });
});

test('SpecInfer token tree: one tree-masked pass, recursive rejection, a rejected branch inspected', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await waitForEngine(page);
  await runLive(page, 'specinfer', { do_sample: 'true', seed: '2', max_new_tokens: '24' });
  const { stepIdx, rejected } = await interestingStep(page);
  expect(rejected).toBe(true);
  await stepIntoStep(page, stepIdx);
  await page.keyboard.press('F11');
  await page.keyboard.press('F11');
  const view = page.locator('[data-view="draft-tree"]');
  await expect(view).toHaveAttribute('data-reveal', 'commit');
  // A tree: some node has more than one drafted child, and the mask note says how it was verified.
  expect(await view.locator('[data-node]').count()).toBeGreaterThan(4);
  await expect(page.getByTestId('tree-mask')).toContainText('one target pass');
  await view.locator('[data-status="rejected"]').first().click();
  await page.mouse.move(5, 5);
  await expect(page.getByTestId('acceptance-panel')).toHaveAttribute('data-status', 'rejected');
  await expect(page.getByTestId('acc-sentence')).toContainText('Rejected');
  await page.screenshot({ path: 'test-results/screenshots/spec-tree-specinfer.png' });
  await page.getByTestId('focus-path').click();
  await page.screenshot({ path: 'test-results/screenshots/spec-tree-focus-path.png' });
});
