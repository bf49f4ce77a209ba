/**
 * window.decodescope, exposed by the Electron preload (electron/bridge-api.ts is the contract);
 * absent in web mode, where the renderer falls back to downloads and file inputs.
 */
import type { DecodescopeBridge } from '../../../electron/bridge-api';

export type { DecodescopeBridge, MenuCommand, OpenedTrace as HostOpenedTrace } from '../../../electron/bridge-api';

export function hostBridge(): DecodescopeBridge | undefined {
  const b = (globalThis as { decodescope?: DecodescopeBridge }).decodescope;
  return b && b.platform === 'electron' ? b : undefined;
}
