/**
 * The contract between the preload bridge and the renderer: channel names and the shape of
 * `window.decodescope`. Types and constants only, so the renderer may import the types.
 */
import type { EngineStatus } from '../engine/protocol/messages';

export const BRIDGE_KEY = 'decodescope';
/** window.postMessage data that carries the engine MessagePort into the page (event.ports[0]). */
export const ENGINE_PORT_MESSAGE = 'decodescope:engine-port';

export const IpcChannel = {
  openTraceDialog: 'trace:open-dialog',
  openDroppedTrace: 'trace:open-dropped',
  saveTrace: 'trace:save',
  saveExport: 'export:save',
  openModelFolderDialog: 'model:open-folder-dialog',
  requestEnginePort: 'engine:request-port',
  // main -> renderer
  enginePort: 'engine:port',
  engineStatus: 'engine:status',
  menuCommand: 'menu:command',
  traceOpened: 'trace:opened',
} as const;

/** Menu items whose work happens in the renderer (it owns the trace and the view). */
export type MenuCommand =
  | { command: 'save-trace-as' }
  | { command: 'export-view'; format: 'png' | 'svg' }
  | { command: 'export-html' }
  | { command: 'model-folder-chosen'; path: string }
  | { command: 'toggle-theme' }
  | { command: 'show-shortcuts' };

export interface OpenedTrace {
  /** The file name, for titles and recent lists. */
  name: string;
  path: string;
  /** JSON Lines text (gzip already undone). */
  text: string;
}

export interface SaveExportRequest {
  format: 'png' | 'svg' | 'html';
  suggestedName: string;
  /** PNG bytes, or SVG / HTML text. */
  data: Uint8Array | string;
}

/** window.decodescope in Electron; absent in web mode. One function per message, no raw IPC. */
export interface DecodescopeBridge {
  readonly platform: 'electron';
  /** Ask for a (new) engine connection; the port arrives as a window message ENGINE_PORT_MESSAGE. */
  requestEnginePort(): void;
  onEngineStatus(listener: (status: EngineStatus) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** A trace opened from the menu, recent files, the command line or the file association. */
  onTraceOpened(listener: (trace: OpenedTrace) => void): () => void;
  openTraceDialog(): Promise<OpenedTrace | null>;
  /** A trace file dropped on the window (a File from a drop event). */
  openDroppedTrace(file: File): Promise<OpenedTrace>;
  openModelFolderDialog(): Promise<string | null>;
  /** Returns the saved path, or null when the user cancelled. */
  saveTrace(text: string, suggestedName: string): Promise<string | null>;
  saveExport(request: SaveExportRequest): Promise<string | null>;
}
