/**
 * "Save run + forks": the original and each fork as its own .trace.jsonl. A fork's header already names its
 * parent (header.fork); on saving, `parent` is set to the parent's file name so the files point at each other
 * (parentCreatedAt still identifies the parent if a file is renamed).
 */
import type { TraceRecord } from '../../../engine/trace/schema';
import { hostBridge } from '../client/host-bridge';
import { downloadBlob } from '../export/export-view';
import type { AppStore } from '../store/store';
import { runSet, type RunEntry, type RunSetStore } from './run-set';

export interface SavedFile {
  name: string;
  text: string;
}

function stemOf(entry: RunEntry): string {
  const method = entry.index.header?.method.name ?? 'trace';
  const fromFile = /\.(trace\.)?jsonl(\.gz)?$/.test(entry.name) ? entry.name.replace(/\.trace\.jsonl(\.gz)?$|\.jsonl(\.gz)?$/, '') : `decodescope-${method}`;
  return fromFile.replace(/[^\w.-]+/g, '_');
}

/** The files to write, original first; runs that have not started (no header) are left out. */
export function runSetFiles(runs: readonly RunEntry[]): SavedFile[] {
  const kept = runs.filter((r) => r.kind !== 'opened' && r.index.header);
  const original = kept.find((r) => r.kind === 'original');
  if (!original) return [];
  const stem = stemOf(original);
  const names = new Map<string, string>();
  let n = 0;
  for (const r of kept) names.set(r.id, r === original ? `${stem}.trace.jsonl` : `${stem}.fork${++n}-at${r.fork?.outputIndex ?? 'x'}.trace.jsonl`);
  return kept.map((r) => {
    let text = '';
    for (const rec of r.index.records) {
      const out: TraceRecord = rec.type === 'header' && rec.fork && r.parentId && names.has(r.parentId) ? { ...rec, fork: { ...rec.fork, parent: names.get(r.parentId)! } } : rec;
      text += JSON.stringify(out) + '\n';
    }
    return { name: names.get(r.id)!, text };
  });
}

export async function saveRunSet(app: AppStore, set: RunSetStore = runSet): Promise<void> {
  const files = runSetFiles(set.getState().runs);
  if (files.length === 0) return app.getState().showToast('error', 'There is no run to save yet.');
  if (set.getState().runs.some((r) => r.status === 'running')) app.getState().showToast('info', 'A run is still decoding; it is saved as far as it got.');
  const bridge = hostBridge();
  try {
    for (const f of files) {
      if (bridge) await bridge.saveTrace(f.text, f.name);
      else downloadBlob(new Blob([f.text], { type: 'application/x-ndjson' }), f.name);
    }
    if (!bridge) app.getState().showToast('info', `Saved ${files.map((f) => f.name).join(', ')}`);
  } catch (e) {
    app.getState().showToast('error', `Saving failed: ${(e as Error).message}`);
  }
}
