/**
 * Chrome / Perfetto trace-event JSON (the "JSON Object Format": { traceEvents: [...] }), so Perfetto UI and
 * chrome://tracing become a second viewer for a run. Times are microseconds on the trace's own clock.
 *
 * Layout: one process ("decodescope: <method>"), one thread per model role. Each step is an X slice on the
 * target thread spanning its model calls; each call is an X slice nested inside it (on the thread of the model
 * that ran it; draft calls get their own step slice there so slices still nest). Counters: entropy and top-1
 * probability of each chosen token's distribution, and the target KV length.
 */
import type { EventRecord, FooterRecord, HeaderRecord, ModelRole } from './schema';
import { indexTrace } from './indexer';

export interface PerfettoEvent {
  name: string;
  ph: 'X' | 'C' | 'M' | 'i';
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
}

export interface PerfettoTrace {
  traceEvents: PerfettoEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
}

const PID = 1;
const ROLES: ModelRole[] = ['target', 'draft', 'eagle', 'medusa', 'early-exit', 'other'];
const tidOf = (role: ModelRole): number => ROLES.indexOf(role) + 1;
/** ms → µs, rounded to whole nanoseconds to keep the JSON short. */
const us = (ms: number): number => Math.round(ms * 1e6) / 1e3;

export function exportPerfetto(header: HeaderRecord, events: readonly EventRecord[], footer: FooterRecord | null): PerfettoTrace {
  const index = indexTrace(events);
  const out: PerfettoEvent[] = [];
  const usedRoles = new Set<ModelRole>(['target']);
  for (const call of index.calls.values()) usedRoles.add(call.model);
  out.push({ name: 'process_name', ph: 'M', ts: 0, pid: PID, tid: 0, args: { name: `decodescope: ${header.method.name}` } });
  for (const role of usedRoles) {
    out.push({ name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: tidOf(role), args: { name: `${role} model` } });
    out.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: PID, tid: tidOf(role), args: { sort_index: tidOf(role) } });
  }

  for (const step of index.steps) {
    const calls = step.subSteps.filter((s) => s.kind === 'model_call').map((s) => index.calls.get(s.callId!)!);
    if (calls.length === 0) continue;
    const committed = step.commit?.tokens.map((t) => t.id) ?? [];
    // One step slice per model thread that ran in this step, spanning that thread's calls, so nesting holds.
    const byRole = new Map<ModelRole, typeof calls>();
    for (const call of calls) byRole.set(call.model, [...(byRole.get(call.model) ?? []), call]);
    for (const [role, roleCalls] of byRole) {
      const start = Math.min(...roleCalls.map((c) => c.startMs));
      const end = Math.max(...roleCalls.map((c) => c.startMs + c.durationMs));
      const args: Record<string, unknown> = { step: step.step, calls: roleCalls.length };
      if (role === 'target') {
        args.committed = committed;
        args.committedText = committed.map((id) => index.tokens.get(id)?.text ?? `#${id}`).join('');
      }
      // Rounding both ends the same way keeps children inside their parent.
      out.push({ name: `step ${step.step}`, cat: 'step', ph: 'X', ts: us(start), dur: us(end) - us(start), pid: PID, tid: tidOf(role), args });
    }
    for (const call of calls) {
      out.push({
        name: `${call.purpose} (${call.inputIds[0]?.length ?? 0} tok)`,
        cat: 'model_call',
        ph: 'X',
        ts: us(call.startMs),
        dur: us(call.startMs + call.durationMs) - us(call.startMs),
        pid: PID,
        tid: tidOf(call.model),
        args: {
          callId: call.callId,
          inputIds: call.inputIds,
          positions: call.positionIds,
          mask: call.maskKind,
          cacheLenIn: call.cacheLenIn,
          cacheLenOut: call.cacheLenOut,
        },
      });
      if (call.model === 'target') {
        out.push({ name: 'kv_len', ph: 'C', ts: us(call.startMs + call.durationMs), pid: PID, tid: tidOf('target'), args: { kv_len: call.cacheLenOut } });
      }
    }
    // Counters from the distribution each committed token came from.
    for (const token of step.commit?.tokens ?? []) {
      const dist = token.distId ? index.distributions.get(token.distId) : undefined;
      if (!dist) continue;
      const call = index.calls.get(dist.callId);
      const ts = call ? us(call.startMs + call.durationMs) : us(step.endMs ?? 0);
      const top1 = dist.processed.topk[0]?.logprob;
      out.push({ name: 'entropy', ph: 'C', ts, pid: PID, tid: tidOf('target'), args: { entropy: dist.processed.entropy } });
      out.push({ name: 'top1_prob', ph: 'C', ts, pid: PID, tid: tidOf('target'), args: { top1_prob: top1 == null ? 0 : Math.exp(top1) } });
    }
    if (step.commit?.finish) {
      out.push({ name: `finish: ${step.commit.finish}`, ph: 'i', s: 't', ts: us(step.endMs ?? 0), pid: PID, tid: tidOf('target') });
    }
  }
  return {
    traceEvents: out,
    displayTimeUnit: 'ms',
    otherData: {
      source: 'decodescope',
      schemaVersion: header.schemaVersion,
      method: header.method.name,
      prompt: header.prompt.text,
      summary: footer?.summary ?? null,
      truncated: footer === null,
    },
  };
}
