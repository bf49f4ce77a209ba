/**
 * Breakpoints: set a "draft rejected" breakpoint in the Breakpoints tab, continue to it with F8 (and
 * back with Shift+F8) on the recorded speculative demo, print logpoint lines, step back with Shift+F7,
 * and pause a live speculative run on the bundled models at a rejection.
 * The panel's screenshot goes to test-results/screenshots/breakpoints.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { cursorOf, openApp, waitForEngine } from './helpers';

interface StepLike {
  step: number;
  drafts: { nodes: unknown[] }[];
  verify?: { acceptedLength: number; decisions: { accepted: boolean; reason: string }[] };
}
type AppState = { runState: string; cursor: { stepIdx: number; phase: number }; trace: { steps: StepLike[] } };
type Globals = { __decodescope: { store: { getState(): AppState } }; __decodescopeDebug: { store: { getState(): { log: { kind: string; message: string }[] } } } };

/** Step positions whose verification refused a draft token, read from the trace the app holds. */
function rejectionSteps(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    (globalThis as unknown as Globals).__decodescope.store
      .getState()
      .trace.steps.map((s, i) => (s.verify?.decisions.some((d) => !d.accepted && !d.reason.startsWith('skipped')) ? i : -1))
      .filter((i) => i >= 0),
  );
}

const runState = (page: Page) => page.evaluate(() => (globalThis as unknown as Globals).__decodescope.store.getState().runState);
const logLines = (page: Page) => page.evaluate(() => (globalThis as unknown as Globals).__decodescopeDebug.store.getState().log);

async function addBreakpoint(page: Page, kind: string, value?: string, log?: string): Promise<void> {
  await page.getByTestId('bp-kind').selectOption(kind);
  if (value !== undefined) await page.getByTestId('bp-value').fill(value);
  if (log !== undefined) await page.getByTestId('bp-log').fill(log);
  await page.getByTestId('bp-submit').click();
}

test('set a breakpoint on rejection and continue to it; logpoints print; Shift+F7 steps back', async ({ page }) => {
  await openApp(page, { demo: 'speculative' });
  await page.getByRole('tab', { name: 'Breakpoints' }).click();
  const panel = page.getByTestId('breakpoints-panel');
  await expect(panel).toBeVisible();

  const rejected = await rejectionSteps(page);
  expect(rejected.length).toBeGreaterThanOrEqual(2);
  await addBreakpoint(page, 'rejection');
  await expect(panel.getByTestId('bp-row')).toHaveCount(1);
  await expect(panel.getByTestId('bp-row').first()).toContainText(`${rejected.length} hits`);
  // One red dot per rejection on the timeline.
  await expect(page.locator('.bp-tick.stop')).toHaveCount(rejected.length);

  await page.keyboard.press('Home');
  await page.keyboard.press('F8');
  await expect.poll(async () => (await cursorOf(page)).stepIdx).toBe(rejected[0]);
  await expect(page.getByTestId('bp-stopped')).toContainText('rejected');
  await page.keyboard.press('F8');
  await expect.poll(async () => (await cursorOf(page)).stepIdx).toBe(rejected[1]);
  await page.keyboard.press('Shift+F8');
  await expect.poll(async () => (await cursorOf(page)).stepIdx).toBe(rejected[0]);

  // A logpoint on "accepted length < 4" prints one filled-in line per such step as F8 passes it.
  const expected = await page.evaluate(() =>
    (globalThis as unknown as Globals).__decodescope.store
      .getState()
      .trace.steps.filter((s) => s.verify && s.verify.acceptedLength < 4)
      .map((s) => `step ${s.step}: accepted ${s.verify!.acceptedLength}/${s.drafts.reduce((n, d) => n + d.nodes.length, 0)}`),
  );
  expect(expected.length).toBeGreaterThan(rejected.length - 1);
  await addBreakpoint(page, 'accepted-below', '4', 'step {step}: accepted {accepted}/{drafted}');
  await expect(panel.getByTestId('bp-row')).toHaveCount(2);
  await panel.getByRole('button', { name: 'Clear' }).click();
  // Only the logpoint left enabled: F8 runs to the end, printing as it goes.
  await panel.getByRole('checkbox', { name: 'enable a draft token is rejected' }).uncheck();
  await page.keyboard.press('Home');
  await page.keyboard.press('F8');
  await expect.poll(async () => (await logLines(page)).filter((l) => l.kind === 'log').map((l) => l.message)).toEqual(
    // Home puts the cursor on step 0's commit, so a hit at step 0 itself is behind it.
    expected.filter((m) => !m.startsWith('step 0:')),
  );
  await expect(panel.getByTestId('bp-line-log').first()).toBeVisible();
  expect((await cursorOf(page)).stepIdx).toBe((await cursorOf(page)).steps - 1);
  await panel.getByRole('checkbox', { name: 'enable a draft token is rejected' }).check();

  // An invalid regular expression is refused with a message, and nothing is added.
  await page.getByTestId('bp-kind').selectOption('text');
  await page.getByTestId('bp-regex').check();
  await page.getByTestId('bp-value').fill('(name');
  await page.getByTestId('bp-submit').click();
  await expect(page.getByTestId('bp-error')).toHaveText('Invalid regular expression /(name/: Unterminated group');
  await expect(panel.getByTestId('bp-row')).toHaveCount(2);

  await page.keyboard.press('Home');
  await page.keyboard.press('F8');
  await expect.poll(async () => (await cursorOf(page)).stepIdx).toBe(rejected[0]);
  await page.mouse.move(5, 5);
  // The "continued to the last step" note from the logpoint run would cover the panel.
  const note = page.getByTestId('toast-info');
  if (await note.isVisible()) await note.getByRole('button', { name: 'dismiss' }).click();
  await page.screenshot({ path: 'test-results/screenshots/breakpoints.png' });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: 'test-results/screenshots/breakpoints-dark.png' });
  await page.keyboard.press('t');

  // Shift+F7 steps back one sub-step at a time, into the previous step's sub-steps.
  const at = await cursorOf(page);
  expect(at.phase).toBeGreaterThan(0);
  await page.keyboard.press('Shift+F7');
  expect(await cursorOf(page)).toMatchObject({ stepIdx: at.stepIdx, phase: at.phase - 1 });
  for (let i = 0; i < at.phase; i++) await page.keyboard.press('Shift+F7');
  const prev = await cursorOf(page);
  expect(prev.stepIdx).toBe(at.stepIdx - 1);
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toContainText('Shift+F7');
  await page.keyboard.press('Escape');

  // On an autoregressive trace the panel says why a rejection breakpoint can never hit.
  await page.getByLabel('open a demo').selectOption('greedy');
  await expect(page.getByTestId('source-tag')).toContainText('greedy');
  await page.getByRole('tab', { name: 'Breakpoints' }).click();
  await expect(panel.getByTestId('bp-na').first()).toContainText('drafts nothing, so no draft token is ever rejected');
});

test('a live speculative run pauses at a rejection breakpoint; F8 resumes it', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await waitForEngine(page);
  await page.getByRole('tab', { name: 'Breakpoints' }).click();
  await addBreakpoint(page, 'rejection');
  await page.getByTestId('method-select').selectOption('speculative');
  await page.getByTestId('prompt').fill('def parse_args(argv):');
  await page.getByTestId('params-button').click();
  for (const [k, v] of Object.entries({ do_sample: 'true', seed: '3', max_new_tokens: '48', temperature: '0.9' })) {
    const field = page.locator(`#param-${k}`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(v);
    else await field.fill(v);
  }
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();

  // Lock-step runs read 'paused' between steps too: wait for the stop itself.
  await expect.poll(async () => (await logLines(page)).filter((l) => l.kind === 'stop').length, { timeout: 150_000 }).toBe(1);
  expect(await runState(page)).toBe('paused');
  const first = (await rejectionSteps(page))[0];
  expect(first).toBeDefined();
  expect((await cursorOf(page)).stepIdx).toBe(first);
  // Lock-step: the engine was stopped on the hit itself (no later step committed; the next one may have drafted).
  const committed = await page.evaluate(() => {
    const s = (globalThis as unknown as { __decodescope: { store: { getState(): { trace: { steps: { commit?: unknown }[] } } } } }).__decodescope.store.getState();
    return s.trace.steps.filter((x) => x.commit).length;
  });
  expect(committed).toBe(first! + 1);
  const stops = (await logLines(page)).filter((l) => l.kind === 'stop');
  expect(stops).toHaveLength(1);
  expect(stops[0]!.message).toMatch(/rejected/);
  await page.screenshot({ path: 'test-results/screenshots/breakpoints-live-paused.png' });

  // F8 resumes; the run either stops at its next rejection (a second stop line) or ends.
  await page.keyboard.press('F8');
  const settled = async () => {
    const state = await runState(page);
    const stopCount = (await logLines(page)).filter((l) => l.kind === 'stop').length;
    return state === 'ended' ? 'ended' : state === 'paused' && stopCount === 2 ? 'stopped again' : 'running';
  };
  await expect.poll(settled, { timeout: 150_000 }).not.toBe('running');
  if ((await settled()) === 'stopped again') {
    expect((await rejectionSteps(page))[1]).toBe((await cursorOf(page)).stepIdx);
    expect(await runState(page)).toBe('paused');
  } else expect(await rejectionSteps(page)).toHaveLength(1);
});
