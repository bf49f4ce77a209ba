/**
 * Web mode: the engine runs in `decodescope serve` and talks over a WebSocket at /engine on the same
 * host. The per-run token the server printed travels in the page URL (?token=… or #token=…) and is
 * passed on in the socket URL; the server refuses connections without it.
 */
import type { ClientRequest, EngineMessage } from '../../../engine/protocol/messages';
import { RpcClient } from './rpc-client';

export function tokenFromLocation(loc: Pick<Location, 'search' | 'hash'>): string | null {
  const fromQuery = new URLSearchParams(loc.search).get('token');
  if (fromQuery) return fromQuery;
  const hash = loc.hash.startsWith('#') ? loc.hash.slice(1) : loc.hash;
  return new URLSearchParams(hash).get('token');
}

export function engineSocketUrl(loc: Pick<Location, 'href' | 'protocol'>, token: string): string {
  const url = new URL('engine', new URL('/', loc.href));
  url.protocol = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.toString();
}

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

export class WebSocketClient extends RpcClient {
  readonly transport = 'websocket' as const;
  private socket: WebSocket | null = null;
  private disposed = false;
  private attempts = 0;
  private queue: string[] = [];

  constructor(private readonly url: string) {
    super();
    this.connect();
  }

  private connect(): void {
    if (this.disposed) return;
    const ws = new WebSocket(this.url);
    this.socket = ws;
    ws.onopen = () => {
      this.attempts = 0;
      for (const m of this.queue) ws.send(m);
      this.queue = [];
      this.hello().then(
        () => this.setStatus({ state: 'ready' }),
        (e: Error) => this.setStatus({ state: 'lost', message: `engine refused the handshake: ${e.message}` }),
      );
    };
    ws.onmessage = (ev) => {
      let msg: EngineMessage;
      try {
        msg = JSON.parse(typeof ev.data === 'string' ? ev.data : '') as EngineMessage;
      } catch {
        return;
      }
      this.receive(msg);
    };
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      if (this.disposed) return;
      const reason = ev.code === 1008 || ev.code === 4401 ? 'the server refused this page (token?)' : 'connection to the engine closed';
      this.setStatus({ state: 'lost', message: reason });
      const delay = RETRY_MS[Math.min(this.attempts++, RETRY_MS.length - 1)]!;
      setTimeout(() => {
        if (this.disposed) return;
        this.setStatus({ state: 'restarting', message: 'reconnecting…' });
        this.connect();
      }, delay);
    };
  }

  protected send(msg: ClientRequest): void {
    const text = JSON.stringify(msg);
    const ws = this.socket;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
    else if (ws && ws.readyState === WebSocket.CONNECTING) this.queue.push(text);
    else throw new Error('the engine is not connected');
  }

  dispose(): void {
    this.disposed = true;
    this.socket?.close();
    this.socket = null;
  }
}
