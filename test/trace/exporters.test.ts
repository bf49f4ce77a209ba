// Exporters produce structures their consumers accept: Perfetto slices nest and carry ts/dur/pid/tid;
// the HF output's sequences are the run's prompt + generated ids.
import { describe, expect, it } from 'vitest';
import { exportPerfetto, type PerfettoEvent } from '../../engine/trace/export-perfetto';
import { exportHf } from '../../engine/trace/export-hf';
import { parseTrace } from '../../engine/trace/reader';
import { indexTrace } from '../../engine/trace/indexer';
import { realTraceText } from './real-trace';
import { syntheticTrace, toJsonl } from './synthetic-trace';

async function loadReal() {
  const trace = parseTrace(await realTraceText());
  expect(trace.errors).toEqual([]);
  return { header: trace.header!, events: trace.events, footer: trace.footer };
}

/** Within one thread, X slices must be properly nested: each either contains or is disjoint from every other. */
function assertNested(events: PerfettoEvent[]) {
  const byThread = new Map<number, PerfettoEvent[]>();
  for (const e of events) if (e.ph === 'X') byThread.set(e.tid, [...(byThread.get(e.tid) ?? []), e]);
  for (const slices of byThread.values()) {
    for (const a of slices) {
      for (const b of slices) {
        if (a === b) continue;
        const aEnd = a.ts + a.dur!;
        const bEnd = b.ts + b.dur!;
        const disjoint = aEnd <= b.ts + 1e-6 || bEnd <= a.ts + 1e-6;
        const aInB = a.ts >= b.ts - 1e-6 && aEnd <= bEnd + 1e-6;
        const bInA = b.ts >= a.ts - 1e-6 && bEnd <= aEnd + 1e-6;
        expect(disjoint || aInB || bInA, `${a.name}@${a.ts}+${a.dur} vs ${b.name}@${b.ts}+${b.dur}`).toBe(true);
      }
    }
  }
}

describe('Perfetto export', () => {
  it('model calls are X slices nested in per-step slices, with counters and thread names', async () => {
    const { header, events, footer } = await loadReal();
    const out = exportPerfetto(header, events, footer);
    const json = JSON.parse(JSON.stringify(out)) as typeof out;
    const xs = json.traceEvents.filter((e) => e.ph === 'X');
    for (const e of xs) {
      expect(typeof e.ts).toBe('number');
      expect(e.dur).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
    }
    const calls = events.filter((r) => r.type === 'model_call');
    expect(xs.filter((e) => e.cat === 'model_call')).toHaveLength(calls.length);
    const steps = new Set(events.filter((r) => r.type === 'model_call').map((r) => r.step));
    expect(xs.filter((e) => e.cat === 'step').length).toBeGreaterThanOrEqual(steps.size);
    // Every call slice lies inside a step slice on its thread.
    for (const call of xs.filter((e) => e.cat === 'model_call')) {
      const parent = xs.find((s) => s.cat === 'step' && s.tid === call.tid && s.ts <= call.ts + 1e-6 && s.ts + s.dur! >= call.ts + call.dur! - 1e-6);
      expect(parent, call.name).toBeDefined();
    }
    assertNested(json.traceEvents);
    const meta = json.traceEvents.filter((e) => e.ph === 'M');
    expect(meta.map((e) => e.name)).toEqual(expect.arrayContaining(['process_name', 'thread_name']));
    const counters = new Set(json.traceEvents.filter((e) => e.ph === 'C').map((e) => e.name));
    expect([...counters].sort()).toEqual(['entropy', 'kv_len', 'top1_prob']);
  });

  it('microsecond timestamps: a 2.5 ms call is 2500 µs long', () => {
    const records = syntheticTrace({ steps: 2, topK: 2 });
    const call = records.find((r) => r.type === 'model_call')!;
    if (call.type !== 'model_call') throw new Error();
    call.startMs = 10;
    call.durationMs = 2.5;
    const trace = parseTrace(toJsonl(records));
    const out = exportPerfetto(trace.header!, trace.events, trace.footer);
    const slice = out.traceEvents.find((e) => e.cat === 'model_call' && e.args?.callId === call.callId)!;
    expect(slice.ts).toBe(10_000);
    expect(slice.dur).toBe(2_500);
  });
});

describe('Hugging Face export', () => {
  it('sequences = prompt + generated ids; one scores/logits entry per new token', async () => {
    const { header, events, footer } = await loadReal();
    const out = JSON.parse(JSON.stringify(exportHf(header, events, footer)));
    expect(out.sequences).toEqual([[...header.prompt.tokenIds, ...footer!.summary.tokenIds]]);
    expect(out.scores).toHaveLength(footer!.summary.newTokens);
    expect(out.logits).toHaveLength(footer!.summary.newTokens);
    expect(out.transition_scores[0]).toHaveLength(footer!.summary.newTokens);
    for (const [t, entry] of out.scores.entries()) {
      expect(entry.ids[0].length).toBe(entry.values[0].length);
      // The chosen token's transition score is its processed log-probability.
      const chosen = footer!.summary.tokenIds[t];
      const inTopK = entry.ids[0].indexOf(chosen);
      if (inTopK >= 0) expect(out.transition_scores[0][t]).toBeCloseTo(entry.logprobs[0][inTopK], 5);
    }
  });
});

describe('indexer', () => {
  it('groups every record under its step; model calls own their distributions and choices', async () => {
    const { events } = await loadReal();
    const index = indexTrace(events);
    const stepped = events.filter((r) => r.type !== 'tokens').length;
    expect(index.steps.reduce((n, s) => n + s.records.length, 0)).toBe(stepped);
    for (const step of index.steps) {
      for (const sub of step.subSteps) {
        for (const child of sub.children) {
          const r = events[child];
          expect(['distribution', 'choice', 'tensor']).toContain(r.type);
          expect(r.type !== 'tokens' && r.step).toBe(step.step);
        }
      }
    }
    const committed = events.flatMap((r) => (r.type === 'commit' ? r.tokens.map((t) => t.id) : []));
    expect(index.outputIds).toEqual(committed);
    // Every distribution's token ids have text in the dictionary.
    for (const d of index.distributions.values()) for (const e of d.raw.topk) expect(index.tokens.has(e.id), `token ${e.id}`).toBe(true);
  });
});
