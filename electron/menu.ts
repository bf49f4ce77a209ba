/**
 * The application menu as a template (types only from electron, so its accelerators are
 * unit-tested). Debugger keys (F8, F10, F11, Shift+F11, Space, arrows, Home/End, ?) belong to the
 * renderer's keyboard manager, so no menu item takes them.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuActions {
  openTrace(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  openModelFolder(): void;
  saveTraceAs(): void;
  exportView(format: 'png' | 'svg'): void;
  /** The run as one self-contained HTML page (the renderer builds it). */
  exportHtml(): void;
  toggleTheme(): void;
  showShortcuts(): void;
}

export interface MenuContext {
  recent: readonly string[];
  isMac: boolean;
  /** Developer tools and reload are offered in unpackaged builds only. */
  developer: boolean;
}

/** Keys the renderer's debugger layer owns; the menu must never claim them. */
export const RENDERER_RESERVED_KEYS = ['F8', 'Shift+F8', 'Shift+F7', 'F10', 'F11', 'Shift+F11', 'F5', 'Space', 'Backspace', 'PageUp', 'PageDown', 'Left', 'Right', 'Home', 'End', '?'];

export function buildMenuTemplate(actions: MenuActions, context: MenuContext): MenuItemConstructorOptions[] {
  const recentItems: MenuItemConstructorOptions[] =
    context.recent.length === 0
      ? [{ label: 'No Recent Traces', enabled: false }]
      : context.recent.map((path) => ({ label: basename(path), toolTip: path, click: () => actions.openRecent(path) }));

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Trace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openTrace() },
      {
        label: 'Open Recent',
        submenu: [...recentItems, { type: 'separator' }, { label: 'Clear Recent', click: () => actions.clearRecent() }],
      },
      { label: 'Open Model Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openModelFolder() },
      { type: 'separator' },
      { label: 'Save Trace As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveTraceAs() },
      { label: 'Export View as PNG…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportView('png') },
      { label: 'Export View as SVG…', accelerator: 'CmdOrCtrl+Shift+E', click: () => actions.exportView('svg') },
      { label: 'Export Run as HTML…', accelerator: 'CmdOrCtrl+Shift+H', click: () => actions.exportHtml() },
      { type: 'separator' },
      context.isMac ? { role: 'close' } : { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { label: 'Toggle Light/Dark Theme', accelerator: 'CmdOrCtrl+Shift+L', click: () => actions.toggleTheme() },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      // F11 is the debugger's "step into"; full screen gets the other common binding.
      { role: 'togglefullscreen', accelerator: context.isMac ? 'Ctrl+Cmd+F' : 'CmdOrCtrl+Shift+F' },
      ...(context.developer
        ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[])
        : []),
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: '&Help',
    submenu: [
      // The "?" key itself is handled in the page; the menu item shows the same sheet.
      { label: 'Keyboard Shortcuts', accelerator: 'CmdOrCtrl+/', click: () => actions.showShortcuts() },
      { type: 'separator' },
      { role: 'about' },
    ],
  };

  const template: MenuItemConstructorOptions[] = [file, { role: 'editMenu' }, view, help];
  if (context.isMac) template.unshift({ role: 'appMenu' });
  return template;
}
