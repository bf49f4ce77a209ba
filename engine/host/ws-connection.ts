/**
 * One WebSocket connection to the engine: optional first-message authentication, then every text
 * frame is a ClientRequest handed to this connection's own dispatcher, and every EngineMessage goes
 * back as one JSON text frame.
 */
import type { WebSocket } from 'ws';
import { createDispatcher } from './dispatcher';
import { tokensEqual } from './access';
import type { EngineFacade } from './engine-facade';

export const WS_MAX_PAYLOAD = 4 * 1024 * 1024;
/** Close code 1008 (policy violation) with a reason the client can show. */
export const WS_POLICY_VIOLATION = 1008;
export const AUTH_TIMEOUT_MS = 10_000;

export interface WsConnectionOptions {
  token: string;
  /** True when the upgrade request already carried the right token (query or cookie). */
  authenticated: boolean;
  engine: EngineFacade | (() => Promise<EngineFacade>);
  appVersion: string;
  log(message: string): void;
}

function authTokenOf(data: string): string | undefined {
  try {
    const value = JSON.parse(data) as { kind?: unknown; token?: unknown };
    return value && value.kind === 'auth' && typeof value.token === 'string' ? value.token : undefined;
  } catch {
    return undefined;
  }
}

export function serveWebSocket(ws: WebSocket, options: WsConnectionOptions): void {
  let authenticated = options.authenticated;
  const dispatcher = createDispatcher({
    engine: options.engine,
    appVersion: options.appVersion,
    log: options.log,
    send(message) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
  });

  const authTimer = authenticated
    ? undefined
    : setTimeout(() => ws.close(WS_POLICY_VIOLATION, 'missing token'), AUTH_TIMEOUT_MS);

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(WS_POLICY_VIOLATION, 'binary frames are not part of the protocol');
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data).toString('utf8');
    if (!authenticated) {
      const given = authTokenOf(text);
      clearTimeout(authTimer);
      if (given === undefined) {
        ws.close(WS_POLICY_VIOLATION, 'missing token: send {"kind":"auth","token":...} first or use ?token=');
      } else if (!tokensEqual(options.token, given)) {
        ws.close(WS_POLICY_VIOLATION, 'invalid token');
      } else {
        authenticated = true;
      }
      return;
    }
    void dispatcher.handle(text);
  });

  ws.on('close', () => {
    clearTimeout(authTimer);
    void dispatcher.close();
  });
  ws.on('error', (error) => options.log(`engine websocket: ${error.message}`));
}
