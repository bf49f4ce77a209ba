/**
 * The engine over a MessagePort (Electron: the renderer's end of a MessageChannelMain pair). Messages
 * are structured-cloned objects both ways (a JSON string is accepted too); one dispatcher per port.
 */
import { createDispatcher, type Dispatcher } from './dispatcher';
import type { EngineFacade } from './engine-facade';

/** What we use of Electron's MessagePortMain; Node's worker_threads port fits through a small wrapper. */
export interface EnginePort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export interface PortConnectionOptions {
  engine: EngineFacade | (() => Promise<EngineFacade>);
  appVersion: string;
  log(message: string): void;
}

export function servePort(port: EnginePort, options: PortConnectionOptions): Dispatcher {
  let open = true;
  const dispatcher = createDispatcher({
    engine: options.engine,
    appVersion: options.appVersion,
    log: options.log,
    send(message) {
      if (open) port.postMessage(message);
    },
  });
  port.on('message', (event) => {
    void dispatcher.handle(event.data);
  });
  port.on('close', () => {
    open = false;
    void dispatcher.close();
  });
  port.start();
  return dispatcher;
}
