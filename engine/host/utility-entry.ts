/**
 * Entry of Electron's engine utilityProcess. Main sends `{ type: 'connect' }` with one MessagePort
 * (the other end is in the renderer); each port gets its own dispatcher, so a reloaded window simply
 * connects again. No runtime import of electron: `process.parentPort` is read loosely.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { servePort, type EnginePort } from './port-connection';
import type { EngineFacade } from './engine-facade';

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: EnginePort[] }) => void): unknown;
  postMessage(message: unknown): void;
}

export const CONNECT_MESSAGE = 'connect';

function appVersion(): string {
  try {
    const root = process.env.DECODESCOPE_APP_ROOT ?? process.cwd();
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Serves every port the parent sends; exported so it can be driven without Electron. */
export function serveParentPort(
  parentPort: ParentPortLike,
  engine: EngineFacade | (() => Promise<EngineFacade>),
  log: (message: string) => void = (m) => console.error(m),
): void {
  const version = appVersion();
  parentPort.on('message', (event) => {
    const data = event.data as { type?: unknown } | undefined;
    if (data?.type !== CONNECT_MESSAGE) return;
    const [port] = event.ports;
    if (!port) {
      log('engine host: connect message without a port');
      return;
    }
    servePort(port, { engine, appVersion: version, log });
  });
  parentPort.postMessage({ type: 'ready' });
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) {
  // Start loading onnxruntime and the bundled models' metadata now, so the first request is quick.
  const engine = import('./engine-adapter').then((m) => m.loadEngine());
  engine.catch((error: unknown) => console.error(`engine host: engine failed to load: ${String(error)}`));
  serveParentPort(parentPort, () => engine);
}
