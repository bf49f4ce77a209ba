/**
 * Statistics of a parsed trace for `decodescope stats`: the footer's summary when there is one, otherwise
 * one derived from the records (a truncated trace still gets numbers), plus record counts and model-call timing.
 * No node: imports.
 */
import type { ParsedTrace } from './reader';
import type { Summary } from './schema';

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

/** Derives the footer summary's numbers from commit and model_call records. */
export function deriveSummary(trace: ParsedTrace): Summary {
  const tokenIds: number[] = [];
  const acceptLengths: number[] = [];
  let targetPasses = 0;
  let draftPasses = 0;
  let drafted = 0;
  let accepted = 0;
  let first = Infinity;
  let last = -Infinity;
  let finish: Summary['finishReason'] = 'cancelled';
  for (const r of trace.events) {
    if (r.type === 'model_call') {
      if (r.model === 'target') targetPasses++;
      else draftPasses++;
      first = Math.min(first, r.startMs);
      last = Math.max(last, r.startMs + r.durationMs);
    } else if (r.type === 'commit') {
      for (const t of r.tokens) tokenIds.push(t.id);
      acceptLengths.push(r.tokens.length);
      if (r.finish) finish = r.finish;
    } else if (r.type === 'verify') {
      drafted += r.decisions.length;
      accepted += r.acceptedLength;
    }
  }
  const wallMs = Number.isFinite(first) ? last - first : 0;
  return {
    text: '',
    tokenIds,
    newTokens: tokenIds.length,
    targetForwardPasses: targetPasses,
    draftForwardPasses: draftPasses,
    acceptLengths,
    tau: targetPasses > 0 ? tokenIds.length / targetPasses : 0,
    acceptanceRate: drafted > 0 ? accepted / drafted : null,
    wallMs,
    tokensPerSecond: wallMs > 0 ? tokenIds.length / (wallMs / 1000) : 0,
    finishReason: finish,
  };
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
    summary: trace.footer ? trace.footer.summary : deriveSummary(trace),
    promptTokens: trace.header.prompt.tokenIds.length,
    steps: steps.size,
    records,
    modelCalls,
  };
}
