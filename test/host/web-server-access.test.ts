/**
 * Who gets in to the web-mode server. None of these requests reach the engine, except `hello`,
 * which the dispatcher answers itself.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWebServer, type WebServer } from '../../engine/host/web-server';

const base = mkdtempSync(join(tmpdir(), 'ds-web-'));
const rendererDir = join(base, 'renderer');
const demoDir = join(base, 'demo');
let server: WebServer;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

type WsOutcome = { kind: 'refused'; status: number } | { kind: 'closed'; code: number; reason: string } | { kind: 'open'; ws: WebSocket };

function connect(query: string, headers: Record<string, string>): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine${query}`, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ kind: 'refused', status: res.statusCode ?? 0 }));
    ws.on('open', () => resolve({ kind: 'open', ws }));
    ws.on('error', () => {});
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)));
}

const origin = () => `http://127.0.0.1:${server.port}`;

beforeAll(async () => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  mkdirSync(demoDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Decodescope</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
  writeFileSync(join(demoDir, 'greedy.trace.jsonl'), '{"type":"header"}\n');
  server = await startWebServer({ rendererDir, demoDir, host: '127.0.0.1', log: () => {} });
});

afterAll(async () => {
  await server?.close();
});

describe('startWebServer', () => {
  it('refuses to listen anywhere but 127.0.0.1', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost']) {
      await expect(startWebServer({ rendererDir, host })).rejects.toThrow(/host must be 127\.0\.0\.1/);
    }
  });

  it('prints a loopback URL carrying a fresh random token', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const other = await startWebServer({ rendererDir, demoDir });
    expect(other.token).not.toBe(server.token);
    await other.close();
  });
});

describe('HTTP access', () => {
  it('serves the page with the token, a CSP without unsafe-eval, and a port cookie for the assets', async () => {
    const res = await get(`/?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`decodescope_token_${server.port}=${server.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await get('/assets/app.js', { cookie: `decodescope_token_${server.port}=${server.token}` });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('refuses requests without the token, or with a wrong one', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/api/demo-traces']) {
      const res = await get(path);
      expect(res.status, path).toBe(403);
      expect(res.body).toContain('missing token');
    }
    const wrong = await get('/?token=not-the-token');
    expect(wrong.status).toBe(403);
    expect(wrong.body).toContain('invalid token');
    const otherPortCookie = await get('/assets/app.js', { cookie: `decodescope_token_1=${server.token}` });
    expect(otherPortCookie.status).toBe(403);
  });

  it('refuses a non-loopback Host header (DNS rebinding) even with the token', async () => {
    for (const host of ['evil.example:80', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '0.0.0.0']) {
      const res = await get(`/?token=${server.token}`, { host });
      expect(res.status, host).toBe(403);
      expect(res.body).toContain('Host header');
    }
    expect((await get(`/?token=${server.token}`, { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a request with no Host header at all', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connectTcp(server.port, '127.0.0.1', () => socket.write(`GET /?token=${server.token} HTTP/1.0\r\n\r\n`));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.[01] 403/);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const res = await get(`/api/demo-traces?token=${server.token}`, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('Origin');
  });

  it('refuses static path traversal', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/index.html%00']) {
      const res = await get(`${path}${path.includes('?') ? '&' : '?'}token=${server.token}`);
      expect([403, 404], path).toContain(res.status);
      expect(res.body).not.toContain('do not serve');
    }
  });

  it('answers the browser favicon probe with 204 when the build has none (no console error)', async () => {
    expect((await get(`/favicon.ico?token=${server.token}`)).status).toBe(204);
    expect((await get('/favicon.ico')).status).toBe(403);
  });

  it('refuses writes', async () => {
    expect((await get(`/?token=${server.token}`, {}, 'POST')).status).toBe(405);
  });

  it('lists and serves the bundled demo traces with the token', async () => {
    const list = await get('/api/demo-traces', { authorization: `Bearer ${server.token}` });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toEqual([{ name: 'greedy.trace.jsonl', url: '/api/demo-traces/greedy.trace.jsonl', bytes: 18 }]);
    const file = await get(`/api/demo-traces/greedy.trace.jsonl?token=${server.token}`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(file.body).toBe('{"type":"header"}\n');
    expect((await get(`/api/demo-traces/..%2f..%2fsecret.txt?token=${server.token}`)).status).toBe(400);
  });

  it('answers the health check without the token and without content', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body.trim()).toBe('ok');
  });
});

describe('WebSocket access', () => {
  it('refuses an upgrade with a foreign Origin or no Origin, even with the token', async () => {
    expect(await connect(`?token=${server.token}`, { origin: 'https://evil.example' })).toEqual({ kind: 'refused', status: 403 });
    expect(await connect(`?token=${server.token}`, { origin: `http://127.0.0.1:${server.port + 1}` })).toEqual({ kind: 'refused', status: 403 });
    expect(await connect(`?token=${server.token}`, {})).toEqual({ kind: 'refused', status: 403 });
  });

  it('refuses an upgrade with a wrong token or a foreign Host', async () => {
    expect(await connect('?token=wrong', { origin: origin() })).toEqual({ kind: 'refused', status: 403 });
    expect(await connect(`?token=${server.token}`, { origin: origin(), host: 'evil.example' })).toEqual({ kind: 'refused', status: 403 });
  });

  it('closes a tokenless connection whose first message is not the token, with a reason', async () => {
    const outcome = await connect('', { origin: origin() });
    expect(outcome.kind).toBe('open');
    if (outcome.kind !== 'open') return;
    const closed = closeOf(outcome.ws);
    outcome.ws.send(JSON.stringify({ kind: 'hello', id: 1, protocol: 1 }));
    expect(await closed).toEqual({ code: 1008, reason: expect.stringContaining('missing token') });
  });

  it('closes a connection whose first message carries a wrong token', async () => {
    const outcome = await connect('', { origin: origin() });
    if (outcome.kind !== 'open') throw new Error('expected the upgrade to succeed');
    const closed = closeOf(outcome.ws);
    outcome.ws.send(JSON.stringify({ kind: 'auth', token: 'x'.repeat(32) }));
    expect(await closed).toEqual({ code: 1008, reason: 'invalid token' });
  });

  it('accepts the token as the first message, then speaks the protocol', async () => {
    const outcome = await connect('', { origin: `http://localhost:${server.port}` });
    if (outcome.kind !== 'open') throw new Error('expected the upgrade to succeed');
    outcome.ws.send(JSON.stringify({ kind: 'auth', token: server.token }));
    const reply = nextMessage(outcome.ws);
    outcome.ws.send(JSON.stringify({ kind: 'hello', id: 7, protocol: 1 }));
    expect(await reply).toEqual({ kind: 'response', id: 7, ok: true, result: { protocol: 1, appVersion: expect.any(String) } });
    outcome.ws.close();
  });

  it('answers a protocol mismatch and malformed frames with errors, not a crash', async () => {
    const outcome = await connect(`?token=${server.token}`, { origin: origin() });
    if (outcome.kind !== 'open') throw new Error('expected the upgrade to succeed');
    const { ws } = outcome;
    let reply = nextMessage(ws);
    ws.send(JSON.stringify({ kind: 'hello', id: 1, protocol: 99 }));
    expect(await reply).toMatchObject({ id: 1, ok: false, error: expect.stringMatching(/^protocol: client speaks version 99/) });
    reply = nextMessage(ws);
    ws.send('{not json');
    expect(await reply).toMatchObject({ id: -1, ok: false, error: expect.stringContaining('not valid JSON') });
    reply = nextMessage(ws);
    ws.send(JSON.stringify({ kind: 'hello', id: 2 }));
    expect(await reply).toMatchObject({ id: 2, ok: false, error: expect.stringMatching(/^invalid request: protocol:/) });
    reply = nextMessage(ws);
    ws.send(JSON.stringify({ kind: 'launch_missiles', id: 3 }));
    expect(await reply).toMatchObject({ id: 3, ok: false, error: expect.stringMatching(/kind/) });
    const closed = closeOf(ws);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await closed).code).toBe(1008);
  });
});
