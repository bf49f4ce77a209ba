/**
 * What-if fork live: a greedy run on the bundled target, a non-chosen candidate selected at output 5, forked
 * (re-decoded live with that token forced), then the compare view: the first divergence is at output 5 with the
 * forced token on B's side. Screenshots go to test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { cursorOf, openApp, waitForEngine } from './helpers';

const AT = 5;

interface StoreView {
  runState: string;
  trace: { output: { id: number }[]; header?: { fork?: { outputIndex: number; tokenId: number } }; footer?: unknown };
}
const state = (page: Page) =>
  page.evaluate(() => {
    const s = (globalThis as unknown as { __decodescope: { store: { getState(): StoreView } } }).__decodescope.store.getState();
    return { runState: s.runState, output: s.trace.output.map((t) => t.id), fork: s.trace.header?.fork ?? null, ended: !!s.trace.footer };
  });

test('fork at a step, then compare the fork with the original', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await waitForEngine(page);

  await page.getByTestId('method-select').selectOption('autoregressive');
  await page.getByTestId('prompt').fill('def fibonacci(n):');
  await page.getByTestId('params-button').click();
  await page.locator('#param-do_sample').selectOption('false');
  await page.locator('#param-max_new_tokens').fill('20');
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  await expect.poll(async () => (await state(page)).ended, { timeout: 150_000 }).toBe(true);
  await expect.poll(async () => (await state(page)).runState).toBe('ended');
  const original = (await state(page)).output;
  expect(original.length).toBeGreaterThan(AT + 2);

  // The cursor on the step that produced output 5 (one step per token in greedy decoding).
  await page.keyboard.press('Home');
  for (let i = 0; i < AT; i++) await page.keyboard.press('F10');
  expect((await cursorOf(page)).stepIdx).toBe(AT);

  // Lock a candidate the run did not take.
  const bars = page.getByTestId('bars').locator('g[data-token-id]');
  const ids = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-token-id'))));
  const forcedId = ids.find((id) => id !== original[AT])!;
  expect(forcedId).toBeDefined();
  await page.getByTestId('bars').locator(`g[data-token-id="${forcedId}"]`).click();
  const fork = page.getByTestId('fork-button');
  await expect(fork).toBeEnabled();
  await expect(fork).toContainText(`output #${AT}`);
  await page.locator('.inspector').screenshot({ path: 'test-results/screenshots/fork-inspector.png' });
  await fork.click();

  // The fork decodes live and becomes the shown run; its header names the fork point.
  await expect.poll(async () => (await state(page)).fork, { timeout: 30_000 }).toEqual({ parent: expect.any(String), parentCreatedAt: expect.any(String), outputIndex: AT, tokenId: forcedId, originalTokenId: original[AT] });
  await expect.poll(async () => (await state(page)).ended, { timeout: 150_000 }).toBe(true);
  const forked = (await state(page)).output;
  expect(forked.slice(0, AT)).toEqual(original.slice(0, AT));
  expect(forked[AT]).toBe(forcedId);
  await expect(page.getByTestId('run-set-select')).toBeVisible();

  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-title')).toHaveAttribute('data-divergence', String(AT));
  await expect(page.getByTestId('compare-title')).toContainText(`First divergence at output #${AT}`);
  await expect(page.getByTestId('divergence-column')).toBeVisible();
  await expect(page.getByTestId('compare-token-a')).toHaveAttribute('data-token-id', String(original[AT]));
  await expect(page.getByTestId('compare-token-b')).toHaveAttribute('data-token-id', String(forcedId));
  await expect(page.getByTestId('compare-panel-a').locator(`[data-token-id="${forcedId}"][data-other="true"]`)).toBeVisible();
  await expect(page.getByTestId('compare-panel-b').locator(`[data-token-id="${forcedId}"][data-chosen="true"]`)).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/compare.png' });

  // Save run + forks: one file per run, the fork's header naming the original's file.
  const downloads: import('@playwright/test').Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('save-run-set').click();
  await expect.poll(() => downloads.length).toBe(2);
  const names = downloads.map((d) => d.suggestedFilename());
  expect(names[0]).toMatch(/^decodescope-autoregressive\.trace\.jsonl$/);
  expect(names[1]).toBe(`decodescope-autoregressive.fork1-at${AT}.trace.jsonl`);
  const forkText = readFileSync((await downloads[1]!.path())!, 'utf8');
  const forkHeader = JSON.parse(forkText.slice(0, forkText.indexOf('\n')));
  expect(forkHeader.fork).toMatchObject({ parent: names[0], outputIndex: AT, tokenId: forcedId, originalTokenId: original[AT] });

  // Switching the shown run keeps the compare tab and the pair.
  await page.getByTestId('run-set-select').selectOption({ index: 0 });
  await expect.poll(async () => (await state(page)).fork).toBeNull();
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('compare-title')).toHaveAttribute('data-divergence', String(AT));

  // A trace file opened for comparison becomes B: the same greedy run recorded with 16 tokens parts at #16.
  await page.getByTestId('compare-open-input').setInputFiles('test/fixtures/traces/fork/parent.trace.jsonl');
  await expect(page.getByTestId('compare-b').locator('option:checked')).toContainText('parent.trace.jsonl');
  await expect(page.getByTestId('compare-title')).toHaveAttribute('data-divergence', '16');
  await expect(page.getByTestId('compare-title')).toContainText('run B has no token there');
  await page.screenshot({ path: 'test-results/screenshots/compare-file.png' });
});

test('fork a recorded speculative demo: the prefix is kept, the forced token is at the fork point', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page, { demo: 'speculative' });
  await waitForEngine(page);
  const original = (await state(page)).output;
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('F10');
  const at = await page.evaluate(() => {
    const s = (globalThis as unknown as { __decodescope: { store: { getState(): { cursor: { stepIdx: number }; trace: { steps: { outStart: number }[] } } } } }).__decodescope.store.getState();
    return s.trace.steps[s.cursor.stepIdx]!.outStart;
  });
  await page.getByRole('tab', { name: 'Distribution' }).click();
  const ids = await page.getByTestId('bars').locator('g[data-token-id]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-token-id'))));
  const forcedId = ids.find((id) => id !== original[at])!;
  await page.getByTestId('bars').locator(`g[data-token-id="${forcedId}"]`).click();
  await expect(page.getByTestId('fork-action')).toContainText('forcing a different draft token is not supported');
  await page.getByTestId('fork-button').click();
  await expect.poll(async () => (await state(page)).fork?.outputIndex, { timeout: 30_000 }).toBe(at);
  await expect.poll(async () => (await state(page)).ended, { timeout: 150_000 }).toBe(true);
  const forked = (await state(page)).output;
  expect(forked.slice(0, at)).toEqual(original.slice(0, at));
  expect(forked[at]).toBe(forcedId);
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-title')).toHaveAttribute('data-divergence', String(at));
  await page.keyboard.press('t');
  await page.screenshot({ path: 'test-results/screenshots/compare-speculative-dark.png' });
});
