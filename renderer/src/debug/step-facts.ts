/**
 * The numbers a breakpoint condition looks at, read off one step of a TraceIndex. Pure: no React, no
 * store. Each method family records a different subset, so every fact is `null` where this step has
 * no such number (a plain autoregressive step drafts nothing; a beam step commits nothing).
 */
import type { JacobiIterRecord, LookaheadRecord } from '../../../engine/trace/schema';
import type { TraceIndex } from '../trace/trace-index';

/** How a trace's method produces tokens, as far as breakpoint conditions care. */
export type MethodShape = 'speculative' | 'lookahead' | 'jacobi' | 'plain';

export interface RejectedDraft {
  node: number;
  tokenId: number;
  p: number;
  q?: number;
  reason: string;
}

export interface StepFacts {
  stepIdx: number;
  step: number;
  /** Draft tokens proposed this step (speculative: draft nodes; lookahead: longest candidate; Jacobi: block guesses). */
  drafted: number | null;
  /** Accepted length: drafted tokens accepted (speculative, lookahead) or guesses proved right beyond the one token every Jacobi pass guarantees. */
  accepted: number | null;
  /** The first refused draft token, when verification refused one. */
  rejection: RejectedDraft | null;
  /** How many examined draft tokens were refused (0 when none were; null when nothing was verified). */
  rejectedCount: number | null;
  /** Highest processed entropy, in nats, among the distributions this step's tokens were decided from. */
  entropy: number | null;
  /** Lowest probability a committed token had under the distribution it was picked from. */
  prob: number | null;
  /** Output index of the token `prob` belongs to. */
  probOutputIndex: number | null;
  /** Text this step committed. */
  text: string;
}

interface ExtrasCache {
  seen: number;
  lookahead: Map<number, LookaheadRecord>;
  /** The last Jacobi row recorded for each step. */
  jacobi: Map<number, JacobiIterRecord>;
}

const extrasCache = new WeakMap<TraceIndex, ExtrasCache>();

/** Records the TraceIndex files under no step (jacobi_iter, lookahead), by step; scanned incrementally. */
function extras(index: TraceIndex): ExtrasCache {
  let c = extrasCache.get(index);
  if (!c) {
    c = { seen: 0, lookahead: new Map(), jacobi: new Map() };
    extrasCache.set(index, c);
  }
  for (; c.seen < index.records.length; c.seen++) {
    const r = index.records[c.seen]!;
    if (r.type === 'lookahead') c.lookahead.set(r.step, r);
    else if (r.type === 'jacobi_iter') {
      const prev = c.jacobi.get(r.step);
      if (!prev || r.iteration >= prev.iteration) c.jacobi.set(r.step, r);
    }
  }
  return c;
}

const SPECULATIVE_FAMILIES = new Set(['speculative', 'tree-speculative', 'self-speculative']);

export function methodShape(index: TraceIndex): MethodShape {
  const has = (type: string) => (index.counts.get(type) ?? 0) > 0;
  if (has('verify')) return 'speculative';
  if (has('lookahead')) return 'lookahead';
  if (has('jacobi_iter')) return 'jacobi';
  // A live run that has not produced such a record yet: go by what the header says it is.
  const method = index.header?.method;
  if (!method) return 'plain';
  if (SPECULATIVE_FAMILIES.has(method.family) || method.name.startsWith('sjd')) return 'speculative';
  if (method.name === 'lookahead') return 'lookahead';
  if (method.family === 'jacobi') return 'jacobi';
  return 'plain';
}

export function methodLabel(index: TraceIndex): string {
  return index.header?.method.name ?? 'this method';
}

const encoder = new TextEncoder();

interface TextCache {
  version: number;
  text: string;
  /** Text length after each step (index = stepIdx). */
  endAt: number[];
}

const textCache = new WeakMap<TraceIndex, TextCache>();

/**
 * The generated text, decoded as UTF-8 across token boundaries (byte pieces join into characters), and
 * where each step's text ends. Special tokens (end of sequence…) contribute no text.
 */
export function outputText(index: TraceIndex): TextCache {
  const cached = textCache.get(index);
  if (cached && cached.version === index.version) return cached;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let text = '';
  const endAt: number[] = [];
  for (const e of index.steps) {
    for (let i = e.outStart; i < e.outStart + e.outCount; i++) {
      const entry = index.tokenText(index.output[i]!.id);
      if (entry.special) continue;
      text += decoder.decode(entry.bytes ? Uint8Array.from(entry.bytes) : encoder.encode(entry.text), { stream: true });
    }
    endAt.push(text.length);
  }
  text += decoder.decode();
  if (endAt.length) endAt[endAt.length - 1] = text.length;
  const fresh = { version: index.version, text, endAt };
  textCache.set(index, fresh);
  return fresh;
}

function speculativeFacts(index: TraceIndex, stepIdx: number): Pick<StepFacts, 'drafted' | 'accepted' | 'rejection' | 'rejectedCount'> {
  const e = index.steps[stepIdx]!;
  const v = e.verify;
  if (!v) return { drafted: null, accepted: null, rejection: null, rejectedCount: null };
  // Tree verifiers also list siblings they skipped without testing; those are not rejections.
  const refused = v.decisions.filter((d) => !d.accepted && !d.reason.startsWith('skipped'));
  const first = refused[0];
  let drafted = 0;
  for (const d of e.drafts) drafted += d.nodes.length;
  return {
    drafted,
    accepted: v.acceptedLength,
    rejection: first ? { node: first.node, tokenId: first.tokenId, p: first.p, q: first.q, reason: first.reason } : null,
    rejectedCount: refused.length,
  };
}

function lookaheadFacts(r: LookaheadRecord | undefined): Pick<StepFacts, 'drafted' | 'accepted' | 'rejection' | 'rejectedCount'> {
  // Steps with no pool hits verified nothing: there was nothing to accept or refuse.
  if (!r || r.candidates.length === 0) return { drafted: null, accepted: null, rejection: null, rejectedCount: null };
  const longest = Math.max(...r.candidates.map((c) => c.ngram.length));
  const accepted = r.verified.acceptedLength;
  const best = r.candidates[r.verified.candidate] ?? r.candidates[0]!;
  const refusedAt = accepted < best.ngram.length ? best.ngram[accepted] : undefined;
  return {
    drafted: longest,
    accepted,
    rejection: accepted < longest ? { node: accepted, tokenId: refusedAt ?? best.ngram[0]!, p: Number.NaN, reason: `guess refused after ${accepted} matching token${accepted === 1 ? '' : 's'}` } : null,
    rejectedCount: accepted < longest ? 1 : 0,
  };
}

function jacobiFacts(index: TraceIndex, stepIdx: number, row: JacobiIterRecord | undefined): Pick<StepFacts, 'drafted' | 'accepted' | 'rejection' | 'rejectedCount'> {
  const e = index.steps[stepIdx]!;
  // Row 0 is only the initial guess; a step without a forward pass on the block proved nothing.
  if (!row || row.iteration === 0 || !e.commit) return { drafted: null, accepted: null, rejection: null, rejectedCount: null };
  return { drafted: row.tokens.length, accepted: Math.max(0, e.commit.tokens.length - 1), rejection: null, rejectedCount: null };
}

export function stepFacts(index: TraceIndex, stepIdx: number): StepFacts {
  const e = index.steps[stepIdx]!;
  const shape = methodShape(index);
  const x = shape === 'lookahead' || shape === 'jacobi' ? extras(index) : null;
  const draft =
    shape === 'speculative'
      ? speculativeFacts(index, stepIdx)
      : shape === 'lookahead'
        ? lookaheadFacts(x!.lookahead.get(e.step))
        : shape === 'jacobi'
          ? jacobiFacts(index, stepIdx, x!.jacobi.get(e.step))
          : { drafted: null, accepted: null, rejection: null, rejectedCount: null };

  let entropy: number | null = null;
  let prob: number | null = null;
  let probOutputIndex: number | null = null;
  for (let i = e.outStart; i < e.outStart + e.outCount; i++) {
    const token = index.output[i]!;
    const d = token.distId ? index.dists.get(token.distId) : undefined;
    if (d && (entropy === null || d.processed.entropy > entropy)) entropy = d.processed.entropy;
    const p = index.probOf(token);
    if (p !== null && (prob === null || p < prob)) {
      prob = p;
      probOutputIndex = token.outputIndex;
    }
  }
  // A step whose tokens name no distribution (beam search: nothing until the last step, then the whole
  // best beam) still decided from one.
  if (entropy === null) entropy = index.mainDistribution(stepIdx)?.processed.entropy ?? null;

  const { text, endAt } = outputText(index);
  const start = stepIdx > 0 ? endAt[stepIdx - 1]! : 0;
  return { stepIdx, step: e.step, ...draft, entropy, prob, probOutputIndex, text: text.slice(start, endAt[stepIdx]) };
}
