/**
 * Conditional breakpoints and logpoints on decoding events. Pure functions over a TraceIndex, so the
 * same rules run on a loaded trace (continue / reverse-continue) and on a live run as steps complete.
 *
 * A breakpoint with a log message is a logpoint: it prints the message when its condition holds and
 * never stops. Entropy is in nats, as the distribution view shows it.
 */
import type { TraceIndex } from '../trace/trace-index';
import { formatNumber, formatProb, tokenLiteral } from '../format/format';
import { methodLabel, methodShape, outputText, stepFacts, type StepFacts } from './step-facts';

export type Condition =
  | { kind: 'rejection' }
  | { kind: 'accepted-below'; k: number }
  | { kind: 'entropy-above'; nats: number }
  | { kind: 'prob-below'; p: number }
  /** Output text gains a match: a literal piece of text, or a regular expression (source, optional flags). */
  | { kind: 'text'; pattern: string; regex: boolean; flags?: string }
  | { kind: 'step'; step: number };

export type ConditionKind = Condition['kind'];

export interface Breakpoint {
  id: string;
  enabled: boolean;
  condition: Condition;
  /** Present: a logpoint. Placeholders like {step} are filled from the step's numbers. */
  log?: string;
}

export interface Hit {
  breakpoint: Breakpoint;
  stepIdx: number;
  step: number;
  /** What happened, with the actual numbers ("node 2 'foo' refused: p 0.01, q 0.4"). */
  detail: string;
  /** The logpoint's message with its placeholders filled; null for a stopping breakpoint. */
  log: string | null;
}

export interface LogLine {
  stepIdx: number;
  step: number;
  message: string;
  /** 'log': printed by a logpoint; 'stop': a breakpoint stopped here. */
  kind: 'log' | 'stop';
}

export const CONDITION_LABELS: Record<ConditionKind, string> = {
  rejection: 'draft rejected',
  'accepted-below': 'accepted length <',
  'entropy-above': 'entropy (nats) >',
  'prob-below': 'chosen-token p <',
  text: 'output contains',
  step: 'step =',
};

export const LOG_PLACEHOLDERS = ['step', 'accepted', 'drafted', 'rejected', 'entropy', 'prob', 'text', 'detail'] as const;

/** The compiled regular expression of a text condition, or the reason it does not compile. */
export function compilePattern(c: Extract<Condition, { kind: 'text' }>): RegExp | string {
  if (c.pattern.length === 0) return 'Type the text or regular expression to look for.';
  if (!c.regex) return new RegExp(c.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g');
  const flags = (c.flags ?? '').replace(/[gy]/g, '');
  try {
    const re = new RegExp(c.pattern, flags + 'g');
    if (re.test('')) return `The regular expression /${c.pattern}/ matches empty text, so it would hit every step.`;
    re.lastIndex = 0;
    return re;
  } catch (e) {
    return `Invalid regular expression /${c.pattern}/${flags}: ${(e as Error).message.replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/, '')}`;
  }
}

/** Why a condition or log message is not usable, or null when it is. */
export function validateBreakpoint(condition: Condition, log?: string): string | null {
  const bad = (x: number) => !Number.isFinite(x);
  switch (condition.kind) {
    case 'accepted-below':
      if (bad(condition.k) || condition.k < 1) return 'Accepted length: give a whole number of tokens, 1 or more.';
      break;
    case 'entropy-above':
      if (bad(condition.nats) || condition.nats < 0) return 'Entropy: give a number of nats, 0 or more.';
      break;
    case 'prob-below':
      if (bad(condition.p) || condition.p <= 0 || condition.p > 1) return 'Probability: give a number in (0, 1].';
      break;
    case 'step':
      if (bad(condition.step) || condition.step < 0 || !Number.isInteger(condition.step)) return 'Step: give a step number (0, 1, 2…).';
      break;
    case 'text': {
      const re = compilePattern(condition);
      if (typeof re === 'string') return re;
      break;
    }
    case 'rejection':
      break;
  }
  if (log !== undefined) {
    const unknown = [...log.matchAll(/\{(\w*)\}/g)].map((m) => m[1]!).filter((n) => !(LOG_PLACEHOLDERS as readonly string[]).includes(n));
    if (unknown.length) return `Unknown placeholder {${unknown[0]}} in the log message; use ${LOG_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`;
  }
  return null;
}

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'rejection':
      return 'a draft token is rejected';
    case 'accepted-below':
      return `accepted length < ${c.k}`;
    case 'entropy-above':
      return `entropy > ${c.nats} nats`;
    case 'prob-below':
      return `chosen-token p < ${c.p}`;
    case 'text':
      return c.regex ? `output matches /${c.pattern}/${c.flags ?? ''}` : `output contains "${c.pattern}"`;
    case 'step':
      return `step = ${c.step}`;
  }
}

/**
 * Why a condition can never hold on this trace's method (null when it can). Said out loud rather than
 * leaving a breakpoint that silently never fires.
 */
export function unsupportedReason(index: TraceIndex, c: Condition): string | null {
  const shape = methodShape(index);
  const name = methodLabel(index);
  switch (c.kind) {
    case 'rejection':
      if (shape === 'plain') return `${name} drafts nothing, so no draft token is ever rejected.`;
      if (shape === 'jacobi') return `${name} refines guesses without a verify-and-reject test; try "accepted length <".`;
      return null;
    case 'accepted-below':
      return shape === 'plain' ? `${name} commits one token per step; there is no accepted length.` : null;
    case 'entropy-above':
      return index.footer && index.steps.length > 0 && index.dists.size === 0 ? 'This trace recorded no distributions.' : null;
    case 'prob-below':
      if (!index.footer || index.steps.length === 0) return null;
      return index.steps.some((_, i) => stepFacts(index, i).prob !== null) ? null : `This trace records no chosen-token probabilities (${name}).`;
    case 'text':
    case 'step':
      return null;
  }
}

function tokenText(index: TraceIndex, id: number): string {
  return tokenLiteral(index.tokenText(id).text);
}

/** The detail of a condition that holds at this step, or null when it does not. */
function check(index: TraceIndex, f: StepFacts, c: Condition): string | null {
  switch (c.kind) {
    case 'rejection': {
      const r = f.rejection;
      if (!r) return null;
      const pq = Number.isNaN(r.p) ? '' : `: p ${formatProb(r.p)}${r.q !== undefined ? `, q ${formatProb(r.q)}` : ''}`;
      return `draft ${tokenText(index, r.tokenId)} (node ${r.node}) rejected${pq} · accepted ${f.accepted}/${f.drafted}`;
    }
    case 'accepted-below':
      return f.accepted !== null && f.accepted < c.k ? `accepted ${f.accepted}/${f.drafted} < ${c.k}` : null;
    case 'entropy-above':
      return f.entropy !== null && f.entropy > c.nats ? `entropy ${formatNumber(f.entropy)} nats > ${c.nats}` : null;
    case 'prob-below': {
      if (f.prob === null || f.prob >= c.p) return null;
      const t = f.probOutputIndex !== null ? index.output[f.probOutputIndex] : undefined;
      return `${t ? tokenText(index, t.id) + ' ' : ''}chosen with p ${formatProb(f.prob)} < ${c.p}`;
    }
    case 'text': {
      const m = matchInStep(index, f.stepIdx, c);
      return m === null ? null : `output gained ${JSON.stringify(m)}`;
    }
    case 'step':
      return f.step === c.step ? `step ${f.step}` : null;
  }
}

const matchCache = new WeakMap<TraceIndex, Map<string, Map<number, string | null>>>();

/**
 * A match of the pattern that ends inside this step's new text (it may start in earlier text). Only the
 * text through this step counts, as it would live; so a finished step's answer never changes and is kept.
 */
function matchInStep(index: TraceIndex, stepIdx: number, c: Extract<Condition, { kind: 'text' }>): string | null {
  const key = `${c.regex ? 're' : 'lit'}/${c.flags ?? ''}/${c.pattern}`;
  let byKey = matchCache.get(index);
  if (!byKey) matchCache.set(index, (byKey = new Map()));
  let byStep = byKey.get(key);
  if (!byStep) byKey.set(key, (byStep = new Map()));
  const known = byStep.get(stepIdx);
  if (known !== undefined) return known;
  const re = compilePattern(c);
  if (typeof re === 'string') return null;
  const { text, endAt } = outputText(index);
  const start = stepIdx > 0 ? endAt[stepIdx - 1]! : 0;
  const end = endAt[stepIdx]!;
  let found: string | null = null;
  if (end > start) {
    // Overlapping search (restart one character after each match's start): "name, name" must hit again
    // when the output grows to "name, name, name".
    const prefix = text.slice(0, end);
    re.lastIndex = 0;
    for (let m = re.exec(prefix); m; m = re.exec(prefix)) {
      if (m[0].length > 0 && m.index + m[0].length > start) {
        found = m[0];
        break;
      }
      re.lastIndex = m.index + 1;
    }
  }
  // The newest step may still grow (a live run's byte pieces join the next token's): don't keep its answer.
  if (stepIdx < index.steps.length - 1) byStep.set(stepIdx, found);
  return found;
}

function fillTemplate(template: string, f: StepFacts, detail: string): string {
  const values: Record<(typeof LOG_PLACEHOLDERS)[number], string> = {
    step: String(f.step),
    accepted: f.accepted === null ? 'n/a' : String(f.accepted),
    drafted: f.drafted === null ? 'n/a' : String(f.drafted),
    rejected: f.rejectedCount === null ? 'n/a' : String(f.rejectedCount),
    entropy: f.entropy === null ? 'n/a' : formatNumber(f.entropy),
    prob: f.prob === null ? 'n/a' : formatProb(f.prob),
    text: JSON.stringify(f.text),
    detail,
  };
  return template.replace(/\{(\w*)\}/g, (whole, name: string) => (name in values ? values[name as keyof typeof values] : whole));
}

/** The enabled breakpoints and logpoints whose condition holds at this step. */
export function evaluateStep(index: TraceIndex, stepIdx: number, breakpoints: readonly Breakpoint[]): Hit[] {
  if (stepIdx < 0 || stepIdx >= index.steps.length) return [];
  const active = breakpoints.filter((b) => b.enabled);
  if (active.length === 0) return [];
  const facts = stepFacts(index, stepIdx);
  const hits: Hit[] = [];
  for (const b of active) {
    const detail = check(index, facts, b.condition);
    if (detail === null) continue;
    hits.push({ breakpoint: b, stepIdx, step: facts.step, detail, log: b.log !== undefined ? fillTemplate(b.log, facts, detail) : null });
  }
  return hits;
}

export const isStop = (h: Hit) => h.log === null;

export function logLines(hits: readonly Hit[]): LogLine[] {
  return hits.map((h) =>
    h.log !== null
      ? { stepIdx: h.stepIdx, step: h.step, message: h.log, kind: 'log' as const }
      : { stepIdx: h.stepIdx, step: h.step, message: `${describeCondition(h.breakpoint.condition)} — ${h.detail}`, kind: 'stop' as const },
  );
}

export interface ContinueResult {
  /** The step a breakpoint stopped at, or null when none did before the end. */
  stepIdx: number | null;
  /** The stopping hits at that step. */
  hits: Hit[];
  /** Logpoint lines printed on the way, in step order (those at the stopping step included). */
  logs: LogLine[];
}

/**
 * Runs forward from the step after `fromStepIdx` to the next stopping hit, collecting logpoint output.
 * `end` (exclusive) keeps a live run's unfinished last step out.
 */
export function nextHit(index: TraceIndex, fromStepIdx: number, breakpoints: readonly Breakpoint[], end = index.steps.length): ContinueResult {
  const logs: LogLine[] = [];
  for (let i = Math.max(0, fromStepIdx + 1); i < Math.min(end, index.steps.length); i++) {
    const hits = evaluateStep(index, i, breakpoints);
    logs.push(...logLines(hits.filter((h) => !isStop(h))));
    const stops = hits.filter(isStop);
    if (stops.length) return { stepIdx: i, hits: stops, logs };
  }
  return { stepIdx: null, hits: [], logs };
}

/** Runs backwards to the closest stopping hit before `fromStepIdx` (logpoints stay quiet going backwards). */
export function prevHit(index: TraceIndex, fromStepIdx: number, breakpoints: readonly Breakpoint[]): ContinueResult {
  for (let i = Math.min(fromStepIdx, index.steps.length) - 1; i >= 0; i--) {
    const stops = evaluateStep(index, i, breakpoints).filter(isStop);
    if (stops.length) return { stepIdx: i, hits: stops, logs: [] };
  }
  return { stepIdx: null, hits: [], logs: [] };
}

/** Every step where an enabled breakpoint or logpoint holds, for the timeline's markers. */
export function allHitSteps(index: TraceIndex, breakpoints: readonly Breakpoint[]): { stops: number[]; logs: number[] } {
  const stops: number[] = [];
  const logs: number[] = [];
  if (!breakpoints.some((b) => b.enabled)) return { stops, logs };
  for (let i = 0; i < index.steps.length; i++) {
    const hits = evaluateStep(index, i, breakpoints);
    if (hits.some(isStop)) stops.push(i);
    else if (hits.length) logs.push(i);
  }
  return { stops, logs };
}
