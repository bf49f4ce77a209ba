/**
 * Sharing a run as one HTML file: export from the app (Export as HTML) and from the CLI, then open the
 * page from disk in a fresh browser context that is offline and aborts every non-file request. The page
 * must make no network request, report no console error (a CSP violation would show there), open the
 * trace and step with the keys. Screenshot: test-results/screenshots/html-export.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { cursorOf, openApp } from './helpers';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const OUT_DIR = join(ROOT, 'test-results', 'html-export');

type Store = { getState(): { trace: { header: { method: { name: string }; prompt: { text: string } } | null; steps: unknown[] } } };
const readTrace = (page: Page) =>
  page.evaluate(() => {
    const s = (globalThis as unknown as { __decodescope: { store: Store } }).__decodescope.store.getState();
    return { method: s.trace.header?.method.name ?? '', prompt: s.trace.header?.prompt.text ?? '', steps: s.trace.steps.length };
  });

interface OfflinePage {
  page: Page;
  /** Requests to anything but the file itself: must stay empty. */
  network: string[];
  errors: string[];
  close(): Promise<void>;
}

/** Opens an exported file in a new, offline context where every non-file request is counted and aborted. */
async function openOffline(browser: Browser, file: string): Promise<OfflinePage> {
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 800 } });
  const network: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    network.push(url);
    return route.abort();
  });
  context.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !url.startsWith('blob:') && !network.includes(url)) network.push(url);
  });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(file).href);
  return { page, network, errors, close: () => context.close() };
}

test('Export as HTML from the app: the page replays the run offline, with no network at all', async ({ page, browser }) => {
  mkdirSync(OUT_DIR, { recursive: true });
  await openApp(page, { demo: 'speculative' });
  const original = await readTrace(page);
  expect(original.steps).toBeGreaterThan(3);

  // Without the built viewer the command says what is missing and how to build it.
  await page.route('**/viewer.html', (r) => r.fulfill({ status: 404, contentType: 'text/plain', body: 'not found\n' }));
  await page.getByTestId('share-menu').click();
  await page.getByTestId('export-html').click();
  await expect(page.getByTestId('toast-error')).toContainText('viewer.html');
  await expect(page.getByTestId('toast-error')).toContainText('npm run build:renderer');
  await page.screenshot({ path: 'test-results/screenshots/html-export-missing-viewer.png' });
  await page.unroute('**/viewer.html');

  const download = page.waitForEvent('download');
  await page.keyboard.press('Control+Shift+H');
  const file = join(OUT_DIR, 'app-export.html');
  await (await download).saveAs(file);
  await expect(page.getByTestId('toast-info')).toContainText('replays offline');
  const html = readFileSync(file, 'utf8');
  expect(html).toContain("default-src 'none'");
  expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);

  const viewer = await openOffline(browser, file);
  try {
    const v = viewer.page;
    await expect(v.getByTestId('viewer-note')).toContainText(`exported from Decodescope · ${new Date().toISOString().slice(0, 10)} · ${original.method}`);
    await expect(v).toHaveTitle(`${original.method} — Decodescope`);
    expect(await readTrace(v)).toEqual(original);
    // Opened like a file in the app: on the last step.
    await expect(v.getByTestId('status-step')).toHaveText(`step ${original.steps}/${original.steps}`);
    // Engine-only controls are not there.
    await expect(v.getByTestId('run')).toHaveCount(0);
    await expect(v.getByTestId('params-button')).toHaveCount(0);

    // Stepping works as in the app.
    await v.keyboard.press('Home');
    await expect.poll(async () => (await cursorOf(v)).stepIdx).toBe(0);
    await v.keyboard.press('ArrowRight');
    await v.keyboard.press('ArrowRight');
    await expect.poll(async () => (await cursorOf(v)).stepIdx).toBe(2);
    await expect(v.getByTestId('status-step')).toHaveText(`step 3/${original.steps}`);
    await v.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await cursorOf(v)).stepIdx).toBe(1);
    await v.keyboard.press('ArrowRight');
    await v.screenshot({ path: 'test-results/screenshots/html-export.png' });

    expect(viewer.network).toEqual([]);
    expect(viewer.errors).toEqual([]);
  } finally {
    await viewer.close();
  }
});

test('decodescope export --format html: token text with </script> and U+2028 stays data, never markup', async ({ browser }) => {
  mkdirSync(OUT_DIR, { recursive: true });
  const prompt = 'x = "</script><script>window.__injected = 1</script>\u2028<!-- <script>"';
  const trace = join(OUT_DIR, 'nasty.trace.jsonl');
  const page = join(OUT_DIR, 'nasty.html');
  const cli = join(ROOT, 'engine/cli/decodescope.mjs');
  execFileSync(process.execPath, [cli, 'run', '--prompt', prompt, '--max-new-tokens', '4', '--out', trace], { cwd: ROOT, stdio: 'pipe' });
  const stderr = execFileSync(process.execPath, [cli, 'export', trace, '--format', 'html', page], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  void stderr;

  const viewer = await openOffline(browser, page);
  try {
    const v = viewer.page;
    await expect(v.getByTestId('viewer-note')).toContainText('exported from Decodescope');
    const opened = await readTrace(v);
    expect(opened.prompt).toBe(prompt);
    expect(opened.method).toBe('autoregressive');
    expect(opened.steps).toBe(4);
    expect(await v.evaluate(() => (globalThis as { __injected?: number }).__injected)).toBeUndefined();
    // Exactly the viewer's own executable script: the prompt's <script> tags did not become elements.
    expect(await v.evaluate(() => document.querySelectorAll('script:not([type="application/json"])').length)).toBe(1);
    await v.keyboard.press('Home');
    await v.keyboard.press('ArrowRight');
    await expect.poll(async () => (await cursorOf(v)).stepIdx).toBe(1);
    await v.screenshot({ path: 'test-results/screenshots/html-export-escaping.png' });
    expect(viewer.network).toEqual([]);
    expect(viewer.errors).toEqual([]);
  } finally {
    await viewer.close();
  }
});
