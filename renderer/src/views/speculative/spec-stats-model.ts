/**
 * Per-step cost and yield of a speculative run, from the records: draft cost (every forward pass of a
 * non-target model in the step) vs verify cost (the target's passes), tokens drafted, accepted and
 * committed, and the running τ (tokens per target pass) and acceptance rate up to each step. Pure.
 */
import type { TraceIndex } from '../../trace/trace-index';

export interface StepStats {
  stepIdx: number;
  step: number;
  draftMs: number;
  verifyMs: number;
  draftCalls: number;
  targetCalls: number;
  drafted: number;
  accepted: number;
  committed: number;
  /** Running τ: committed tokens / target forward passes, steps 0..this. */
  tau: number | null;
  /** Running acceptance: accepted / drafted, steps 0..this (null until something was drafted). */
  acceptance: number | null;
}

export function stepStats(trace: TraceIndex): StepStats[] {
  const out: StepStats[] = [];
  let tokens = 0;
  let passes = 0;
  let drafted = 0;
  let accepted = 0;
  trace.steps.forEach((e, stepIdx) => {
    let draftMs = 0;
    let verifyMs = 0;
    let draftCalls = 0;
    let targetCalls = 0;
    for (const c of e.calls) {
      if (c.purpose === 'prefill') continue;
      if (c.model === 'target') {
        verifyMs += c.durationMs;
        targetCalls++;
      } else {
        draftMs += c.durationMs;
        draftCalls++;
      }
    }
    const d = e.drafts.at(-1)?.nodes.length ?? 0;
    const a = e.verify?.acceptedLength ?? 0;
    tokens += e.outCount;
    passes += e.commit?.targetForwardPasses ?? targetCalls;
    drafted += d;
    accepted += a;
    out.push({
      stepIdx,
      step: e.step,
      draftMs,
      verifyMs,
      draftCalls,
      targetCalls,
      drafted: d,
      accepted: a,
      committed: e.outCount,
      tau: passes > 0 ? tokens / passes : null,
      acceptance: drafted > 0 ? accepted / drafted : null,
    });
  });
  return out;
}

/** The run has speculative records worth charting. */
export function hasSpeculation(trace: TraceIndex): boolean {
  return (trace.counts.get('draft') ?? 0) > 0;
}
