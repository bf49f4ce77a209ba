/**
 * Sharing a run as one HTML file: the single-file viewer (built by renderer/vite.viewer.config.ts) with a
 * trace written into a non-executed JSON data block. Pure string work, shared by the CLI (`decodescope
 * export --format html`) and the app's "Export as HTML" command, so both produce the same file.
 *
 * The data block holds the trace's JSON Lines with `<`, `>`, `&`, U+2028 and U+2029 written as \uXXXX
 * escapes. In valid JSON those characters can only occur inside strings, where the escape means the same
 * character, so every line still parses to the same record — and the block can never contain `</script`
 * or `<!--`, the only sequences that could end or confuse it. The viewer reads it with textContent.
 */

export const TRACE_BLOCK_ID = 'decodescope-trace';
export const EXPORT_INFO_BLOCK_ID = 'decodescope-export';
/** Where the built viewer lives, relative to the repository root; the hosts serve it as `viewer.html`. */
export const VIEWER_TEMPLATE_PATH = 'out/renderer/viewer.html';
export const VIEWER_TEMPLATE_URL = './viewer.html';

/** The empty blocks the viewer build leaves for the export to fill (exact text, searched before any script). */
export const emptyDataBlock = (id: string): string => `<script type="application/json" id="${id}"></script>`;

/** What the viewer shows in its "exported from Decodescope" note. */
export interface HtmlExportInfo {
  /** ISO time of the export. */
  exportedAt: string;
  /** Decoding method, from the trace header. */
  method: string;
  /** The trace's name where it came from (file name or demo name). */
  sourceName: string;
  /** The trace referred to a binary sidecar (attention maps, hidden states) that the HTML file does not carry. */
  sidecarLeftOut?: string;
}

export class ViewerTemplateError extends Error {
  override readonly name = 'ViewerTemplateError';
}

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/** JSON (or JSON Lines) text made safe inside a <script type="application/json"> block; still valid JSON. */
export function escapeJsonForScript(json: string): string {
  return json.replace(UNSAFE_IN_SCRIPT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeHtmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page title: what the run was, so a browser tab or a file list says it. */
export function exportTitle(info: HtmlExportInfo): string {
  const name = info.sourceName.replace(/\.trace\.jsonl(\.gz)?$|\.jsonl(\.gz)?$/, '');
  return name && name !== info.method ? `${info.method} · ${name} — Decodescope` : `${info.method} — Decodescope`;
}

/** The note the exported page shows where the app has its run controls. */
export function exportNote(info: HtmlExportInfo): string {
  const date = info.exportedAt.slice(0, 10);
  const parts = [`exported from Decodescope · ${date} · ${info.method}`];
  if (info.sidecarLeftOut) parts.push('attention maps not included');
  return parts.join(' · ');
}

/** Replaces the first occurrence of `marker`, which must come before the viewer's first executable script. */
function replaceMarker(html: string, marker: string, replacement: string, what: string): string {
  const at = html.indexOf(marker);
  const firstScript = html.indexOf('<script type="module"');
  if (at < 0 || (firstScript >= 0 && at > firstScript)) {
    throw new ViewerTemplateError(`the viewer template has no ${what}; rebuild it with \`npm run build:renderer\``);
  }
  return html.slice(0, at) + replacement + html.slice(at + marker.length);
}

/**
 * Fills the viewer template with a trace. `jsonl` must be valid JSON Lines (one record per line), as
 * traceToJsonl and the trace reader produce. The template's CSP (with its script hash) is left as built:
 * the data blocks are never executed, so they need no hash.
 */
export function fillViewerTemplate(template: string, jsonl: string, info: HtmlExportInfo): string {
  if (!/<meta http-equiv="Content-Security-Policy" content="[^"]*default-src 'none'/.test(template)) {
    throw new ViewerTemplateError('the viewer template has no network-forbidding Content-Security-Policy');
  }
  let html = replaceMarker(template, emptyDataBlock(TRACE_BLOCK_ID), dataBlock(TRACE_BLOCK_ID, escapeJsonForScript(jsonl)), 'trace block');
  html = replaceMarker(html, emptyDataBlock(EXPORT_INFO_BLOCK_ID), dataBlock(EXPORT_INFO_BLOCK_ID, escapeJsonForScript(JSON.stringify(info))), 'export-info block');
  html = html.replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtmlText(exportTitle(info))}</title>`);
  return html;
}

function dataBlock(id: string, text: string): string {
  return `<script type="application/json" id="${id}">${text}</script>`;
}

/** Export info from a trace header (the fields the note needs), with the sidecar called out when there is one. */
export function exportInfoFor(header: { method: { name: string }; sidecar?: string }, sourceName: string, now = new Date()): HtmlExportInfo {
  return {
    exportedAt: now.toISOString(),
    method: header.method.name,
    sourceName,
    ...(header.sidecar ? { sidecarLeftOut: header.sidecar } : {}),
  };
}

/** Reads the export info back (the viewer at startup); null when the page carries none or it is malformed. */
export function parseExportInfo(text: string | null | undefined): HtmlExportInfo | null {
  if (!text || !text.trim()) return null;
  try {
    const v = JSON.parse(text) as Partial<HtmlExportInfo>;
    if (typeof v.exportedAt !== 'string' || typeof v.method !== 'string' || typeof v.sourceName !== 'string') return null;
    return { exportedAt: v.exportedAt, method: v.method, sourceName: v.sourceName, ...(typeof v.sidecarLeftOut === 'string' ? { sidecarLeftOut: v.sidecarLeftOut } : {}) };
  } catch {
    return null;
  }
}

/** Human size for messages: "1.4 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
