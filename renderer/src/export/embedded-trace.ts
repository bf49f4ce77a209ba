/** The viewer's side of an exported page: read the trace and export info the export wrote into it. */
import { EXPORT_INFO_BLOCK_ID, TRACE_BLOCK_ID, parseExportInfo, type HtmlExportInfo } from '../../../engine/trace/export-html';

export type EmbeddedTrace = { kind: 'trace'; text: string; info: HtmlExportInfo | null } | { kind: 'none' };

export function readEmbeddedTrace(doc: Document): EmbeddedTrace {
  // textContent undoes nothing: the \uXXXX escapes stay in the text and JSON.parse reads them per line.
  const text = doc.getElementById(TRACE_BLOCK_ID)?.textContent ?? '';
  if (!text.trim()) return { kind: 'none' };
  return { kind: 'trace', text, info: parseExportInfo(doc.getElementById(EXPORT_INFO_BLOCK_ID)?.textContent) };
}
