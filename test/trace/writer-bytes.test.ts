/**
 * The trace writer's output is byte for byte the JSON.stringify text of each record, one per line, whatever
 * shortcut it takes: shared top-k lists serialised once, lines encoded into a reused buffer that grows for large
 * records, gzip members. Records come from real runs (greedy: processed list = raw list; sampled: processed list =
 * last stage list) plus hand-made ones that defeat the shortcut.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../engine/index';
import type { DistributionRecord, TraceRecord } from '../../engine/trace/schema';
import { TraceWriter } from '../../engine/trace/writer';
import { recordJson } from '../../engine/trace/record-json';
import { GREEDY_REQUEST, SAMPLED_REQUEST } from './real-trace';

async function emitted(request: typeof GREEDY_REQUEST): Promise<TraceRecord[]> {
  const records: TraceRecord[] = [];
  await startRun(request, (r) => records.push(r)).done;
  return records;
}

function writeAll(records: TraceRecord[], file: string, options: ConstructorParameters<typeof TraceWriter>[1] = {}): Buffer {
  const path = join(mkdtempSync(join(tmpdir(), 'ds-wb-')), file);
  const w = new TraceWriter(path, options);
  for (const r of records) w.write(r);
  w.close();
  const bytes = readFileSync(path);
  return file.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

const expectedText = (records: TraceRecord[]) => records.map((r) => JSON.stringify(r) + '\n').join('');

describe('trace writer bytes', () => {
  it('greedy and sampled runs: the file is exactly the JSON.stringify lines (plain and gzip)', async () => {
    for (const request of [GREEDY_REQUEST, SAMPLED_REQUEST]) {
      const records = await emitted(request);
      const dists = records.filter((r): r is DistributionRecord => r.type === 'distribution');
      expect(dists.length).toBeGreaterThan(0);
      // The shortcut is really taken: the processed list is the raw list (greedy) or the last stage's (sampled).
      for (const d of dists) expect(d.processed.topk).toBe(d.stages.length ? d.stages[d.stages.length - 1]!.topk : d.raw.topk);
      const text = expectedText(records);
      expect(writeAll(records, 'a.jsonl').toString('utf8')).toBe(text);
      expect(writeAll(records, 'a.jsonl.gz', { flushBytes: 4096 }).toString('utf8')).toBe(text);
    }
  });

  it('non-ASCII text, a record far larger than the buffer, and a marker look-alike all come out unchanged', async () => {
    const records = await emitted(GREEDY_REQUEST);
    const dist = records.find((r): r is DistributionRecord => r.type === 'distribution')!;
    const shared = { ...dist, distId: 'c0.r0.p0', processed: { ...dist.processed, topk: dist.raw.topk } };
    // A string equal to the internal marker: the shortcut must notice and fall back.
    const lookalike = { ...shared, distId: '\u0000topk' };
    const big: TraceRecord = { type: 'note', step: 0, kind: 'big', message: 'ü€😀'.repeat(80_000) };
    const mixed: TraceRecord[] = [records[0]!, { type: 'note', step: 0, kind: 'text', message: 'naïve “quotes” \u2028 😀 \ud800' }, shared, lookalike, big, ...records.slice(1)];
    expect(recordJson(shared)).toBe(JSON.stringify(shared));
    expect(recordJson(lookalike)).toBe(JSON.stringify(lookalike));
    expect(writeAll(mixed, 'b.jsonl', { flushBytes: 1024 }).toString('utf8')).toBe(expectedText(mixed));
  });

  it('recordJson equals JSON.stringify for every record of real runs of several methods (all record types)', async () => {
    const requests: (typeof GREEDY_REQUEST)[] = [
      GREEDY_REQUEST,
      SAMPLED_REQUEST,
      { method: 'autoregressive', prompt: 'def f(x):', params: { max_new_tokens: 8, do_sample: true, seed: 5, temperature: 1.3, top_p: 0.9, min_p: 0.02, repetition_penalty: 1.2 } },
      { method: 'autoregressive', prompt: 'def f(x):', params: { max_new_tokens: 8, do_sample: true, seed: 9, temperature: 0.9, min_p: 1e-9, top_p: 0.99999999, top_k: 4096 } },
      { method: 'speculative', prompt: 'def f(x):', params: { max_new_tokens: 8, do_sample: true, seed: 2, temperature: 0.9 } },
      { method: 'beam_search', prompt: 'def f(x):', params: { max_new_tokens: 6, do_sample: false, num_beams: 3 } },
      { method: 'contrastive_search', prompt: 'def f(x):', params: { max_new_tokens: 6, do_sample: false, penalty_alpha: 0.6, top_k: 4 } },
      { method: 'eagle', prompt: 'def f(x):', params: { max_new_tokens: 8, do_sample: false } },
    ];
    const types = new Set<string>();
    let stagesShared = 0;
    for (const request of requests) {
      for (const r of await emitted(request)) {
        types.add(r.type);
        if (r.type === 'distribution' && r.stages.length > 1 && r.stages[0]!.topk === r.stages[1]!.topk) stagesShared++;
        expect(recordJson(r)).toBe(JSON.stringify(r));
      }
    }
    for (const t of ['header', 'tokens', 'model_call', 'distribution', 'choice', 'commit', 'rng_draw', 'footer', 'beam', 'contrastive']) expect(types).toContain(t);
    // A filter that removed nothing shares its predecessor's list: the cache's second case is exercised.
    expect(stagesShared).toBeGreaterThan(0);
  });

  it('recordJson follows the object for odd shapes: key order, undefined and extra members, holes, toJSON, -0 and non-finite numbers', async () => {
    const records = await emitted(SAMPLED_REQUEST);
    const d = records.find((r): r is DistributionRecord => r.type === 'distribution' && r.stages.length > 0)!;
    const odd: unknown[] = [
      Object.assign({ position: 0 }, d, { extra: undefined, fn: () => 1, nested: { a: [1, undefined, -0] } }),
      { ...d, raw: { entropy: d.raw.entropy, topk: d.raw.topk, logsumexp: -Infinity, more: NaN }, vocabSize: -0 },
      // eslint-disable-next-line no-sparse-arrays
      { ...d, stages: [d.stages[0], , undefined, [1, 2], { toJSON: () => 'x' }, { ...d.stages[0], topk: 'not a list' }] },
      { ...d, processed: { ...d.processed, toJSON: () => ({ replaced: true }) } },
      { ...d, raw: [d.raw.topk], processed: null, stages: {} },
      Object.assign(Object.create({ inherited: 1 }), d),
      { ...d, toJSON: () => 'whole' },
      { ...d, processed: { ...d.processed, topk: d.raw.topk.map((e) => ({ logprob: e.logprob, id: e.id, logit: e.logit, note: 'é' })) } },
    ];
    for (const r of odd) expect(recordJson(r as TraceRecord)).toBe(JSON.stringify(r));
  });
});
