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
});
