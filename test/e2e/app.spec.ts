/**
 * The app in Debian Chromium against the real web host and the real bundled model: live runs,
 * stepping, the distribution panel, opening traces (good and broken), exports, keys, and the
 * server's refusal of requests without the token.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { openApp, waitForEngine, cursorOf } from './helpers';
import { E2E_ORIGIN, E2E_PORT, E2E_TOKEN } from './server/e2e-env';

const DEMO = new URL('../../assets/demo/greedy.trace.jsonl', import.meta.url);

interface StepFacts {
  chosenId: number | null;
  u: number | null;
  rule: string | null;
  runState: string;
  tokens: number;
  source: string;
}

/** What the store says about the cursor's step: the truth the panels must show. */
function stepFacts(page: Page): Promise<StepFacts> {
  return page.evaluate(() => {
    type S = {
      runState: string;
      source: { kind: string };
      cursor: { stepIdx: number };
      trace: {
        output: unknown[];
        mainDistribution(i: number): { distId: string } | undefined;
        choiceByDist: Map<string, { tokenId: number; u?: number; rule: string }>;
      };
    };
    const s = (globalThis as unknown as { __decodescope: { store: { getState(): S } } }).__decodescope.store.getState();
    const d = s.trace.mainDistribution(s.cursor.stepIdx);
    const c = d ? s.trace.choiceByDist.get(d.distId) : undefined;
    return { chosenId: c?.tokenId ?? null, u: c?.u ?? null, rule: c?.rule ?? null, runState: s.runState, tokens: s.trace.output.length, source: s.source.kind };
  });
}

async function runToEnd(page: Page): Promise<void> {
  await page.getByTestId('run').click();
  await expect(page.getByTestId('source-tag')).toContainText('live');
  await expect.poll(async () => (await stepFacts(page)).runState, { timeout: 90_000 }).toBe('ended');
  expect((await stepFacts(page)).tokens).toBeGreaterThan(0);
}

async function setParam(page: Page, name: string, value: string): Promise<void> {
  const panel = page.getByTestId('run-panel');
  if (!(await panel.isVisible())) await page.getByTestId('params-button').click();
  const field = panel.locator(`#param-${name}`);
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

test('requests without the token are refused', async ({ request }) => {
  const page = await request.get(`${E2E_ORIGIN}/`);
  expect(page.status()).toBe(403);
  expect(await page.text()).toMatch(/token/);
  const wrong = await request.get(`${E2E_ORIGIN}/?token=not-the-token-at-all`);
  expect(wrong.status()).toBe(403);
  // A WebSocket from our own origin but without the token is closed before the engine answers.
  const closed = await new Promise<{ code: number; replied: boolean }>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${E2E_PORT}/engine`, { headers: { Origin: E2E_ORIGIN } });
    let replied = false;
    ws.on('open', () => ws.send(JSON.stringify({ kind: 'hello', id: 1, protocol: 1 })));
    ws.on('message', () => (replied = true));
    ws.on('close', (code) => resolve({ code, replied }));
    ws.on('error', reject);
  });
  expect(closed.code).toBe(1008);
  expect(closed.replied).toBe(false);
  // With the token but from another origin: the upgrade itself is refused.
  const foreign = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${E2E_PORT}/engine?token=${E2E_TOKEN}`, { headers: { Origin: 'http://evil.example' } });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('open', () => resolve('open'));
    ws.on('error', () => resolve('error'));
  });
  expect(foreign).toBe('403');
});

test('a greedy run streams in, steps back and forward, and the panel shows the argmax', async ({ page }) => {
  await openApp(page);
  await waitForEngine(page);
  await page.getByTestId('prompt').fill('def add(a, b):');
  await setParam(page, 'max_new_tokens', '12');
  await page.keyboard.press('Escape');
  await runToEnd(page);
  const facts = await stepFacts(page);
  expect(facts.source).toBe('live');
  expect(facts.tokens).toBe(12);
  await expect(page.getByTestId('status-step')).toContainText('/12');

  const before = await cursorOf(page);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  expect((await cursorOf(page)).stepIdx).toBe(before.stepIdx - 2);
  await page.keyboard.press('F10');
  expect((await cursorOf(page)).stepIdx).toBe(before.stepIdx - 1);

  const step = await stepFacts(page);
  expect(step.rule).toBe('argmax');
  await expect(page.locator(`[data-testid="bars"] [data-chosen="true"]`)).toHaveAttribute('data-token-id', String(step.chosenId));
  await expect(page.getByTestId('draw-caption')).toContainText('argmax');
  await expect(page.getByTestId('inspector-token')).toBeVisible();
});

test('a sampled run shows the draw u and where it landed', async ({ page }) => {
  await openApp(page);
  await waitForEngine(page);
  await setParam(page, 'do_sample', 'true');
  await setParam(page, 'max_new_tokens', '10');
  await setParam(page, 'seed', '5');
  await setParam(page, 'top_k', '20');
  await page.keyboard.press('Escape');
  await runToEnd(page);
  await page.keyboard.press('Home');
  await page.keyboard.press('F10');
  // Into step 3's sub-steps: forward, processors, draw.
  await page.keyboard.press('F11');
  await expect(page.getByTestId('phases').locator('.active')).toHaveText('forward');
  await expect(page.getByTestId('u-marker')).toHaveCount(0);
  await page.keyboard.press('F11');
  await page.keyboard.press('F11');
  await expect(page.getByTestId('phases').locator('.active')).toHaveText('draw');
  const facts = await stepFacts(page);
  expect(facts.rule).toBe('sample');
  expect(facts.u).not.toBeNull();
  await expect(page.getByTestId('u-marker')).toBeVisible();
  await expect(page.getByTestId('draw-caption')).toContainText(`u = ${facts.u!.toFixed(4)}`);
  await expect(page.locator(`[data-testid="bars"] [data-chosen="true"]`)).toHaveAttribute('data-token-id', String(facts.chosenId));
  await expect(page.getByTestId('inspector-u')).toHaveText(facts.u!.toFixed(4));
  // Shift+F11 steps out to the commit; the token then shows in the stream.
  await page.keyboard.press('Shift+F11');
  await expect(page.getByTestId('phases').locator('.active')).toHaveText('commit');
});

test('malformed parameters are refused at the field', async ({ page }) => {
  await openApp(page);
  await setParam(page, 'temperature', '0');
  await expect(page.getByTestId('run-panel').getByRole('alert')).toContainText('temperature must be greater than 0');
  await setParam(page, 'temperature', '0.7');
  await expect(page.getByTestId('run-panel').getByRole('alert')).toHaveCount(0);
});

test("the run panel offers the selected method's own knobs and the run records them", async ({ page }) => {
  await openApp(page);
  await waitForEngine(page);
  await page.getByTestId('method-select').selectOption('eagle');
  await page.getByTestId('params-button').click();
  const knobs = page.getByTestId('method-params');
  await expect(knobs).toContainText('eagle_depth');
  await knobs.locator('#param-method-eagle_depth').fill('9');
  await expect(knobs.getByRole('alert')).toContainText('eagle_depth must be at most 8');
  await knobs.locator('#param-method-eagle_depth').fill('2');
  await expect(knobs.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/run-panel-method-params.png' });
  await expect(page.getByTestId('params-button')).toContainText('eagle_depth 2');
  await page.keyboard.press('Escape');
  await runToEnd(page);
  const recorded = await page.evaluate(() => {
    type S = { trace: { header: { params: { method?: Record<string, unknown>; num_beams?: number } } | null } };
    return (globalThis as unknown as { __decodescope: { store: { getState(): S } } }).__decodescope.store.getState().trace.header?.params;
  });
  expect(recorded?.method).toEqual({ eagle_depth: 2 });
});

test('opens a trace file; a broken one is refused with its line and the open trace is kept', async ({ page }) => {
  await openApp(page);
  const text = readFileSync(DEMO, 'utf8');
  await page.getByTestId('open-trace-input').setInputFiles({ name: 'mine.trace.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  await expect(page.getByTestId('source-tag')).toContainText('mine.trace.jsonl');

  const lines = text.trim().split('\n');
  const i = lines.findIndex((l) => l.includes('"type":"choice"'));
  const bad = JSON.parse(lines[i]!);
  bad.rank = 'first';
  lines[i] = JSON.stringify(bad);
  await page.getByTestId('open-trace-input').setInputFiles({ name: 'broken.trace.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
  const toast = page.getByTestId('toast-error');
  await expect(toast).toContainText(`line ${i + 1}`);
  await expect(toast).toContainText('rank');
  await expect(page.getByTestId('source-tag')).toContainText('mine.trace.jsonl');
});

test('exports the view as a non-blank PNG and a self-contained SVG', async ({ page }) => {
  await openApp(page);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('share-menu').click().then(() => page.getByTestId('export-png').click())]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  const pngBytes = readFileSync((await png.path())!);
  expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
  const variety = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return { w: img.width, h: img.height, colours: colours.size };
  }, pngBytes.toString('base64'));
  expect(variety.w).toBeGreaterThan(400);
  expect(variety.colours).toBeGreaterThan(20);

  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('share-menu').click().then(() => page.getByTestId('export-svg').click())]);
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  const svgText = readFileSync((await svg.path())!, 'utf8');
  expect(svgText).toContain('<svg');
  expect(svgText).not.toContain('var(--');
  expect(svgText).toContain('Next-token distribution');
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    return { error: !!doc.querySelector('parsererror'), rects: doc.querySelectorAll('rect').length };
  }, svgText);
  expect(parsed.error).toBe(false);
  expect(parsed.rects).toBeGreaterThan(10);
});

test('keyboard: stepping keys, the shortcuts sheet, play, theme and Esc', async ({ page }) => {
  await openApp(page);
  const n = (await cursorOf(page)).steps;
  await page.keyboard.press('Home');
  expect((await cursorOf(page)).stepIdx).toBe(0);
  await page.keyboard.press('F10');
  await page.keyboard.press('ArrowRight');
  expect((await cursorOf(page)).stepIdx).toBe(2);
  await page.keyboard.press('Shift+F10');
  expect((await cursorOf(page)).stepIdx).toBe(1);
  await page.keyboard.press('End');
  expect((await cursorOf(page)).stepIdx).toBe(n - 1);

  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toBeVisible();
  // The sheet is a modal layer: stepping keys do nothing behind it.
  await page.keyboard.press('Home');
  expect((await cursorOf(page)).stepIdx).toBe(n - 1);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts')).toHaveCount(0);

  await page.keyboard.press('Home');
  await page.keyboard.press('Space');
  await expect.poll(async () => (await cursorOf(page)).stepIdx).toBeGreaterThan(1);
  await page.keyboard.press('Space');

  await page.locator('[data-i="1"]').click();
  await expect(page.locator('.chip.selected')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.locator('.chip.selected')).toHaveCount(0);

  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.keyboard.press('t');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(theme);
});

test('a model folder loads from the run panel or the host menu event; a wrong folder is refused and nothing changes', async ({ page }) => {
  await openApp(page);
  await waitForEngine(page);
  await expect(page.getByTestId('model-select').locator('option', { hasText: 'draft' }).first()).toBeAttached();
  const folderDir = fileURLToPath(new URL('../fixtures/models/tiny-llama', import.meta.url));
  await page.getByTestId('params-button').click();
  await page.locator('#model-folder').fill(folderDir);
  await page.getByRole('button', { name: 'Load' }).click();
  await expect(page.getByTestId('toast-info')).toContainText(`Loaded the model folder ${folderDir}`);
  await expect(page.getByTestId('model-select')).toHaveValue(folderDir);
  await page.keyboard.press('Escape');

  // The Electron menu's "Open model folder…" arrives as this window event; a folder without a model is refused.
  const notAModel = fileURLToPath(new URL('../../assets/demo', import.meta.url));
  await page.evaluate((p) => window.dispatchEvent(new CustomEvent('decodescope:model-folder', { detail: p })), notAModel);
  await expect(page.getByTestId('toast-error')).toContainText('not a model Decodescope can load');
  await expect(page.getByTestId('model-select')).toHaveValue(folderDir);
  const otherDir = fileURLToPath(new URL('../fixtures/models/tiny-llama-gqa', import.meta.url));
  await page.evaluate((p) => window.dispatchEvent(new CustomEvent('decodescope:model-folder', { detail: p })), otherDir);
  await expect(page.getByTestId('model-select')).toHaveValue(otherDir);
});
