/**
 * Groups a trace's records by decoding step for the timeline: steps → sub-steps. A sub-step is one model
 * call (with the distributions, choices and tensors that came out of it) or one step-level event (draft, verify,
 * beam, contrastive, cache_op, rng_draw, note, commit). Pure data, no node: imports (the renderer uses it).
 */
import type { EventRecord, TokenEntry } from './schema';

type ModelCall = Extract<EventRecord, { type: 'model_call' }>;
type Distribution = Extract<EventRecord, { type: 'distribution' }>;
type Commit = Extract<EventRecord, { type: 'commit' }>;

export interface SubStep {
  /** 'model_call' or the step-level record's type. */
  kind: EventRecord['type'];
  /** Index into `events` of the record that opens this sub-step. */
  record: number;
  /** For model calls: indices of the records that belong to this call (distributions, choices, tensors). */
  children: number[];
  callId?: number;
}

export interface StepIndex {
  step: number;
  /** Indices into `events` of every record of this step, in order. */
  records: number[];
  subSteps: SubStep[];
  /** Start of the first model call and end of the last (trace clock, ms); null when the step made no call. */
  startMs: number | null;
  endMs: number | null;
  commit: Commit | null;
}

export interface TraceIndex {
  steps: StepIndex[];
  /** Step number → position in `steps`. */
  stepPosition: Map<number, number>;
  calls: Map<number, ModelCall>;
  distributions: Map<string, Distribution>;
  /** Token dictionary accumulated from every `tokens` record. */
  tokens: Map<number, TokenEntry>;
  /** Committed output ids, in order, from the commit records. */
  outputIds: number[];
}

/** Which call a record belongs to, when it belongs to one. */
function callOf(record: EventRecord, distributions: Map<string, Distribution>): number | undefined {
  switch (record.type) {
    case 'distribution':
    case 'tensor':
      return record.callId;
    case 'choice':
      return distributions.get(record.distId)?.callId;
    default:
      return undefined;
  }
}

export function indexTrace(events: readonly EventRecord[]): TraceIndex {
  const index: TraceIndex = {
    steps: [],
    stepPosition: new Map(),
    calls: new Map(),
    distributions: new Map(),
    tokens: new Map(),
    outputIds: [],
  };
  const callSubStep = new Map<number, SubStep>();
  for (let i = 0; i < events.length; i++) {
    const record = events[i];
    if (record.type === 'tokens') {
      for (const entry of record.entries) index.tokens.set(entry.id, entry);
      continue;
    }
    let position = index.stepPosition.get(record.step);
    if (position === undefined) {
      position = index.steps.length;
      index.stepPosition.set(record.step, position);
      index.steps.push({ step: record.step, records: [], subSteps: [], startMs: null, endMs: null, commit: null });
    }
    const step = index.steps[position];
    step.records.push(i);
    if (record.type === 'model_call') {
      index.calls.set(record.callId, record);
      const sub: SubStep = { kind: 'model_call', record: i, children: [], callId: record.callId };
      callSubStep.set(record.callId, sub);
      step.subSteps.push(sub);
      const end = record.startMs + record.durationMs;
      step.startMs = step.startMs === null ? record.startMs : Math.min(step.startMs, record.startMs);
      step.endMs = step.endMs === null ? end : Math.max(step.endMs, end);
      continue;
    }
    if (record.type === 'distribution') index.distributions.set(record.distId, record);
    const callId = callOf(record, index.distributions);
    const parent = callId === undefined ? undefined : callSubStep.get(callId);
    if (parent) {
      parent.children.push(i);
      continue;
    }
    if (record.type === 'commit') {
      step.commit = record;
      for (const t of record.tokens) index.outputIds.push(t.id);
    }
    step.subSteps.push({ kind: record.type, record: i, children: [] });
  }
  return index;
}
