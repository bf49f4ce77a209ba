import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, RENDERER_RESERVED_KEYS, type MenuActions } from '../../electron/menu';
import { RecentFiles } from '../../electron/recent-files';
import { readTraceFile, traceFilesInArgv } from '../../electron/trace-files';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

describe('application menu', () => {
  const calls: string[] = [];
  const actions: MenuActions = {
    openTrace: () => calls.push('openTrace'),
    openRecent: (p) => calls.push(`recent:${p}`),
    clearRecent: () => calls.push('clearRecent'),
    openModelFolder: () => calls.push('openModelFolder'),
    saveTraceAs: () => calls.push('saveTraceAs'),
    exportView: (f) => calls.push(`export:${f}`),
    exportHtml: () => calls.push('export:html'),
    toggleTheme: () => calls.push('toggleTheme'),
    showShortcuts: () => calls.push('showShortcuts'),
  };
  const template = buildMenuTemplate(actions, { recent: ['/t/a.trace.jsonl'], isMac: false, developer: false });
  const items = flatten(template);
  const byLabel = (label: string) => items.find((i) => i.label === label);

  it('has File items with the usual accelerators', () => {
    expect(byLabel('Open Trace…')?.accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel('Save Trace As…')?.accelerator).toBe('CmdOrCtrl+Shift+S');
    expect(byLabel('Open Model Folder…')).toBeDefined();
    expect(byLabel('Export View as PNG…')).toBeDefined();
    expect(byLabel('Export View as SVG…')).toBeDefined();
    expect(byLabel('Export Run as HTML…')?.accelerator).toBe('CmdOrCtrl+Shift+H');
    expect(items.some((i) => i.role === 'quit')).toBe(true);
  });

  it('wires items to actions and lists recent files', () => {
    const click = (label: string) => (byLabel(label)?.click as (() => void) | undefined)?.();
    click('Open Trace…');
    click('a.trace.jsonl');
    click('Export View as SVG…');
    expect(calls).toEqual(['openTrace', 'recent:/t/a.trace.jsonl', 'export:svg']);
  });

  it('leaves the debugger keys to the renderer', () => {
    const accelerators = items.map((i) => i.accelerator).filter((a): a is string => typeof a === 'string');
    for (const key of RENDERER_RESERVED_KEYS) expect(accelerators).not.toContain(key);
    const fullscreen = items.find((i) => i.role === 'togglefullscreen');
    expect(fullscreen?.accelerator).toBeDefined();
    expect(fullscreen?.accelerator).not.toBe('F11');
  });

  it('offers developer tools only in developer builds', () => {
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false);
    const dev = flatten(buildMenuTemplate(actions, { recent: [], isMac: false, developer: true }));
    expect(dev.some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(dev.find((i) => i.label === 'No Recent Traces')?.enabled).toBe(false);
  });
});

describe('trace files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-traces-'));
  const plain = join(dir, 'run.trace.jsonl');
  const gz = join(dir, 'run2.trace.jsonl.gz');
  writeFileSync(plain, '{"type":"header"}\n');
  writeFileSync(gz, gzipSync('{"type":"footer"}\n'));
  writeFileSync(join(dir, 'bad.trace.jsonl.gz'), 'not gzip');

  it('reads plain and gzipped traces', async () => {
    expect(await readTraceFile(plain)).toEqual({ name: 'run.trace.jsonl', path: plain, text: '{"type":"header"}\n' });
    expect((await readTraceFile(gz)).text).toBe('{"type":"footer"}\n');
  });

  it('names the file when it cannot be read', async () => {
    await expect(readTraceFile(join(dir, 'missing.trace.jsonl'))).rejects.toThrow(/missing\.trace\.jsonl: no such file/);
    await expect(readTraceFile(join(dir, 'bad.trace.jsonl.gz'))).rejects.toThrow(/bad\.trace\.jsonl\.gz: not a readable gzip/);
  });

  it('finds existing trace files in argv (file association, second instance)', () => {
    const argv = ['/opt/Decodescope/decodescope', '--no-sandbox', 'run.trace.jsonl', 'missing.trace.jsonl', 'notes.txt', gz];
    expect(traceFilesInArgv(argv, dir)).toEqual([plain, gz]);
  });

  it('keeps a bounded, de-duplicated recent list on disk', () => {
    const store = join(dir, 'profile', 'recent.json');
    const recent = new RecentFiles(store);
    recent.add(plain);
    recent.add(gz);
    recent.add(plain);
    expect(recent.list()).toEqual([plain, gz]);
    expect(new RecentFiles(store).list()).toEqual([plain, gz]);
    for (let i = 0; i < 15; i++) recent.add(join(dir, `gone-${i}.trace.jsonl`));
    expect(new RecentFiles(store).list()).toEqual([]);
  });
});
