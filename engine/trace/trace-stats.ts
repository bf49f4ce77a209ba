/**
 * Statistics of a parsed trace for `decodescope stats`: the footer's summary when there is one, otherwise
 * the engine's own summarize() over the records (a truncated trace still gets numbers), plus record counts and
 * model-call timing. No node: imports.
 */
import type { ParsedTrace } from './reader';
import type { Summary } from './schema';
import { summarize } from './summary';

export interface CallTiming {
  calls: number;
  totalMs: number;
  meanMs: number;
}

export interface TraceStats {
  method: string;
  status: 'completed' | 'cancelled' | 'error' | 'truncated';
  /** Where `summary` came from: the footer, or derived from the records (truncated trace). */
  summarySource: 'footer' | 'records';
  summary: Summary;
  promptTokens: number;
  steps: number;
  records: Record<string, number>;
  /** Per "role/purpose" (e.g. "target/decode"). */
  modelCalls: Record<string, CallTiming>;
}

export function traceStats(trace: ParsedTrace): TraceStats {
  if (!trace.header) throw new Error('trace has no header');
  const records: Record<string, number> = {};
  const modelCalls: Record<string, CallTiming> = {};
  const steps = new Set<number>();
  for (const r of trace.events) {
    records[r.type] = (records[r.type] ?? 0) + 1;
    if ('step' in r) steps.add(r.step);
    if (r.type === 'model_call') {
      const key = `${r.model}/${r.purpose}`;
      const t = (modelCalls[key] ??= { calls: 0, totalMs: 0, meanMs: 0 });
      t.calls++;
      t.totalMs += r.durationMs;
      t.meanMs = t.totalMs / t.calls;
    }
  }
  return {
    method: trace.header.method.name,
    status: trace.footer ? trace.footer.status : 'truncated',
    summarySource: trace.footer ? 'footer' : 'records',
    summary: trace.footer ? trace.footer.summary : summarize(trace.events),
    promptTokens: trace.header.prompt.tokenIds.length,
    steps: steps.size,
    records,
    modelCalls,
  };
}
