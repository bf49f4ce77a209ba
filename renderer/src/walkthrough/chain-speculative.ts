/**
 * Chain speculative decoding: the drafter proposes γ tokens, one target pass verifies them left to
 * right — sampled: accept d with probability min(1, p(d)/q(d)) (u ≤ that), on the first rejection draw
 * the correction from norm(max(0, p − q)); greedy: accept while d equals the target's argmax — and the
 * step ends with the correction or, when every draft was accepted, a bonus token from the same pass.
 */
import type { VerifyRecord } from '../../../engine/trace/schema';
import { join, num, plural, prob, say, tok, toks, u3 } from './sentence';
import { committedTargets, entry, processedTop, runTotals, targetOnlyTemplate } from './common';
import type { BeatTemplate, StepContext, Walkthrough, WalkTarget } from './types';

type Decision = VerifyRecord['decisions'][number];
type DraftNode = { node: number; tokenId: number; q?: number };

function draftOf(ctx: StepContext) {
  return entry(ctx).drafts.at(-1);
}

const draft: BeatTemplate<DraftNode[]> = {
  id: 'draft',
  phase: 'draft',
  facts: (ctx) => {
    const d = draftOf(ctx);
    return d ? [d.nodes.map((n) => ({ node: n.node, tokenId: n.tokenId, q: n.q }))] : [];
  },
  say(nodes, ctx) {
    const d = draftOf(ctx)!;
    // Drafters without a model of their own (prompt lookup, n-gram table) name themselves in `source`.
    const who = d.model === 'draft' ? 'The draft model' : d.model === 'other' ? `The ${d.source.split(':')[0]} drafter` : `The ${d.model} drafter`;
    const list = nodes.flatMap((n, i) => [i > 0 ? ', ' : '', tok(ctx.trace, n.tokenId), n.q !== undefined ? [' (q = ', prob(n.q), ')'] : '']);
    return say`Step ${d.step}. ${who} proposes ${plural(nodes.length, 'token')}: ${list}. The target will check them all in a single forward pass.`;
  },
  targets: (nodes, ctx) => nodes.map((n) => ({ view: 'draft-tree', step: entry(ctx).step, node: n.node })),
};

/** The acceptance sentence for one sampled decision (shared with the tree walkthrough). */
/** `after`: what a rejection leads to — the next sibling (trees), discarding later drafts, or nothing left. */
export function sampledDecisionSentence(d: Decision, ctx: StepContext, after: 'sibling' | 'rest' | 'none') {
  const t = tok(ctx.trace, d.tokenId);
  const p = d.p;
  const q = d.q;
  const threshold = d.ratio !== undefined ? Math.min(1, d.ratio) : q !== undefined && q > 0 ? Math.min(1, p / q) : Math.min(1, p);
  const head = q !== undefined ? say`The draft proposed ${t} with q = ${prob(q)}; the target gives p = ${prob(p)}.` : say`The target gives ${t} p = ${prob(p)} (a deterministic draft: accept with probability p).`;
  let verdict;
  if (d.accepted && q !== undefined && p >= q) verdict = say`Since p ≥ q, min(1, p/q) = 1: it is accepted whatever the draw (u = ${u3(d.u!)}).`;
  else if (d.accepted) verdict = say`The acceptance probability is ${q !== undefined ? 'min(1, p/q)' : 'p'} = ${u3(threshold)}; u = ${u3(d.u!)} ≤ ${u3(threshold)}, so it is accepted.`;
  else
    verdict = join(
      say`The acceptance probability is ${q !== undefined ? 'min(1, p/q)' : 'p'} = ${u3(threshold)}; u = ${u3(d.u!)} > ${u3(threshold)}, so it is rejected.`,
      after === 'sibling' ? say`Its probability is taken out of the residual and the next sibling is tried.` : after === 'rest' ? say`Everything drafted after it is discarded.` : null,
    );
  return join(head, verdict);
}

function greedyDecisionSentence(d: Decision, ctx: StepContext, rest: boolean) {
  const top = processedTop(ctx.trace, d.targetDistId);
  const t = tok(ctx.trace, d.tokenId);
  const pick = top ? tok(ctx.trace, top.id) : undefined;
  if (d.accepted) return say`The draft proposed ${t}; the target's own top pick here is ${pick ?? t} (p = ${prob(top?.p ?? d.p)}). They match, so ${t} is accepted.`;
  return say`The draft proposed ${t} (target p = ${prob(d.p)}), but the target's top pick here is ${pick ?? 'another token'}${top ? [' (p = ', prob(top.p), ')'] : ''}. No match: ${t} is rejected${rest ? ' and everything drafted after it is discarded' : ''}.`;
}

const decide: BeatTemplate<Decision> = {
  id: 'decide',
  phase: 'verify',
  facts: (ctx) => (draftOf(ctx) ? (entry(ctx).verify?.decisions ?? []) : []),
  say(d, ctx) {
    const rest = (draftOf(ctx)?.nodes.length ?? 0) > d.node + 1;
    return d.u !== undefined ? sampledDecisionSentence(d, ctx, rest ? 'rest' : 'none') : greedyDecisionSentence(d, ctx, rest);
  },
  targets: (d, ctx) => [{ view: 'draft-tree', step: entry(ctx).step, node: d.node }],
  select: (d, ctx) => ({ kind: 'node', step: entry(ctx).step, node: d.node }),
};

interface Supplied {
  id: number;
  source: string;
  distId?: string;
}

/** The token the target adds after the accepted drafts (correction or bonus), and the step's total. */
export function suppliedSentence(f: Supplied, ctx: StepContext, accepted: number, tree = false) {
  const e = entry(ctx);
  const t = tok(ctx.trace, f.id);
  const choice = f.distId ? ctx.trace.choiceByDist.get(f.distId) : undefined;
  const sampled = choice?.u !== undefined;
  let first;
  if (f.source === 'bonus')
    first = say`${tree ? 'The walk reached a leaf' : `All ${plural(accepted, 'draft')} accepted`}, so the same target pass gives one more token for free: the bonus ${t}${sampled ? ', sampled from the target’s next distribution' : ', the target’s top pick there'} (p = ${prob(choice?.prob)}).`;
  else if (sampled && choice?.rule === 'residual')
    first = say`The correction is drawn from the residual norm(max(0, p − q)), which removes what the draft already had its chance at: u = ${u3(choice.u!)} picks ${t} (residual p = ${prob(choice.prob)}).`;
  else first = say`In place of the rejected draft the target supplies its own pick ${t}${choice ? [' (p = ', prob(choice.prob), ')'] : ''}.`;
  const total = e.outCount;
  return join(first, say`Step ${e.step} commits ${plural(total, 'token')} (${num(accepted)} accepted + 1 from the target) for one target pass.`);
}

const supply: BeatTemplate<Supplied> = {
  id: 'supply',
  phase: 'commit',
  facts(ctx) {
    const e = entry(ctx);
    if (!draftOf(ctx) || !e.commit) return [];
    const accepted = e.verify?.acceptedLength ?? 0;
    const extra = e.commit.tokens.slice(accepted).find((t) => t.source !== 'accepted');
    return extra ? [{ id: extra.id, source: extra.source, distId: extra.distId }] : [];
  },
  say: (f, ctx) => suppliedSentence(f, ctx, entry(ctx).verify?.acceptedLength ?? 0),
  targets: (_f, ctx): WalkTarget[] => [{ view: 'draft-tree', step: entry(ctx).step, node: -2 }, ...committedTargets(ctx.trace, ctx.stepIdx)],
  select: (_f, ctx) => ({ kind: 'node', step: entry(ctx).step, node: -2 }),
};

/** A drafted step whose commit holds only accepted tokens (cut at the length limit): say what it kept. */
const cut: BeatTemplate<number[]> = {
  id: 'cut',
  phase: 'commit',
  facts(ctx) {
    const e = entry(ctx);
    if (!draftOf(ctx) || !e.commit || supply.facts(ctx).length) return [];
    return [e.commit.tokens.map((t) => t.id)];
  },
  say: (ids, ctx) => say`Step ${entry(ctx).step} commits ${toks(ctx.trace, ids)}: the run reached its length limit.`,
  targets: (_ids, ctx) => committedTargets(ctx.trace, ctx.stepIdx),
};

export const chainWalkthrough: Walkthrough = {
  id: 'chain-speculative',
  title: 'Chain speculative decoding',
  tab: 'draft-tree',
  intro(trace) {
    const sampled = trace.header?.params.do_sample;
    return sampled
      ? say`Speculative sampling: a cheap drafter proposes a few tokens, the target checks them all in one pass and accepts each draft token d with probability min(1, p(d)/q(d)); on a rejection it draws a correction from norm(max(0, p − q)). The output follows the target's distribution exactly.`
      : say`Speculative decoding, greedy: a cheap drafter proposes a few tokens, the target checks them all in one pass and keeps them while they equal its own top pick; the output is exactly the target's greedy output.`;
  },
  templates: [targetOnlyTemplate((ctx) => !!draftOf(ctx)), draft, decide, supply, cut],
  outro: runTotals,
};
