/**
 * The preload bridge: window.decodescope, one function per message. The page never sees
 * ipcRenderer or an IpcRendererEvent. Bundled to one CommonJS file (sandboxed preloads cannot
 * import modules other than electron's).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EngineStatus } from '../engine/protocol/messages';
import {
  BRIDGE_KEY,
  ENGINE_PORT_MESSAGE,
  IpcChannel,
  type DecodescopeBridge,
  type MenuCommand,
  type OpenedTrace,
} from './bridge-api';

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

// The engine port cannot cross contextBridge; the documented route is a window message to the
// main world. The target is this very window, which can never leave app:// (navigation is
// denied), so '*' as in Electron's own example (an origin string from the isolated world could
// be opaque and make postMessage throw).
ipcRenderer.on(IpcChannel.enginePort, (event) => {
  window.postMessage(ENGINE_PORT_MESSAGE, '*', event.ports);
});

// Traces can be opened (command line, file association) before the page has subscribed; keep
// them until it does. The latest engine status is kept the same way.
const pendingTraces: OpenedTrace[] = [];
let traceListener: ((trace: OpenedTrace) => void) | undefined;
ipcRenderer.on(IpcChannel.traceOpened, (_event, trace: OpenedTrace) => {
  if (traceListener) traceListener(trace);
  else pendingTraces.push(trace);
});
let lastStatus: EngineStatus | undefined;
const statusListeners = new Set<(status: EngineStatus) => void>();
ipcRenderer.on(IpcChannel.engineStatus, (_event, status: EngineStatus) => {
  lastStatus = status;
  for (const listener of statusListeners) listener(status);
});

const bridge: DecodescopeBridge = {
  platform: 'electron',
  requestEnginePort: () => ipcRenderer.send(IpcChannel.requestEnginePort),
  onEngineStatus: (listener) => {
    statusListeners.add(listener);
    if (lastStatus) listener(lastStatus);
    return () => {
      statusListeners.delete(listener);
    };
  },
  onMenuCommand: (listener) => subscribe<MenuCommand>(IpcChannel.menuCommand, listener),
  onTraceOpened: (listener) => {
    traceListener = listener;
    for (const trace of pendingTraces.splice(0)) listener(trace);
    return () => {
      if (traceListener === listener) traceListener = undefined;
    };
  },
  openTraceDialog: () => ipcRenderer.invoke(IpcChannel.openTraceDialog),
  openDroppedTrace: (file) => ipcRenderer.invoke(IpcChannel.openDroppedTrace, webUtils.getPathForFile(file)),
  openModelFolderDialog: () => ipcRenderer.invoke(IpcChannel.openModelFolderDialog),
  saveTrace: (text, suggestedName) => ipcRenderer.invoke(IpcChannel.saveTrace, text, suggestedName),
  saveExport: (request) => ipcRenderer.invoke(IpcChannel.saveExport, request),
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
