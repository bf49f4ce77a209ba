/**
 * Electron: the preload bridge hands the page a MessagePort connected to the engine's utilityProcess.
 * The bridge posts it to the main world as a window message { type: 'decodescope:engine-port' } with
 * the port attached (contextBridge cannot pass ports directly). When the engine restarts, a new port
 * arrives the same way and replaces the old one.
 */
import type { ClientRequest, EngineMessage } from '../../../engine/protocol/messages';
import { RpcClient } from './rpc-client';
import { ENGINE_PORT_MESSAGE } from '../../../electron/bridge-api';

export { ENGINE_PORT_MESSAGE };

export class MessagePortClient extends RpcClient {
  readonly transport = 'message-port' as const;
  private port: MessagePort | null = null;
  private readonly onWindowMessage = (ev: MessageEvent) => {
    const data = ev.data as { type?: string } | string | null;
    const type = typeof data === 'string' ? data : data?.type;
    if (type !== ENGINE_PORT_MESSAGE || !ev.ports[0]) return;
    this.attach(ev.ports[0]);
  };

  constructor(initialPort?: MessagePort) {
    super();
    window.addEventListener('message', this.onWindowMessage);
    if (initialPort) this.attach(initialPort);
  }

  private attach(port: MessagePort): void {
    this.port?.close();
    if (this.port) this.setStatus({ state: 'restarting', message: 'engine restarted' });
    this.port = port;
    port.onmessage = (ev) => this.receive(ev.data as EngineMessage);
    port.onmessageerror = () => this.setStatus({ state: 'lost', message: 'unreadable message from the engine' });
    port.start();
    this.hello().then(
      () => this.setStatus({ state: 'ready' }),
      (e: Error) => this.setStatus({ state: 'lost', message: e.message }),
    );
  }

  /** The shell calls this (through the bridge) when the engine process exits. */
  engineLost(message: string, state: 'lost' | 'restarting' = 'lost'): void {
    this.port?.close();
    this.port = null;
    this.setStatus({ state, message });
  }

  protected send(msg: ClientRequest): void {
    if (!this.port) throw new Error('the engine is not connected');
    this.port.postMessage(msg);
  }

  dispose(): void {
    window.removeEventListener('message', this.onWindowMessage);
    this.port?.close();
    this.port = null;
  }
}
