/**
 * Web mode: serves the built renderer and the engine (WebSocket at /engine) on 127.0.0.1 only.
 * Every request must be addressed to our loopback host and carry the per-run token; the WebSocket
 * must also come from our own Origin. The handshake is documented in engine/host/README.md.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  allowedOrigins,
  checkHost,
  checkOrigin,
  newToken,
  presentedToken,
  tokenCookieName,
  tokensEqual,
  TOKEN_QUERY_PARAM,
} from './access';
import { buildCsp, securityHeaders } from './csp';
import type { EngineFacade } from './engine-facade';
import { mimeTypeFor } from './mime';
import { resolveUnderRoot } from './safe-path';
import { serveWebSocket, WS_MAX_PAYLOAD } from './ws-connection';
import { openInBrowser } from './open-browser';
import { DEMO_TRACES_PATH, listDemoTraces, routeDemoRequest } from './demo-traces';

export { DEMO_TRACES_PATH };

export const ENGINE_WS_PATH = '/engine';
export const HEALTH_PATH = '/healthz';

export interface WebServerOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** Only the IPv4 loopback address is accepted; anything else throws. */
  host?: string;
  /** The vite build output (out/renderer). */
  rendererDir: string;
  /** Bundled demo traces (*.trace.jsonl). Default: assets/demo of this checkout. */
  demoDir?: string;
  /** Open the URL in a browser when one is available and not in CI. */
  open?: boolean;
  /** A fixed token (tests, scripted setups). Default: $DECODESCOPE_TOKEN if set, else random per run. */
  token?: string;
  /** The engine the WebSocket clients drive. Default: the real engine, loaded on first use. */
  engine?: EngineFacade | (() => Promise<EngineFacade>);
  log?(message: string): void;
}

export interface WebServer {
  /** http://127.0.0.1:PORT/?token=TOKEN — the address to open. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const repoPath = (rel: string): string => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

function readAppVersion(): string {
  try {
    return (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function loadRealEngine(): Promise<EngineFacade> {
  const adapter = await import('./engine-adapter');
  return adapter.loadEngine();
}

function refuseHttp(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

function refuseUpgrade(socket: Duplex, status: 400 | 403 | 404, reason: string): void {
  const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status];
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') {
    throw new Error(`web server: host must be 127.0.0.1 (loopback only); refusing ${JSON.stringify(host)}`);
  }
  if (!existsSync(options.rendererDir)) {
    throw new Error(`web server: renderer folder ${options.rendererDir} does not exist; run \`npm run build:renderer\``);
  }
  const token = options.token ?? process.env.DECODESCOPE_TOKEN ?? newToken();
  if (token.length < 16) throw new Error('web server: token must be at least 16 characters');
  const demoDir = options.demoDir ?? repoPath('assets/demo');
  const log = options.log ?? (() => {});
  const engine = options.engine ?? loadRealEngine;
  const appVersion = readAppVersion();
  let port = 0;
  let csp = '';

  async function serveFile(req: IncomingMessage, res: ServerResponse, filePath: string, extra: Record<string, string> = {}) {
    let info;
    try {
      info = await stat(filePath);
    } catch {
      refuseHttp(res, 404, 'not found');
      return;
    }
    if (!info.isFile()) {
      refuseHttp(res, 404, 'not found');
      return;
    }
    res.writeHead(200, {
      ...securityHeaders(csp),
      'Content-Type': mimeTypeFor(filePath),
      'Content-Length': String(info.size),
      ...extra,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(filePath).pipe(res);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostCheck = checkHost(req, port);
    if (!hostCheck.ok) return refuseHttp(res, 403, `forbidden: ${hostCheck.reason}`);
    const originCheck = checkOrigin(req, port, false);
    if (!originCheck.ok) return refuseHttp(res, 403, `forbidden: ${originCheck.reason}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuseHttp(res, 405, 'method not allowed');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === HEALTH_PATH) return refuseHttp(res, 200, 'ok');

    const given = presentedToken(req, url, port);
    if (given === undefined) return refuseHttp(res, 403, `forbidden: missing token (open the URL printed at startup)`);
    if (!tokensEqual(token, given)) return refuseHttp(res, 403, 'forbidden: invalid token');
    // The page's own asset requests carry no query string; an HttpOnly cookie lets them through.
    const cookie = `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;

    const demo = routeDemoRequest(demoDir, url.pathname);
    if (demo.kind === 'list') {
      const body = JSON.stringify(await listDemoTraces(demoDir));
      res.writeHead(200, { ...securityHeaders(csp), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (demo.kind === 'bad-name') return refuseHttp(res, 400, `bad request: ${demo.reason}`);
    if (demo.kind === 'file') return serveFile(req, res, demo.path, { 'Cache-Control': 'no-store' });
    if (url.pathname.startsWith('/api/')) return refuseHttp(res, 404, 'not found');

    const resolved = resolveUnderRoot(options.rendererDir, url.pathname);
    if (!resolved.ok) return refuseHttp(res, 403, `forbidden: ${resolved.reason}`);
    if (url.pathname === '/favicon.ico' && !existsSync(resolved.path)) {
      // Browsers ask for it unprompted; a 404 would show up as a console error.
      res.writeHead(204, securityHeaders(csp));
      res.end();
      return;
    }
    const isPage = resolved.path.endsWith('.html');
    return serveFile(req, res, resolved.path, {
      'Cache-Control': isPage ? 'no-store' : 'no-cache',
      ...(isPage ? { 'Set-Cookie': cookie } : {}),
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  const sockets = new Set<WebSocket>();

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      log(`web server: ${req.url}: ${String(error)}`);
      if (!res.headersSent) refuseHttp(res, 500, 'internal error');
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== ENGINE_WS_PATH) return refuseUpgrade(socket, 404, 'no WebSocket here');
    const hostCheck = checkHost(req, port);
    if (!hostCheck.ok) return refuseUpgrade(socket, 403, hostCheck.reason);
    const originCheck = checkOrigin(req, port, true);
    if (!originCheck.ok) return refuseUpgrade(socket, 403, originCheck.reason);
    const given = presentedToken(req, url, port);
    if (given !== undefined && !tokensEqual(token, given)) return refuseUpgrade(socket, 403, 'invalid token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      serveWebSocket(ws, { token, authenticated: given !== undefined, engine, appVersion, log });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  csp = buildCsp({ connectSrc: allowedOrigins(port).map((o) => o.replace(/^http:/, 'ws:')) });
  const url = `http://127.0.0.1:${port}/?${TOKEN_QUERY_PARAM}=${token}`;
  if (options.open) openInBrowser(url, log);

  return {
    url,
    token,
    port,
    async close() {
      for (const ws of sockets) {
        ws.close(1001, 'server shutting down');
        ws.terminate();
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
