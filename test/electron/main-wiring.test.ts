/**
 * out/electron/main.cjs started under plain Node against a recording stand-in for the electron
 * module (fixtures/fake-electron.cjs): checks the order and arguments of the shell's wiring (scheme
 * before ready, secure window, protocol, IPC handlers, engine process and its restart) without
 * the Electron binary. The real-binary checks live in test/e2e/electron.spec.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { IpcChannel } from '../../electron/bridge-api';

interface FakeState {
  calls: Array<{ name: string; args: unknown[]; ready: boolean }>;
  state: {
    handlers: Map<string, (...args: unknown[]) => unknown>;
    listeners: Map<string, (...args: unknown[]) => unknown>;
    windows: Array<{ options: { webPreferences: Record<string, unknown> }; webContents: { sent: Array<{ channel: string; value: unknown }>; posted: Array<{ channel: string; ports: unknown[] }> } }>;
    children: Array<{ modulePath: string; options: { env: Record<string, string>; serviceName: string }; messages: Array<{ message: unknown; ports: unknown[] }>; emit(event: string, ...args: unknown[]): boolean }>;
    protocolHandler?: (request: Request) => Promise<Response>;
    permissionRequest?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
    beforeRequest?: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void;
    menu?: { template: Array<{ label?: string }> };
  };
  becomeReady(): void;
}

const root = process.cwd();
// A private build with the same layout as out/: out/test-main-PID/{electron,renderer}.
const out = join(root, 'out', `test-main-${process.pid}`, 'electron');
let fake: FakeState;
let restoreResolve: (() => void) | undefined;
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(async () => {
  await buildElectron({ outDir: out });
  mkdirSync(join(out, '..', 'renderer'), { recursive: true });
  writeFileSync(join(out, '..', 'renderer', 'index.html'), '<!doctype html><title>wiring</title>');
  process.env.FAKE_APP_PATH = root;
  process.env.FAKE_USER_DATA = mkdtempSync(join(tmpdir(), 'ds-userdata-'));
  const fakePath = join(__dirname, 'fixtures', 'fake-electron.cjs');
  const moduleWithResolve = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const original = moduleWithResolve._resolveFilename;
  moduleWithResolve._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? fakePath : original.call(this, request, ...rest);
  };
  restoreResolve = () => {
    moduleWithResolve._resolveFilename = original;
  };
  const require = Module.createRequire(join(out, 'main.cjs'));
  require(join(out, 'main.cjs'));
  fake = (globalThis as unknown as { __fakeElectron: FakeState }).__fakeElectron;
  fake.becomeReady();
  await tick();
});

afterAll(() => {
  restoreResolve?.();
  rmSync(join(out, '..'), { recursive: true, force: true });
});

describe('Electron main wiring', () => {
  it('registers the app:// scheme and the sandbox before ready', () => {
    const scheme = fake.calls.find((c) => c.name === 'registerSchemesAsPrivileged');
    expect(scheme?.ready).toBe(false);
    expect(fake.calls.find((c) => c.name === 'enableSandbox')?.ready).toBe(false);
  });

  it('opens one secure window on app://decodescope/ with a preload that exists', () => {
    expect(fake.state.windows).toHaveLength(1);
    const prefs = fake.state.windows[0]!.options.webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(existsSync(String(prefs.preload))).toBe(true);
    expect(fake.calls.find((c) => c.name === 'loadURL')?.args[0]).toBe('app://decodescope/index.html');
  });

  it('serves the renderer over app:// from the renderer folder next to the bundle', async () => {
    expect(fake.state.protocolHandler).toBeDefined();
    const res = await fake.state.protocolHandler!(new Request('app://decodescope/index.html'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('wiring');
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect((await fake.state.protocolHandler!(new Request('app://decodescope/..%2f..%2fpackage.json'))).status).toBe(403);
  });

  it('denies permissions and remote requests', () => {
    let granted: boolean | undefined;
    fake.state.permissionRequest!(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    let cancelled: boolean | undefined;
    fake.state.beforeRequest!({ url: 'https://example.com/x.js' }, (r) => (cancelled = r.cancel));
    expect(cancelled).toBe(true);
    fake.state.beforeRequest!({ url: 'app://decodescope/assets/x.js' }, (r) => (cancelled = r.cancel));
    expect(cancelled).toBe(false);
  });

  it('handles every invoke channel with sender validation', async () => {
    for (const channel of [IpcChannel.openTraceDialog, IpcChannel.openDroppedTrace, IpcChannel.saveTrace, IpcChannel.saveExport, IpcChannel.openModelFolderDialog]) {
      const handler = fake.state.handlers.get(channel);
      expect(handler, channel).toBeDefined();
      await expect(handler!({ senderFrame: { url: 'https://evil.example/', parent: null } })).rejects.toThrow(/untrusted sender/);
    }
    expect(fake.state.listeners.has(IpcChannel.requestEnginePort)).toBe(true);
  });

  it('has the File, View and Help menus', () => {
    const labels = fake.state.menu?.template.map((m) => m.label);
    expect(labels).toEqual(expect.arrayContaining(['&File', '&View', '&Help']));
  });

  it('starts the engine bundle with the models folder, and hands the window a port on request', async () => {
    const [child] = fake.state.children;
    expect(child?.modulePath).toBe(join(out, 'engine.cjs'));
    expect(existsSync(child!.modulePath)).toBe(true);
    expect(child!.options.serviceName).toBe('Decodescope Engine');
    expect(child!.options.env.DECODESCOPE_MODELS_DIR).toBe(join(root, 'assets', 'models'));
    expect(child!.options.env.ELECTRON_RUN_AS_NODE).toBeUndefined();

    const window = fake.state.windows[0]!;
    const sender = window.webContents as unknown as { once(event: string, fn: () => void): void };
    fake.state.listeners.get(IpcChannel.requestEnginePort)!({ senderFrame: { url: 'app://decodescope/index.html', parent: null }, sender });
    expect(child!.messages.at(-1)).toMatchObject({ message: { type: 'connect' } });
    expect(child!.messages.at(-1)!.ports).toHaveLength(1);
    expect(window.webContents.posted.at(-1)).toMatchObject({ channel: IpcChannel.enginePort });
    expect(window.webContents.sent.at(-1)).toEqual({ channel: IpcChannel.engineStatus, value: { state: 'ready' } });

    // An untrusted frame gets no port.
    const postedBefore = window.webContents.posted.length;
    fake.state.listeners.get(IpcChannel.requestEnginePort)!({ senderFrame: { url: 'https://evil.example/', parent: null }, sender });
    expect(window.webContents.posted.length).toBe(postedBefore);
  });

  it('tells the window when the engine dies, restarts it and reconnects', async () => {
    const window = fake.state.windows[0]!;
    const sentBefore = window.webContents.sent.length;
    fake.state.children[0]!.emit('exit', 134);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const statuses = window.webContents.sent.slice(sentBefore).filter((m) => m.channel === IpcChannel.engineStatus).map((m) => (m.value as { state: string }).state);
    expect(statuses).toEqual(['lost', 'restarting', 'ready']);
    expect(fake.state.children).toHaveLength(2);
    expect(fake.state.children[1]!.messages.at(-1)).toMatchObject({ message: { type: 'connect' } });
    expect(window.webContents.posted.at(-1)).toMatchObject({ channel: IpcChannel.enginePort });
  });
});
