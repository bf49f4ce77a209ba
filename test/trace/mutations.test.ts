// Damaged traces never crash the reader, and the fast validity check agrees with zod on every damaged record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../engine/trace/reader';
import { checkRecord } from '../../engine/trace/validate';
import { TraceRecord } from '../../engine/trace/schema';
import { mulberry32, mutateRecord, mutateTrace } from './mutation';
import { realTraceText } from './real-trace';

describe('mutated traces', () => {
  it('1,000 seeded mutations of a real trace: the reader returns a result, never throws', async () => {
    const text = await realTraceText();
    const rand = mulberry32(20261128);
    const outcomes = { valid: 0, fatal: 0, errors: 0, truncated: 0 };
    for (let i = 0; i < 1000; i++) {
      const damaged = mutateTrace(text, rand);
      let trace;
      try {
        trace = parseTrace(damaged);
      } catch (e) {
        throw new Error(`mutation ${i} crashed the reader: ${(e as Error).stack}\n--- input ---\n${damaged.slice(0, 2000)}`);
      }
      if (trace.fatal) outcomes.fatal++;
      else if (trace.errorCount > 0) outcomes.errors++;
      else if (trace.truncated) outcomes.truncated++;
      else outcomes.valid++;
      // Whatever survived is schema-valid (zod is slow: every 10th trace is enough, the next test covers the rest).
      if (i % 10 === 0) for (const r of trace.events) expect(TraceRecord.safeParse(r).success).toBe(true);
    }
    console.log('1,000 mutated traces:', outcomes);
    // The mutations do damage: most are caught one way or another.
    expect(outcomes.fatal + outcomes.errors + outcomes.truncated).toBeGreaterThan(500);
  }, 300_000);

  it('the compiled check and zod agree on 5,000 mutated records', async () => {
    const lines = (await realTraceText()).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const rand = mulberry32(7);
    let invalid = 0;
    for (let i = 0; i < 5000; i++) {
      const record = mutateRecord(lines[Math.floor(rand() * lines.length)], rand);
      const fast = checkRecord(record);
      const zod = TraceRecord.safeParse(record).success;
      const type = (record as { type?: unknown })?.type;
      if (fast === null) {
        // Unknown type: zod rejects it too.
        expect(zod, JSON.stringify(record)).toBe(false);
        invalid++;
        continue;
      }
      expect(fast.length === 0, `${String(type)}: ${JSON.stringify(record).slice(0, 300)}`).toBe(zod);
      if (!zod) invalid++;
    }
    expect(invalid).toBeGreaterThan(1000);
  }, 300_000);

  it('a fixture mutation that breaks one record is reported on its line', () => {
    const text = readFileSync(join(__dirname, '../fixtures/traces/greedy-small.trace.jsonl'), 'utf8');
    const lines = text.split('\n');
    const target = lines.findIndex((l) => /"step":[1-9]/.test(l));
    lines[target] = lines[target].replace('"step":', '"step":-');
    const trace = parseTrace(lines.join('\n'));
    expect(trace.errors).toHaveLength(1);
    expect(trace.errors[0]).toMatch(new RegExp(`^line ${target + 1}: \\w+\\.step: Too small`));
  });
});
