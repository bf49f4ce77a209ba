/**
 * Record types the shared TraceIndex files under no step (jacobi_iter, lookahead, schema 1.1), indexed
 * here by step for the Jacobi-family views. Incremental: a live run's new records are scanned once.
 */
import type { JacobiIterRecord, LookaheadRecord } from '../../../engine/trace/schema';
import type { TraceIndex } from '../trace/trace-index';

export interface TraceExtras {
  /** Every jacobi_iter record, in trace order. */
  jacobi: JacobiIterRecord[];
  /** Every lookahead record, in trace order. */
  lookahead: LookaheadRecord[];
  lookaheadByStep: Map<number, LookaheadRecord>;
}

interface Cached extends TraceExtras {
  seen: number;
}

const cache = new WeakMap<TraceIndex, Cached>();

export function traceExtras(trace: TraceIndex): TraceExtras {
  let c = cache.get(trace);
  if (!c) {
    c = { seen: 0, jacobi: [], lookahead: [], lookaheadByStep: new Map() };
    cache.set(trace, c);
  }
  const records = trace.records;
  for (; c.seen < records.length; c.seen++) {
    const r = records[c.seen]!;
    if (r.type === 'jacobi_iter') c.jacobi.push(r);
    else if (r.type === 'lookahead') {
      c.lookahead.push(r);
      c.lookaheadByStep.set(r.step, r);
    }
  }
  return c;
}

/** The sub-step the cursor is on, by name ('commit' when the step has no sub-steps recorded). */
export function phaseName(trace: TraceIndex, stepIdx: number, phase: number): string {
  return trace.phasesOf(stepIdx)[phase] ?? 'commit';
}
