import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTrace, parseTraceChunks, TraceParser } from '../../engine/trace/reader';
import { readTraceFile } from '../../engine/trace/read-file';
import { TraceWriter } from '../../engine/trace/writer';
import type { TraceRecord } from '../../engine/trace/schema';
import { syntheticTrace, toJsonl } from './synthetic-trace';

const fixture = join(__dirname, '../fixtures/traces/greedy-small.trace.jsonl');
const tmp = () => mkdtempSync(join(tmpdir(), 'ds-trace-'));

function split(records: TraceRecord[]) {
  return { header: records[0], events: records.slice(1, -1), footer: records[records.length - 1] };
}

describe('trace reader', () => {
  it('reads the committed fixture: header, events, footer, no problems', async () => {
    const trace = await readTraceFile(fixture);
    expect(trace.fatal).toBeNull();
    expect(trace.errors).toEqual([]);
    expect(trace.truncated).toBe(false);
    expect(trace.header?.method.name).toBe('autoregressive');
    expect(trace.footer?.summary.newTokens).toBe(8);
    expect(trace.events.filter((r) => r.type === 'commit')).toHaveLength(8);
  });

  it('gives the same result however the text is split into chunks', async () => {
    const text = readFileSync(fixture, 'utf8');
    const whole = parseTrace(text);
    const parser = new TraceParser();
    for (let i = 0; i < text.length; i += 7) parser.push(text.slice(i, i + 7));
    expect(parser.end()).toEqual(whole);
    const bytes = new TextEncoder().encode(text);
    async function* byteChunks() {
      for (let i = 0; i < bytes.length; i += 13) yield bytes.subarray(i, i + 13);
    }
    expect(await parseTraceChunks(byteChunks())).toEqual(whole);
  });

  it('a cut at every line boundary recovers exactly the complete records before it', () => {
    const records = syntheticTrace({ steps: 3, topK: 3 });
    const lines = toJsonl(records).split('\n');
    for (let n = 2; n < lines.length - 2; n++) {
      const cut = lines.slice(0, n).join('\n') + '\n' + lines[n].slice(0, 10);
      const trace = parseTrace(cut);
      expect(trace.truncated).toBe(true);
      expect(trace.errors).toEqual([]);
      expect(trace.events).toEqual(records.slice(1, n));
    }
  });

  it('checks every line: errors name the line and the field, and reading goes on', () => {
    const records = syntheticTrace({ steps: 4, topK: 3 }) as any[];
    const second = records.findIndex((r, i) => r.type === 'model_call' && i > 1);
    records[second].positionIds = [['x']];
    const trace = parseTrace(toJsonl(records));
    expect(trace.errors).toEqual([`line ${second + 1}: model_call.positionIds[0][0]: expected number, got string "x"`]);
    expect(trace.footer).not.toBeNull();
    expect(trace.events.length).toBe(records.length - 3);
  });

  it('a different major version is refused in one message, whatever the rest looks like', () => {
    const trace = parseTrace('{"type":"header","format":"decodescope.trace","schemaVersion":"3.1.0"}\n{"type":"whatever"}\n');
    expect(trace.fatal).toMatch(/trace schema version 3\.1\.0 is not supported: this reader reads version 1\.x/);
    expect(trace.errors).toEqual([]);
  });

  // Load time is a benchmark figure (npm run bench:ui opens a 10,000-step trace), not a timed test: the
  // machine running tests is shared. Here: a 10,000-step trace reads completely and validly.
  it('reads a 10,000-step trace completely', () => {
    const trace = parseTrace(toJsonl(syntheticTrace({ steps: 10_000 })));
    expect(trace.errors).toEqual([]);
    expect(trace.fatal ?? null).toBeNull();
    expect(trace.events.filter((r) => r.type === 'commit')).toHaveLength(10_000);
    expect(trace.footer).not.toBeNull();
  }, 300_000);
});

describe('trace writer', () => {
  const records = syntheticTrace({ steps: 12, topK: 4 });

  for (const name of ['run.jsonl', 'run.jsonl.gz']) {
    it(`round-trips records through ${name}`, async () => {
      const path = join(tmp(), name);
      const writer = new TraceWriter(path);
      for (const r of records) writer.write(r);
      writer.close();
      const raw = readFileSync(path);
      expect(raw[0] === 0x1f && raw[1] === 0x8b).toBe(name.endsWith('.gz'));
      const trace = await readTraceFile(path);
      expect(trace.errors).toEqual([]);
      expect({ header: trace.header, events: trace.events, footer: trace.footer }).toEqual(split(records));
    });
  }

  it('writes -Infinity logits as null (the schema has no -Infinity)', async () => {
    const path = join(tmp(), 'masked.jsonl');
    const masked = structuredClone(records);
    const dist = masked.find((r) => r.type === 'distribution')!;
    if (dist.type !== 'distribution') throw new Error('no distribution');
    dist.processed.topk[2] = { id: dist.processed.topk[2].id, logit: -Infinity, logprob: -Infinity };
    const writer = new TraceWriter(path);
    for (const r of masked) writer.write(r);
    writer.close();
    const trace = await readTraceFile(path);
    expect(trace.errors).toEqual([]);
    const back = trace.events.find((r) => r.type === 'distribution')!;
    expect(back.type === 'distribution' && back.processed.topk[2]).toEqual({ id: dist.processed.topk[2].id, logit: null, logprob: null });
  });

  for (const gzip of [false, true]) {
    it(`a run killed mid-way leaves a readable truncated file (${gzip ? 'gzip' : 'plain'})`, async () => {
      const path = join(tmp(), gzip ? 'crash.jsonl.gz' : 'crash.jsonl');
      // Flushing at every step boundary here, so the test sees each step on disk before "the crash".
      const writer = new TraceWriter(path, { flushBytes: 1 });
      const upTo = records.findIndex((r) => r.type === 'commit' && r.step === 5);
      for (const r of records.slice(0, upTo + 1)) writer.write(r);
      writer.write(records[upTo + 1]); // buffered, not yet flushed: lost in the crash
      // No close(): the process "dies" here. What is on disk must already parse.
      const trace = await readTraceFile(path);
      expect(trace.truncated).toBe(true);
      expect(trace.errors).toEqual([]);
      expect(trace.events).toEqual(records.slice(1, upTo + 1));
      writer.close();
    });
  }

  it('a gzip file cut off in the middle of a member still yields its complete lines', async () => {
    const text = toJsonl(records);
    const gz = gzipSync(text);
    const path = join(tmp(), 'cut.jsonl.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const trace = await readTraceFile(path);
    expect(trace.fatal).toBeNull();
    expect(trace.truncated).toBe(true);
    expect(trace.events.length).toBeGreaterThan(0);
    expect(trace.events).toEqual(records.slice(1, 1 + trace.events.length));
  });
});
