/**
 * "Export as HTML": the current trace inlined into the single-file viewer, saved as one page that replays
 * the run in any browser with no network. The viewer template comes from the host (web server or app://),
 * where the renderer build puts it next to index.html.
 */
import { appStore } from '../store/store';
import { traceToJsonl } from '../trace/trace-index';
import { hostBridge } from '../client/host-bridge';
import { baseName } from '../actions';
import { downloadBlob } from './export-view';
import { IS_VIEWER } from './viewer-mode';
import { VIEWER_TEMPLATE_URL, exportInfoFor, fillViewerTemplate, formatBytes } from '../../../engine/trace/export-html';

async function fetchViewerTemplate(): Promise<string> {
  let res: Response;
  try {
    res = await fetch(VIEWER_TEMPLATE_URL, { cache: 'no-store' });
  } catch (e) {
    throw new Error(`the viewer template could not be loaded (${(e as Error).message})`);
  }
  if (!res.ok) throw new Error(`the viewer template (viewer.html) is missing (HTTP ${res.status}); build it with \`npm run build:renderer\``);
  return res.text();
}

export async function exportHtml(): Promise<void> {
  const s = appStore.getState();
  if (IS_VIEWER) return s.showToast('info', 'This page already is an exported replay: keep a copy with the browser’s Save Page (Ctrl+S saves the trace).');
  if (!s.trace.header) return s.showToast('error', 'There is no trace to export yet.');
  try {
    const template = await fetchViewerTemplate();
    const info = exportInfoFor(s.trace.header, s.source.name || s.trace.header.method.name);
    const html = fillViewerTemplate(template, traceToJsonl(s.trace), info);
    const name = `${baseName()}.html`;
    const size = formatBytes(new TextEncoder().encode(html).byteLength);
    const leftOut = info.sidecarLeftOut ? ` Attention maps from ${info.sidecarLeftOut} are not included.` : '';
    const bridge = hostBridge();
    if (bridge) {
      const path = await bridge.saveExport({ format: 'html', suggestedName: name, data: html });
      if (path) s.showToast('info', `Saved ${path} (${size}).${leftOut}`);
      return;
    }
    downloadBlob(new Blob([html], { type: 'text/html;charset=utf-8' }), name);
    s.showToast('info', `Exported ${name} (${size}): it replays offline in any browser.${leftOut}`);
  } catch (e) {
    s.showToast('error', `Export as HTML failed: ${(e as Error).message}`);
  }
}
