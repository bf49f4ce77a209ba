/** Facts shared by the family walkthroughs: top picks, committed tokens, the prefill step, run totals. */
import type { TraceIndex, StepEntry } from '../trace/trace-index';
import { formatNumber, formatPercent } from '../format/format';
import { num, plural, prob, say, tok, toks } from './sentence';
import type { BeatTemplate, Sentence, StepContext, WalkTarget } from './types';

/** The most probable token of a distribution after processing (the greedy pick), with its probability. */
export function processedTop(trace: TraceIndex, distId: string | undefined): { id: number; p: number } | undefined {
  const d = distId ? trace.dists.get(distId) : undefined;
  let best: { id: number; p: number } | undefined;
  for (const t of d?.processed.topk ?? []) {
    if (t.logprob === null) continue;
    const p = Math.exp(t.logprob);
    if (!best || p > best.p || (p === best.p && t.id < best.id)) best = { id: t.id, p };
  }
  return best;
}

export function entry(ctx: StepContext): StepEntry {
  return ctx.trace.steps[ctx.stepIdx]!;
}

/** The output tokens a step committed, as token-chip targets. */
export function committedTargets(trace: TraceIndex, stepIdx: number): WalkTarget[] {
  const e = trace.steps[stepIdx];
  if (!e) return [];
  return Array.from({ length: e.outCount }, (_, i) => ({ view: 'token' as const, outputIndex: e.outStart + i }));
}

export function committedIds(trace: TraceIndex, stepIdx: number): number[] {
  return trace.steps[stepIdx]?.commit?.tokens.map((t) => t.id) ?? [];
}

/** Token before a step's first output: the last committed token (or the prompt's last). */
export function lastBefore(trace: TraceIndex, stepIdx: number): number | undefined {
  const e = trace.steps[stepIdx];
  if (!e) return undefined;
  return e.outStart > 0 ? trace.output[e.outStart - 1]?.id : trace.header?.prompt.tokenIds.at(-1);
}

/**
 * A step the target decoded alone (the prefill, or a step with no draft / Jacobi / lookahead record):
 * one beat saying what it picked and with what probability.
 */
export function targetOnlyTemplate(isSpecial: (ctx: StepContext) => boolean): BeatTemplate<{ id: number; p?: number; prefill: boolean }> {
  return {
    id: 'target-step',
    phase: 'commit',
    facts(ctx) {
      const e = entry(ctx);
      if (isSpecial(ctx) || !e.commit || e.commit.tokens.length === 0) return [];
      const t = e.commit.tokens[0]!;
      const choice = t.distId ? ctx.trace.choiceByDist.get(t.distId) : undefined;
      return [{ id: t.id, p: choice?.prob, prefill: e.calls.some((c) => c.purpose === 'prefill') }];
    },
    say(f, ctx) {
      const n = ctx.trace.header?.prompt.tokenIds.length ?? 0;
      const rest = committedIds(ctx.trace, ctx.stepIdx).slice(1);
      if (f.prefill)
        return say`First the prompt (${plural(n, 'token')}) goes through the target in one pass; its last position gives the first token, ${tok(ctx.trace, f.id)}${f.p !== undefined ? [' with p = ', prob(f.p)] : ''}.${rest.length ? [' It also commits ', toks(ctx.trace, rest), '.'] : ''}`;
      return say`Step ${ctx.trace.steps[ctx.stepIdx]!.step}: nothing to verify here; the target picks ${tok(ctx.trace, f.id)}${f.p !== undefined ? [' (p = ', prob(f.p), ')'] : ''} itself.`;
    },
    targets(_f, ctx) {
      return committedTargets(ctx.trace, ctx.stepIdx);
    },
  };
}

/** The closing sentence: tokens, target passes, τ and (when drafting) the acceptance rate. */
export function runTotals(trace: TraceIndex): Sentence {
  const m = trace.metrics();
  const tau = m.targetForwardPasses > 0 ? m.tokens / m.targetForwardPasses : null;
  return say`That is the whole run: ${plural(m.tokens, 'token')} from ${plural(m.targetForwardPasses, 'target forward pass', 'target forward passes')}${
    tau !== null ? [', τ = ', num(formatNumber(tau)), ' tokens per pass'] : ''
  }${m.acceptanceRate !== null ? [', ', num(formatPercent(m.acceptanceRate)), ' of drafted tokens accepted'] : ''}.`;
}
