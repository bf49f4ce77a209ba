import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP, APP_SCHEME_PRIVILEGES, createAppRequestHandler, resolveAppUrl } from '../../electron/protocol';

const base = mkdtempSync(join(tmpdir(), 'ds-protocol-'));
const rendererDir = join(base, 'renderer');
const demoDir = join(base, 'demo');

beforeAll(() => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  mkdirSync(demoDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Decodescope</title>');
  writeFileSync(join(rendererDir, 'assets', 'index-1.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
  writeFileSync(join(demoDir, 'greedy.trace.jsonl'), '{"type":"header"}\n');
});

describe('resolveAppUrl', () => {
  it('maps app:// URLs under the renderer folder', () => {
    expect(resolveAppUrl(rendererDir, 'app://decodescope/')).toEqual({ ok: true, path: join(rendererDir, 'index.html') });
    expect(resolveAppUrl(rendererDir, 'app://decodescope/assets/index-1.js?x=1')).toEqual({
      ok: true,
      path: join(rendererDir, 'assets', 'index-1.js'),
    });
  });

  it.each([
    ['plain traversal', 'app://decodescope/../secret.txt'],
    ['traversal inside a path', 'app://decodescope/assets/../../secret.txt'],
    ['encoded traversal', 'app://decodescope/%2e%2e/secret.txt'],
    ['mixed-case encoded traversal', 'app://decodescope/%2E%2e%2fsecret.txt'],
    ['double-encoded traversal', 'app://decodescope/%252e%252e/secret.txt'],
    ['encoded slash', 'app://decodescope/assets%2f..%2f..%2fsecret.txt'],
    ['encoded backslash', 'app://decodescope/..%5csecret.txt'],
    ['absolute path', 'app://decodescope//etc/passwd'],
    ['absolute path, encoded', 'app://decodescope/%2fetc%2fpasswd'],
    ['null byte', 'app://decodescope/index.html%00.js'],
    ['another host', 'app://other/index.html'],
    ['another scheme', 'file:///etc/passwd'],
  ])('refuses %s', (_label, url) => {
    const result = resolveAppUrl(rendererDir, url);
    if (result.ok) {
      // Double-encoding decodes once to a literal "%2e%2e" name: harmless only if it stays under the root.
      expect(result.path.startsWith(rendererDir + '/')).toBe(true);
      expect(url).toContain('%25');
    } else {
      expect(result.reason.length).toBeGreaterThan(0);
    }
  });
});

describe('createAppRequestHandler', () => {
  const handle = createAppRequestHandler({ rendererDir, demoDir });

  it('serves index.html with the CSP header and a correct type', async () => {
    const res = await handle(new Request('app://decodescope/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('Decodescope');
  });

  it('serves scripts as JavaScript', async () => {
    const res = await handle(new Request('app://decodescope/assets/index-1.js'));
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('never returns a file outside the root', async () => {
    // The URL parser folds "%2e%2e" segments before we see them (→ 404 under the root); encoded
    // slashes survive parsing and are refused (→ 403). Either way the file stays unserved.
    for (const [url, status] of [
      ['app://decodescope/%2e%2e/secret.txt', 404],
      ['app://decodescope/assets/..%2f..%2fsecret.txt', 403],
      ['app://decodescope/..%5csecret.txt', 403],
    ] as const) {
      const res = await handle(new Request(url));
      expect(res.status).toBe(status);
      expect(await res.text()).not.toContain('do not serve');
    }
  });

  it('answers 404 for a missing file and 405 for writes', async () => {
    expect((await handle(new Request('app://decodescope/nope.js'))).status).toBe(404);
    expect((await handle(new Request('app://decodescope/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('lists and serves the demo traces at the same paths as web mode', async () => {
    const list = await handle(new Request('app://decodescope/api/demo-traces'));
    expect(await list.json()).toEqual([{ name: 'greedy.trace.jsonl', url: '/api/demo-traces/greedy.trace.jsonl', bytes: 18 }]);
    const file = await handle(new Request('app://decodescope/api/demo-traces/greedy.trace.jsonl'));
    expect(await file.text()).toBe('{"type":"header"}\n');
    expect((await handle(new Request('app://decodescope/api/demo-traces/..%2fsecret.txt'))).status).toBe(400);
  });

  it('has a CSP without unsafe-eval and without network connect sources', () => {
    expect(APP_CSP).not.toContain('unsafe-eval');
    expect(APP_CSP).toMatch(/connect-src 'self'(;|$)/);
    expect(APP_CSP).toMatch(/script-src 'self'(;|$)/);
  });

  it('registers app:// as a standard, secure scheme with fetch support', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
    });
  });
});
