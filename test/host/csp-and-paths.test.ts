import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCsp } from '../../engine/host/csp';
import { resolveUnderRoot } from '../../engine/host/safe-path';
import { isDemoTraceName, routeDemoRequest } from '../../engine/host/demo-traces';
import { mimeTypeFor } from '../../engine/host/mime';

const root = mkdtempSync(join(tmpdir(), 'ds-root-'));

describe('buildCsp', () => {
  it('never allows eval and keeps scripts to self', () => {
    const csp = buildCsp({ connectSrc: ['ws://127.0.0.1:4178'] });
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('wasm-unsafe-eval');
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:4178(;|$)/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('without extra sources connect-src is self only (Electron: engine over MessagePort)', () => {
    expect(buildCsp()).toMatch(/connect-src 'self'(;|$)/);
  });
});

describe('resolveUnderRoot', () => {
  it('maps / to index.html and nested assets under the root', () => {
    expect(resolveUnderRoot(root, '/')).toEqual({ ok: true, path: join(root, 'index.html') });
    expect(resolveUnderRoot(root, '/assets/index-abc.js')).toEqual({ ok: true, path: join(root, 'assets/index-abc.js') });
    expect(resolveUnderRoot(root, '/assets/a%20b.css')).toEqual({ ok: true, path: join(root, 'assets/a b.css') });
  });

  it.each([
    ['/../etc/passwd', 'dot segment'],
    ['/assets/../../etc/passwd', 'dot segment'],
    ['/%2e%2e/etc/passwd', 'dot segment'],
    ['/%2E%2E%2Fetc%2Fpasswd', 'dot segment'],
    ['/assets/%2e%2e%2f%2e%2e%2fsecret', 'dot segment'],
    ['/..%5c..%5cwindows', 'backslash'],
    ['/index.html%00.png', 'NUL'],
    ['/%E0%A4%A', 'malformed'],
    ['//etc/passwd', 'absolute'],
    ['/C:/Windows/win.ini', 'drive letter'],
    ['/./index.html', 'dot segment'],
  ])('refuses %s (%s)', (path, reason) => {
    const result = resolveUnderRoot(root, path);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('demo trace routes', () => {
  it('accepts plain trace names only', () => {
    expect(isDemoTraceName('greedy.trace.jsonl')).toBe(true);
    expect(isDemoTraceName('spec-tree_1.trace.jsonl.gz')).toBe(true);
    expect(isDemoTraceName('../x.trace.jsonl')).toBe(false);
    expect(isDemoTraceName('.hidden.trace.jsonl')).toBe(false);
    expect(isDemoTraceName('notes.txt')).toBe(false);
  });

  it('routes list, files and refuses encoded traversal', () => {
    expect(routeDemoRequest(root, '/api/demo-traces')).toEqual({ kind: 'list' });
    expect(routeDemoRequest(root, '/api/demo-traces/a.trace.jsonl')).toEqual({ kind: 'file', path: join(root, 'a.trace.jsonl') });
    expect(routeDemoRequest(root, '/api/demo-traces/..%2F..%2Fpackage.json').kind).toBe('bad-name');
    expect(routeDemoRequest(root, '/index.html')).toEqual({ kind: 'not-demo' });
  });
});

describe('mimeTypeFor', () => {
  it('knows the renderer build types', () => {
    expect(mimeTypeFor('a/index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeFor('x.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('x.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('x.svg')).toBe('image/svg+xml');
    expect(mimeTypeFor('x.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('t.trace.jsonl')).toBe('application/x-ndjson; charset=utf-8');
    expect(mimeTypeFor('x.unknown')).toBe('application/octet-stream');
  });
});
