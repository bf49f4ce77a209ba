/**
 * User commands that cross modules: open a trace file, load a demo, save the trace, export the view.
 * The toolbar, the keyboard, drag-and-drop and the Electron menu all call these.
 */
import { appStore } from './store/store';
import { parseTraceText, TraceParseError } from './trace/parse-trace';
import { indexRecords, traceToJsonl } from './trace/trace-index';
import { DEMOS } from './demos';
import { hostBridge } from './client/host-bridge';
import { downloadBlob, serializeSvg, svgToPngBlob } from './export/export-view';

/** Opens trace text; on any error the current trace stays open and the message names line and field. */
export function openTraceText(text: string, name: string, kind: 'trace' | 'demo' = 'trace'): boolean {
  const s = appStore.getState();
  try {
    const t0 = performance.now();
    const parsed = parseTraceText(text, name);
    const index = indexRecords(parsed.records);
    s.loadTrace(kind, name, index, parsed.warnings);
    if (parsed.warnings.length) s.showToast('info', `${name}: ${parsed.warnings.join('; ')}`);
    (globalThis as { __decodescopeLastOpenMs?: number }).__decodescopeLastOpenMs = performance.now() - t0;
    return true;
  } catch (e) {
    const msg = e instanceof TraceParseError ? e.message : `${name}: ${(e as Error).message}`;
    s.showToast('error', `Could not open the trace. ${msg}\nThe trace that was open is still shown.`);
    return false;
  }
}

export async function openTraceFile(file: File): Promise<boolean> {
  let text: string;
  try {
    if (file.name.endsWith('.gz')) {
      const stream = file.stream().pipeThrough(new DecompressionStream('gzip'));
      text = await new Response(stream).text();
    } else text = await file.text();
  } catch (e) {
    appStore.getState().showToast('error', `Could not read ${file.name}: ${(e as Error).message}`);
    return false;
  }
  return openTraceText(text, file.name, 'trace');
}

/** Ctrl+O / File ▸ Open: the native dialog in Electron, the file input in a browser. */
export async function pickTraceFile(): Promise<void> {
  const bridge = hostBridge();
  if (bridge) {
    try {
      const opened = await bridge.openTraceDialog();
      if (opened) openTraceText(opened.text, opened.name);
    } catch (e) {
      appStore.getState().showToast('error', `Could not open the trace: ${(e as Error).message}`);
    }
    return;
  }
  document.querySelector<HTMLInputElement>('[data-testid="open-trace-input"]')?.click();
}

export async function loadDemo(name: string): Promise<boolean> {
  const demo = DEMOS.find((d) => d.name === name) ?? DEMOS[0];
  if (!demo) return false;
  return openTraceText(await demo.load(), demo.name, 'demo');
}

export function baseName(): string {
  const { source, trace } = appStore.getState();
  const method = trace.header?.method.name ?? 'trace';
  const stem = source.kind === 'trace' ? source.name.replace(/\.trace\.jsonl(\.gz)?$|\.jsonl$/, '') : `decodescope-${method}`;
  return stem.replace(/[^\w.-]+/g, '_');
}

export async function saveTrace(): Promise<void> {
  const { trace, showToast } = appStore.getState();
  if (!trace.header) return showToast('error', 'There is no trace to save yet.');
  const text = traceToJsonl(trace);
  const name = `${baseName()}.trace.jsonl`;
  const bridge = hostBridge();
  if (bridge) {
    const path = await bridge.saveTrace(text, name);
    if (path) showToast('info', `Saved ${path}`);
    return;
  }
  downloadBlob(new Blob([text], { type: 'application/x-ndjson' }), name);
}

function currentViewSvg(): SVGSVGElement | null {
  return document.querySelector<SVGSVGElement>('[data-export-root] svg');
}

export async function exportView(format: 'svg' | 'png'): Promise<void> {
  const s = appStore.getState();
  const svg = currentViewSvg();
  if (!svg) return s.showToast('error', 'This view has no picture to export yet.');
  const step = s.cursor.stepIdx >= 0 ? s.trace.steps[s.cursor.stepIdx]?.step : 0;
  const name = `${baseName()}-step${step}.${format}`;
  try {
    const text = serializeSvg(svg);
    const bridge = hostBridge();
    if (format === 'svg') {
      if (bridge) await bridge.saveExport({ format, suggestedName: name, data: text });
      else downloadBlob(new Blob([text], { type: 'image/svg+xml' }), name);
      return;
    }
    const w = Number(svg.getAttribute('width')) || svg.clientWidth;
    const h = Number(svg.getAttribute('height')) || svg.clientHeight;
    const png = await svgToPngBlob(text, w, h);
    if (bridge) await bridge.saveExport({ format, suggestedName: name, data: new Uint8Array(await png.arrayBuffer()) });
    else downloadBlob(png, name);
  } catch (e) {
    s.showToast('error', `Export failed: ${(e as Error).message}`);
  }
}
