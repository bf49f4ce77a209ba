/**
 * The desktop shell, end to end. Runs only where an Electron binary is installed (found by file
 * checks, never by require('electron'), which downloads); elsewhere every test is skipped with the
 * reason. The browser ("web") project covers the UI itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { electronArgs, electronLaunchEnv, findElectronBinary, REPO_ROOT } from './find-electron';

const binary = findElectronBinary();
test.skip(!binary.path, `Electron binary not installed: ${binary.reason ?? ''}`);
test.describe.configure({ mode: 'serial' });

let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (!existsSync(join(REPO_ROOT, 'out', 'renderer', 'index.html'))) {
    throw new Error('out/renderer is missing: run `npm run build:renderer` before the Electron project');
  }
  const { buildElectron } = await import('../../scripts/build-electron.mjs');
  await buildElectron();
  app = await electron.launch({
    executablePath: binary.path!,
    args: [REPO_ROOT, ...electronArgs()],
    cwd: REPO_ROOT,
    env: electronLaunchEnv(),
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
});

/** Talks to the engine over a fresh port, from the page, the way the renderer does. */
async function engineRoundTrip(p: Page): Promise<{ hello: unknown; methods: number }> {
  return p.evaluate(
    () =>
      new Promise<{ hello: unknown; methods: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no engine reply within 60 s')), 60_000);
        const onMessage = (event: MessageEvent) => {
          if (event.data !== 'decodescope:engine-port' || !event.ports[0]) return;
          window.removeEventListener('message', onMessage);
          const port = event.ports[0];
          const replies = new Map<number, { ok: boolean; result?: unknown; error?: string }>();
          port.addEventListener('message', (e: MessageEvent) => {
            const m = e.data as { kind: string; id: number; ok: boolean; result?: unknown; error?: string };
            if (m.kind !== 'response' || m.id < 900_000) return;
            replies.set(m.id, m);
            const hello = replies.get(900_001);
            const methods = replies.get(900_002);
            if (hello && methods) {
              clearTimeout(timer);
              if (!hello.ok || !methods.ok) reject(new Error(hello.error ?? methods.error));
              else resolve({ hello: hello.result, methods: (methods.result as unknown[]).length });
            }
          });
          port.start();
          port.postMessage({ kind: 'hello', id: 900_001, protocol: 1 });
          port.postMessage({ kind: 'list_methods', id: 900_002 });
        };
        window.addEventListener('message', onMessage);
        (window as unknown as { decodescope: { requestEnginePort(): void } }).decodescope.requestEnginePort();
      }),
  );
}

test('opens one window on the app:// origin', async () => {
  expect(page.url()).toMatch(/^app:\/\/decodescope\//);
  expect(app.windows()).toHaveLength(1);
  await page.screenshot({ path: test.info().outputPath('electron-window.png') });
});

test('the window runs with the secure webPreferences', async () => {
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> };
    return contents.getLastWebPreferences();
  });
  expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
});

test('the page sees no Node and only the one bridge', async () => {
  const seen = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    bridgeKeys: Object.keys((window as unknown as { decodescope: object }).decodescope).sort(),
  }));
  expect(seen.require).toBe('undefined');
  expect(seen.process).toBe('undefined');
  expect(seen.bridgeKeys).toEqual(
    [
      'onEngineStatus',
      'onMenuCommand',
      'onTraceOpened',
      'openDroppedTrace',
      'openModelFolderDialog',
      'openTraceDialog',
      'platform',
      'requestEnginePort',
      'saveExport',
      'saveTrace',
    ].sort(),
  );
});

test('the UI is served with a CSP that forbids eval', async () => {
  const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'));
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  const evalResult = await page.evaluate(() => {
    try {
      return String(new Function('return 1')());
    } catch (error) {
      return (error as Error).name;
    }
  });
  expect(evalResult).toBe('EvalError');
});

test('navigation away and new windows are denied', async () => {
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toMatch(/^app:\/\/decodescope\//);
  const opened = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
  expect(app.windows()).toHaveLength(1);
});

test('the menu has the File items', async () => {
  const labels = await app.evaluate(({ Menu }) =>
    (Menu.getApplicationMenu()?.items ?? []).flatMap((item) => (item.submenu?.items ?? []).map((sub) => sub.label)),
  );
  expect(labels).toEqual(expect.arrayContaining(['Open Trace…', 'Open Model Folder…', 'Save Trace As…', 'Export View as PNG…']));
});

test('the engine answers over its MessagePort', async () => {
  const reply = await engineRoundTrip(page);
  expect(reply.hello).toMatchObject({ protocol: 1 });
  expect(reply.methods).toBeGreaterThan(0);
});

test('when the engine process dies the UI is told and the engine comes back', async () => {
  const enginePid = await app.evaluate(({ app: electronApp }) =>
    electronApp.getAppMetrics().find((m) => m.type === 'Utility' && m.serviceName === 'Decodescope Engine')?.pid,
  );
  expect(enginePid).toBeGreaterThan(0);
  const statuses = page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const seen: string[] = [];
        (window as unknown as { decodescope: { onEngineStatus(l: (s: { state: string }) => void): () => void } }).decodescope.onEngineStatus(
          (status) => {
            seen.push(status.state);
            if (status.state === 'ready' && seen.includes('lost')) resolve(seen);
          },
        );
      }),
  );
  process.kill(enginePid!, 'SIGKILL');
  const seen = await statuses;
  expect(seen.slice(seen.indexOf('lost'))).toEqual(['lost', 'restarting', 'ready']);
  const reply = await engineRoundTrip(page);
  expect(reply.methods).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('electron-after-engine-restart.png') });
});
