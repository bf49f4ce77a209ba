// Every family of method, on the real bundled models: its trace survives the writer and reader unchanged,
// validates, indexes (every record under its step), and exports to Perfetto (nested slices) and HF (sequences).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMethods, startRun } from '../../engine/index';
import type { TraceRecord } from '../../engine/trace/schema';
import { TraceWriter } from '../../engine/trace/writer';
import { readTraceFile } from '../../engine/trace/read-file';
import { isValidTrace } from '../../engine/trace/reader';
import { exportPerfetto } from '../../engine/trace/export-perfetto';
import { exportHf } from '../../engine/trace/export-hf';
import { indexTrace } from '../../engine/trace/indexer';

// One method per family, plus the tree and Jacobi variants whose records differ most.
const METHODS = ['speculative', 'medusa', 'eagle', 'jacobi', 'lookahead'];

describe('trace tools on every method family', () => {
  it('the chosen methods exist', () => {
    const known = listMethods().map((m) => m.name);
    for (const m of METHODS) expect(known).toContain(m);
  });

  for (const method of METHODS) {
    it(method, async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'ds-methods-')), `${method}.jsonl.gz`);
      const writer = new TraceWriter(path);
      const emitted: TraceRecord[] = [];
      const snapshots: string[] = [];
      const run = startRun({ method, prompt: 'def main():', params: { max_new_tokens: 8, do_sample: false } }, (r) => {
        emitted.push(r);
        snapshots.push(JSON.stringify(r));
        writer.write(r);
      });
      const footer = await run.done;
      writer.close();
      expect(footer.status, footer.error).toBe('completed');

      const trace = await readTraceFile(path);
      expect(trace.errors).toEqual([]);
      expect(isValidTrace(trace)).toBe(true);
      // The file holds each record as it was when emitted.
      expect([trace.header, ...trace.events, trace.footer]).toEqual(snapshots.map((t) => JSON.parse(t)));
      // A live UI keeps the emitted objects: the engine must not change them afterwards.
      const changed = emitted.findIndex((r, i) => JSON.stringify(r) !== snapshots[i]);
      expect(changed, changed < 0 ? '' : `record ${changed} (${emitted[changed].type}) changed after it was emitted: ${snapshots[changed].slice(0, 200)}`).toBe(-1);

      const index = indexTrace(trace.events);
      expect(index.outputIds).toEqual(footer.summary.tokenIds);

      const perfetto = exportPerfetto(trace.header!, trace.events, trace.footer);
      const calls = trace.events.filter((r) => r.type === 'model_call');
      const slices = perfetto.traceEvents.filter((e) => e.ph === 'X');
      expect(slices.filter((e) => e.cat === 'model_call')).toHaveLength(calls.length);
      for (const call of slices.filter((e) => e.cat === 'model_call')) {
        const parent = slices.find((s) => s.cat === 'step' && s.tid === call.tid && s.ts <= call.ts + 1e-6 && s.ts + s.dur! >= call.ts + call.dur! - 1e-6);
        expect(parent, `${method}: ${call.name}`).toBeDefined();
      }

      const hf = exportHf(trace.header!, trace.events, trace.footer);
      expect(hf.sequences[0]).toEqual([...trace.header!.prompt.tokenIds, ...footer.summary.tokenIds]);
      expect(hf.scores).toHaveLength(footer.summary.newTokens);
    }, 300_000);
  }
});
