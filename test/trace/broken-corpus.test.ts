// Every broken trace in test/fixtures/traces/broken gives the message its index entry names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../../engine/trace/read-file';
import { isValidTrace } from '../../engine/trace/reader';

const dir = join(__dirname, '../fixtures/traces/broken');
const cases = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Array<{
  file: string;
  defect: string;
  outcome: 'fatal' | 'error' | 'truncated' | 'warning';
  message: string;
}>;

describe('broken trace corpus', () => {
  it('has an entry for each kind of damage the reader must name', () => {
    expect(cases.map((c) => c.outcome).sort()).toEqual(expect.arrayContaining(['error', 'fatal', 'truncated', 'warning']));
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of cases) {
    it(`${c.file}: ${c.defect}`, async () => {
      const trace = await readTraceFile(join(dir, c.file));
      switch (c.outcome) {
        case 'fatal':
          expect(trace.fatal).toContain(c.message);
          expect(trace.events).toEqual([]);
          break;
        case 'error':
          expect(trace.fatal).toBeNull();
          expect(trace.errors.join('\n')).toContain(c.message);
          expect(isValidTrace(trace)).toBe(false);
          // The rest of the file still loads.
          expect(trace.events.length).toBeGreaterThan(10);
          expect(trace.footer).not.toBeNull();
          break;
        case 'truncated':
          expect(trace.fatal).toBeNull();
          expect(trace.errors).toEqual([]);
          expect(trace.truncated).toBe(true);
          expect(trace.footer).toBeNull();
          expect(trace.warnings.join('\n')).toContain(c.message);
          expect(trace.events.length).toBeGreaterThan(0);
          break;
        case 'warning':
          expect(trace.fatal).toBeNull();
          expect(trace.errors).toEqual([]);
          expect(isValidTrace(trace)).toBe(true);
          expect(trace.warnings.join('\n')).toContain(c.message);
          break;
      }
    });
  }
});
