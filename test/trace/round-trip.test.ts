// Engine → TraceWriter → file → reader gives back exactly what the engine emitted (after JSON's own
// normalisation: -Infinity becomes null), for real runs of each autoregressive method.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../engine/index';
import type { RunRequest } from '../../engine/protocol/messages';
import type { TraceRecord } from '../../engine/trace/schema';
import { TraceWriter } from '../../engine/trace/writer';
import { readTraceFile } from '../../engine/trace/read-file';
import { isValidTrace } from '../../engine/trace/reader';
import { GREEDY_REQUEST, SAMPLED_REQUEST } from './real-trace';

const cases: Array<[string, RunRequest, string]> = [
  ['greedy', GREEDY_REQUEST, 'greedy.jsonl'],
  ['sampled (top-k, top-p, temperature)', SAMPLED_REQUEST, 'sampled.jsonl.gz'],
  ['beam search', { method: 'beam_search', prompt: 'class Point:', params: { max_new_tokens: 6, do_sample: false, num_beams: 3 } }, 'beam.jsonl'],
  ['contrastive search', { method: 'contrastive_search', prompt: 'for i in', params: { max_new_tokens: 6, do_sample: false, penalty_alpha: 0.6, top_k: 4 } }, 'contrastive.jsonl.gz'],
];

describe('trace round trip on real runs', () => {
  for (const [name, request, file] of cases) {
    it(name, async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'ds-rt-')), file);
      const writer = new TraceWriter(path);
      const emitted: TraceRecord[] = [];
      const run = startRun(request, (r) => {
        emitted.push(r);
        writer.write(r);
      });
      const footer = await run.done;
      writer.close();
      expect(footer.status).toBe('completed');

      const trace = await readTraceFile(path);
      expect(trace.errors).toEqual([]);
      expect(trace.warnings).toEqual([]);
      expect(isValidTrace(trace)).toBe(true);
      const expected = JSON.parse(JSON.stringify(emitted)) as TraceRecord[];
      expect([trace.header, ...trace.events, trace.footer]).toEqual(expected);
      const types = new Set(trace.events.map((r) => r.type));
      if (request.method === 'beam_search') expect(types).toContain('beam');
      if (request.method === 'contrastive_search') expect(types).toContain('contrastive');
      if (request.params.do_sample) expect(types).toContain('rng_draw');
    });
  }
});
