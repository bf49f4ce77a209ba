/**
 * Self-speculative views live: run Draft & Verify from the toolbar, open the Self-speculation tab, check the
 * layer strip against the trace's own 'layer-skip' note and the chart against its 'draft-verify' notes, move
 * the cursor and hover a point. Screenshots (1280×800, light and dark) go to test-results/screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { openApp, waitForEngine } from './helpers';

type Note = { kind: string; message: string };
type Store = { getState(): { runState: string; trace: { steps: { step: number; notes: Note[] }[] } } };

async function runLive(page: Page, method: string, knobs: Record<string, string> = {}): Promise<void> {
  await page.getByTestId('method-select').selectOption(method);
  await page.getByTestId('prompt').fill('def f(x):');
  await page.getByTestId('params-button').click();
  await page.locator('#param-max_new_tokens').fill('48');
  for (const [k, v] of Object.entries(knobs)) await page.locator(`#param-method-${k}`).fill(v);
  await page.keyboard.press('Escape');
  await page.getByTestId('run').click();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().runState), { timeout: 150_000 }).toBe('ended');
}

/** The trace's own notes, read from the store: the skip sets and the steps that recorded a draft-verify note. */
async function notesOf(page: Page): Promise<{ skipAttention: number[]; skipMlp: number[]; numLayers: number; dvSteps: number[]; atCap: number }> {
  return page.evaluate(() => {
    const steps = (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().trace.steps;
    const skip = steps.flatMap((s) => s.notes).find((n) => n.kind === 'layer-skip')!.message;
    const m = /skips attention \{([^}]*)\}, MLP \{([^}]*)\} of (\d+) layers/.exec(skip)!;
    const ints = (x: string) => x.split(',').filter((v) => v.trim() !== '').map(Number);
    const dv = steps.flatMap((s) => s.notes).filter((n) => n.kind === 'draft-verify').map((n) => Object.fromEntries(n.message.split(' ').map((kv) => kv.split('='))));
    // Drafting did not stop on confidence when the last drafted token's confidence still reached the threshold.
    const atCap = dv.filter((d) => Number(d.confidence) >= Number(d.th_stop_draft)).length;
    return { skipAttention: ints(m[1]!), skipMlp: ints(m[2]!), numLayers: Number(m[3]), dvSteps: steps.filter((s) => s.notes.some((n) => n.kind === 'draft-verify')).map((s) => s.step), atCap };
  });
}

// Dark runs with a low starting threshold and a short cap, so drafting stops both ways (below threshold, at the cap).
const RUNS = [
  { theme: 'light', knobs: {} },
  { theme: 'dark', knobs: { th_stop_draft: '0.05', max_step_draft: '3' } },
] as const;

for (const { theme, knobs } of RUNS) {
  test(`draft-verify: layer strip and threshold chart (${theme}, ${JSON.stringify(knobs)})`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openApp(page, { theme });
    await waitForEngine(page);
    await runLive(page, 'draft-verify', knobs);
    await page.getByRole('tab', { name: 'Self-speculation' }).click();
    const view = page.locator('[data-view="self-spec"]');
    await expect(view).toBeVisible();

    const expected = await notesOf(page);
    expect(expected.skipAttention.length).toBeGreaterThan(0);
    const strip = page.getByTestId('layer-strip');
    await expect(strip.locator('[data-row]')).toHaveCount(expected.numLayers);
    const skippedAttn = strip.locator('[data-cell="attn"][data-use="skipped"]');
    await expect(skippedAttn).toHaveCount(expected.skipAttention.length);
    expect(await skippedAttn.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-layer'))))).toEqual(expected.skipAttention);
    await expect(strip.locator('[data-cell="MLP"][data-use="skipped"]')).toHaveCount(expected.skipMlp.length);
    await expect(strip.locator('[data-cell="attn"][data-use="used"]')).toHaveCount(expected.numLayers - expected.skipAttention.length);

    const points = page.getByTestId('dv-chart').locator('[data-dv-point]');
    expect(expected.dvSteps.length).toBeGreaterThan(5);
    await expect(points).toHaveCount(expected.dvSteps.length);
    expect(await points.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-dv-point'))))).toEqual(expected.dvSteps);
    await expect(page.getByTestId('dv-chart').locator('[data-stop="not-by-confidence"]')).toHaveCount(expected.atCap);
    if (theme === 'dark') expect(expected.atCap).toBeGreaterThan(0);

    // The cursor's step is marked; the readout follows it, and hovering a point shows that step's numbers.
    await page.keyboard.press('Home');
    for (let i = 0; i < 6; i++) await page.keyboard.press('F10');
    await expect(page.getByTestId('dv-cursor')).toBeVisible();
    await expect(page.getByTestId('dv-readout')).toContainText(/th_stop_draft 0\.\d{4} · confidence 0\.\d{4}/);
    const target = expected.dvSteps[Math.floor(expected.dvSteps.length / 2)]!;
    await page.locator(`[data-dv-point="${target}"] circle`).hover();
    await expect(page.getByTestId('dv-readout')).toContainText(new RegExp(`^step ${target} · th_stop_draft`));
    await page.screenshot({ path: `test-results/screenshots/selfspec-${theme}.png` });
  });
}

test('early-exit: layers below the exit draft, the rest are the target’s alone', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await waitForEngine(page);
  await runLive(page, 'early-exit');
  await page.getByRole('tab', { name: 'Self-speculation' }).click();
  const exit = await page.evaluate(() => {
    const steps = (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState().trace.steps;
    const note = steps.flatMap((s) => s.notes).find((n) => n.kind === 'early-exit')!.message;
    return Number(/layers 0\.\.(\d+) of/.exec(note)![1]) + 1;
  });
  const strip = page.getByTestId('layer-strip');
  await expect(strip).toHaveAttribute('data-method', 'early-exit');
  expect(await strip.locator('[data-cell="attn"][data-use="used"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-layer'))))).toEqual(Array.from({ length: exit }, (_, i) => i));
  await expect(strip.locator('[data-kv]')).toHaveCount(exit);
  await expect(page.getByTestId('dv-chart')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/selfspec-early-exit.png' });
});
