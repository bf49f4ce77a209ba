/**
 * Lookahead decoding: each step runs a 2-D window of Jacobi iterations over future positions, collects
 * the n-grams read along its diagonals into a pool, and in the same pass verifies the pool n-grams that
 * start with the last committed token; the longest verified prefix is committed plus one more token.
 */
import type { LookaheadRecord } from '../../../engine/trace/schema';
import { traceExtras } from '../views/trace-extras';
import { join, num, plural, prob, say, tok, toks } from './sentence';
import { committedTargets, entry, runTotals, targetOnlyTemplate } from './common';
import type { BeatTemplate, StepContext, Walkthrough, WalkTarget } from './types';

function recordOf(ctx: StepContext): LookaheadRecord | undefined {
  return traceExtras(ctx.trace).lookaheadByStep.get(entry(ctx).step);
}

const windowBeat: BeatTemplate<LookaheadRecord> = {
  id: 'window',
  phase: 'commit',
  facts: (ctx) => {
    const r = recordOf(ctx);
    return r ? [r] : [];
  },
  say(r) {
    const n = r.config.level;
    const added = r.poolInsertions.filter((i) => i.action === 'added').length;
    const pass = r.passes === 'single' ? 'one forward pass (with the lookahead attention mask)' : 'the forward passes';
    if (r.phase === 'fill')
      return say`Step ${r.step}. The lookahead window is still filling: it now holds ${plural(r.window.length, 'level')}, each an older Jacobi iterate of future positions. With N = ${num(n)} it needs ${num(n - 1)} before it can read ${num(n)}-token n-grams off its diagonals, so the pool stays empty for now.`;
    return say`Step ${r.step}. In ${pass} the window (W = ${num(r.config.window)} columns, ${plural(r.window.length, 'level')}) makes a new level of guesses; reading each column down the diagonal gives ${num(r.poolInsertions.length)} n-grams of ${num(n)} tokens for the pool: ${num(added)} new, ${num(r.poolInsertions.length - added)} already there. The pool now holds ${num(r.poolSize)}.`;
  },
  targets: (r) => [{ view: 'lookahead-window', step: r.step, row: 'new' }],
};

const verifyBeat: BeatTemplate<LookaheadRecord> = {
  id: 'verify',
  phase: 'commit',
  facts: windowBeat.facts,
  say(r, ctx) {
    const e = entry(ctx);
    const ids = e.commit?.tokens.map((t) => t.id) ?? [];
    const first = e.commit?.tokens[0];
    const p = first?.distId ? ctx.trace.choiceByDist.get(first.distId)?.prob : undefined;
    const last = tok(ctx.trace, r.last.id);
    if (r.candidates.length === 0)
      return say`No n-gram in the pool starts with ${last}, so there is nothing to verify: the step commits only the target's own pick ${first ? tok(ctx.trace, first.id) : '—'}${p !== undefined ? [' (p = ', prob(p), ')'] : ''}.`;
    const head = say`The pool has ${plural(r.candidates.length, 'n-gram')} starting with ${last}; the same pass verifies ${r.candidates.length === 1 ? 'it' : 'them'} against the target's own picks.`;
    if (r.verified.candidate < 0)
      return join(head, say`None matches even its first token, so the step commits only the target's pick ${first ? tok(ctx.trace, first.id) : '—'}.`);
    const c = r.candidates[r.verified.candidate]!;
    return join(
      head,
      say`Candidate #${num(r.verified.candidate)} ${toks(ctx.trace, c.ngram)} matches on ${num(c.matchLength)} of its ${num(c.ngram.length)} tokens, and the target's pick after the last match comes free: the step commits ${plural(ids.length, 'token')}, ${toks(ctx.trace, ids)}, for one pass.`,
    );
  },
  targets(r, ctx): WalkTarget[] {
    const out: WalkTarget[] = [{ view: 'lookahead-pool', step: r.step, key: r.last.id }];
    if (r.verified.candidate >= 0) out.push({ view: 'lookahead-candidate', step: r.step, candidate: r.verified.candidate });
    return [...out, ...committedTargets(ctx.trace, ctx.stepIdx)];
  },
  // The inspector explains the first committed token (the target's own pick after the last token).
  select: (_r, ctx) => ({ kind: 'token', outputIndex: entry(ctx).outStart }),
};

export const lookaheadWalkthrough: Walkthrough = {
  id: 'lookahead',
  title: 'Lookahead decoding',
  tab: 'lookahead',
  intro(trace) {
    const r = traceExtras(trace).lookahead[0];
    return say`Lookahead decoding runs Jacobi iterations on future positions in a 2-D window${r ? [' (N = ', num(r.config.level), ', W = ', num(r.config.window), ', G = ', num(r.config.guessSetSize), ')'] : ''}, keeps the n-grams they produce in a pool, and in the same forward pass verifies pool n-grams that continue the text. Greedy verification keeps the output exactly the greedy output, and every step commits at least one token.`;
  },
  templates: [targetOnlyTemplate((ctx) => !!recordOf(ctx)), windowBeat, verifyBeat],
  outro: runTotals,
};
