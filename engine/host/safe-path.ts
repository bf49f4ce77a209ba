/**
 * Maps a URL path onto a file under a root folder, refusing anything that could escape it.
 * Shared by the web server and Electron's app:// protocol so both serve the renderer with the same rules.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type SafePathResult = { ok: true; path: string } | { ok: false; reason: string };

/**
 * `urlPath` is the still-encoded path part of a URL (e.g. "/assets/index-abc.js").
 * Refused: bad percent-encoding, NUL bytes, backslashes, drive letters, `..` segments (plain or
 * encoded), and anything that resolves outside `root`. "/" maps to index.html.
 */
export function resolveUnderRoot(root: string, urlPath: string): SafePathResult {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0')) return { ok: false, reason: 'NUL byte in path' };
  // Backslashes are separators on Windows and never appear in our asset names.
  if (decoded.includes('\\')) return { ok: false, reason: 'backslash in path' };
  if (/^\/*[a-zA-Z]:/.test(decoded)) return { ok: false, reason: 'drive letter in path' };
  if (decoded.startsWith('//')) return { ok: false, reason: 'absolute path' };
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, reason: 'dot segment in path' };
  const relativePath = segments.length === 0 ? 'index.html' : segments.join('/');
  if (isAbsolute(relativePath)) return { ok: false, reason: 'absolute path' };
  const rootAbs = resolve(root);
  const full = resolve(rootAbs, relativePath);
  const rel = relative(rootAbs, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || !full.startsWith(rootAbs + sep)) {
    return { ok: false, reason: 'path outside the root' };
  }
  return { ok: true, path: full };
}
