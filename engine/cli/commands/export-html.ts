/**
 * `decodescope export FILE --format html --out PAGE.html`: the trace inlined into the built single-file viewer
 * (out/renderer/viewer.html), one page that replays the run in any browser with no network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ParsedTrace } from '../../trace/reader';
import { VIEWER_TEMPLATE_PATH, exportInfoFor, fillViewerTemplate, formatBytes } from '../../trace/export-html';

const templateFile = (): string => fileURLToPath(new URL(`../../../${VIEWER_TEMPLATE_PATH}`, import.meta.url));

/** Browsers open pages this large, but slowly; say so rather than surprise anyone. */
const LARGE_PAGE_BYTES = 200 * 1024 * 1024;

function readViewerTemplate(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`the HTML viewer is not built (no ${VIEWER_TEMPLATE_PATH}); run \`npm run build:renderer\` first`);
  }
  return readFileSync(path, 'utf8');
}

/** The trace's text as stored (gzip undone): every record exactly as written, unknown fields included. */
function readTraceText(file: string): string {
  const bytes = readFileSync(file);
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
}

export interface HtmlExportResult {
  html: string;
  /** Lines for stderr: size, and what the page leaves out. */
  notes: string[];
}

/** Builds the page for an already-read (valid) trace; throws with the reason when the page would not open. */
export function buildHtmlExport(file: string, trace: ParsedTrace, now = new Date(), templatePath = templateFile()): HtmlExportResult {
  if (!trace.header) throw new Error(`${file}: no header`);
  if (trace.errorCount > 0) {
    throw new Error(
      `${file}: ${trace.errorCount} invalid record(s) (first: ${trace.errors[0] ?? 'unknown'}); the viewer refuses such a trace — see \`decodescope validate\``,
    );
  }
  const template = readViewerTemplate(templatePath);
  const text = readTraceText(file);
  const info = exportInfoFor(trace.header, basename(file), now);
  const html = fillViewerTemplate(template, text, info);
  const size = Buffer.byteLength(html);
  const notes = [`${formatBytes(size)}: viewer ${formatBytes(Buffer.byteLength(template))} + trace ${formatBytes(Buffer.byteLength(text))}`];
  if (info.sidecarLeftOut) notes.push(`the sidecar ${info.sidecarLeftOut} (attention maps, hidden states) is not included; the page says so`);
  if (trace.truncated) notes.push('the trace has no footer (cut off); the page opens it with that warning');
  if (size > LARGE_PAGE_BYTES) notes.push('the page is very large: browsers will take a while to open it');
  return { html, notes };
}
