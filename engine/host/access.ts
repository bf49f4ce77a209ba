/**
 * Who may talk to the web-mode server: requests addressed to the loopback host we listen on
 * (defeats DNS rebinding), from our own origin (defeats cross-site WebSockets), carrying the
 * per-run token (defeats other local users and pages).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_QUERY_PARAM = 'token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookies are not port-scoped, so the name carries the port: two servers never clobber each other. */
export function tokenCookieName(port: number): string {
  return `decodescope_token_${port}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

export type AccessCheck = { ok: true } | { ok: false; reason: string };

export function checkHost(req: IncomingMessage, port: number): AccessCheck {
  const host = req.headers.host?.toLowerCase();
  if (!host || !allowedHosts(port).includes(host)) {
    return { ok: false, reason: `Host header ${JSON.stringify(host ?? '')} is not this server's loopback address` };
  }
  return { ok: true };
}

/** An absent Origin is fine for plain page loads; when present it must be ours. `required` is for WebSockets. */
export function checkOrigin(req: IncomingMessage, port: number, required: boolean): AccessCheck {
  const origin = req.headers.origin;
  if (origin === undefined) return required ? { ok: false, reason: 'missing Origin header' } : { ok: true };
  if (!allowedOrigins(port).includes(origin.toLowerCase())) {
    return { ok: false, reason: `Origin ${JSON.stringify(origin)} is not allowed` };
  }
  return { ok: true };
}

/** The token from the query string, the Authorization header, or the port's cookie; undefined when none. */
export function presentedToken(req: IncomingMessage, url: URL, port: number): string | undefined {
  const fromQuery = url.searchParams.get(TOKEN_QUERY_PARAM);
  if (fromQuery) return fromQuery;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return readCookie(req.headers.cookie, tokenCookieName(port));
}
