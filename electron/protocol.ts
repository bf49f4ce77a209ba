/**
 * The app:// protocol: serves the built renderer (out/renderer) and the bundled demo traces from
 * disk, only files under their roots, with the same CSP as web mode (no 'unsafe-eval'; no ws:
 * because the engine arrives over a MessagePort). Types only from electron: unit-testable.
 */
import { readFile, stat } from 'node:fs/promises';
import type { CustomScheme, Protocol } from 'electron';
import { buildCsp, securityHeaders } from '../engine/host/csp';
import { listDemoTraces, routeDemoRequest } from '../engine/host/demo-traces';
import { mimeTypeFor } from '../engine/host/mime';
import { resolveUnderRoot, type SafePathResult } from '../engine/host/safe-path';
import { APP_HOST, APP_SCHEME } from './app-origin';

export const APP_CSP = buildCsp();

/** Registered before app 'ready': a standard, secure scheme so relative URLs, fetch and storage work. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

export interface AppProtocolOptions {
  rendererDir: string;
  demoDir: string;
}

/** Maps an app:// URL to a file under the renderer folder, or says why not. */
export function resolveAppUrl(rendererDir: string, rawUrl: string): SafePathResult {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:`) return { ok: false, reason: `wrong scheme ${url.protocol}` };
  if (url.host !== APP_HOST) return { ok: false, reason: `wrong host ${JSON.stringify(url.host)}` };
  // The URL parser already folded plain "..": check the raw text too, so an encoded or
  // pre-normalisation escape attempt is refused rather than silently redirected.
  const rawPath = rawUrl.slice(`${APP_SCHEME}://${APP_HOST}`.length).split(/[?#]/)[0] ?? '';
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rawPath) || /%2f|%5c/i.test(rawPath)) {
    return { ok: false, reason: 'dot segment or encoded separator in path' };
  }
  return resolveUnderRoot(rendererDir, url.pathname);
}

function textResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { ...securityHeaders(APP_CSP), 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

async function fileResponse(path: string): Promise<Response> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return textResponse(404, 'not found');
    const body = await readFile(path);
    return new Response(body, {
      status: 200,
      headers: { ...securityHeaders(APP_CSP), 'Content-Type': mimeTypeFor(path), 'Cache-Control': 'no-cache' },
    });
  } catch {
    return textResponse(404, 'not found');
  }
}

/** The request handler given to protocol.handle; pure enough to call with a plain Request in tests. */
export function createAppRequestHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
    let pathname: string;
    try {
      const url = new URL(request.url);
      if (url.host !== APP_HOST) return textResponse(403, 'forbidden: wrong host');
      pathname = url.pathname;
    } catch {
      return textResponse(400, 'bad URL');
    }
    const demo = routeDemoRequest(options.demoDir, pathname);
    if (demo.kind === 'list') {
      return new Response(JSON.stringify(await listDemoTraces(options.demoDir)), {
        headers: { ...securityHeaders(APP_CSP), 'Content-Type': 'application/json; charset=utf-8' },
      });
    }
    if (demo.kind === 'bad-name') return textResponse(400, `bad request: ${demo.reason}`);
    if (demo.kind === 'file') return fileResponse(demo.path);
    const resolved = resolveAppUrl(options.rendererDir, request.url);
    if (!resolved.ok) return textResponse(403, `forbidden: ${resolved.reason}`);
    return fileResponse(resolved.path);
  };
}

export function registerAppProtocol(protocol: Protocol, options: AppProtocolOptions): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(options));
}
