/**
 * Autoregressive decoding (greedy or sampling): forward pass → logits processors → the draw → commit.
 * The first steps get every sub-step; later steps one beat each (what was drawn, with which u).
 */
import type { DistributionRecord, ChoiceRecord } from '../../../engine/trace/schema';
import { num, plural, prob, say, tok, u3 } from './sentence';
import { committedTargets, entry, runTotals } from './common';
import type { BeatTemplate, StepContext, Walkthrough, WalkTarget } from './types';

const DETAIL_STEPS = 3;

interface StepFacts {
  dist: DistributionRecord;
  choice?: ChoiceRecord;
}

function facts(ctx: StepContext, detailOnly: boolean): StepFacts[] {
  if (detailOnly && ctx.ordinal >= DETAIL_STEPS) return [];
  const dist = ctx.trace.mainDistribution(ctx.stepIdx);
  if (!dist || !entry(ctx).commit) return [];
  return [{ dist, choice: ctx.trace.choiceByDist.get(dist.distId) }];
}

/** A bar exists for a token only when the trace recorded it in a top-k list. */
function barFor(d: DistributionRecord, id: number): WalkTarget[] {
  return [...d.raw.topk, ...d.processed.topk].some((t) => t.id === id) ? [{ view: 'distribution', distId: d.distId, token: id }] : [];
}

function rawTop(d: DistributionRecord): { id: number; p: number } | undefined {
  const t = d.raw.topk.find((x) => x.logprob !== null);
  return t ? { id: t.id, p: Math.exp(t.logprob!) } : undefined;
}

function processedProb(d: DistributionRecord, id: number): number | undefined {
  const t = d.processed.topk.find((x) => x.id === id);
  return t && t.logprob !== null ? Math.exp(t.logprob) : undefined;
}

function stageLabel(s: DistributionRecord['stages'][number]): string {
  const value = Object.entries(s.params).find(([k]) => k !== 'min_tokens_to_keep')?.[1];
  return `${s.name.replace(/_/g, '-')}${value !== undefined ? ` ${value}` : ''}`;
}

const forward: BeatTemplate<StepFacts> = {
  id: 'forward',
  phase: 'forward',
  facts: (ctx) => facts(ctx, true),
  say({ dist }, ctx) {
    const top = rawTop(dist);
    return say`Step ${dist.step}. One forward pass of the target turns the context into logits over all ${dist.vocabSize.toLocaleString('en-US')} tokens. Before any processing the favourite is ${top ? tok(ctx.trace, top.id) : '—'} with p = ${prob(top?.p)}; the entropy is ${num(dist.raw.entropy)} nats.`;
  },
  targets: ({ dist }) => {
    const top = rawTop(dist);
    return top ? [{ view: 'distribution', distId: dist.distId, token: top.id }] : [];
  },
};

const processors: BeatTemplate<StepFacts> = {
  id: 'processors',
  phase: 'processors',
  facts: (ctx) => facts(ctx, true).filter((f) => f.dist.stages.length > 0),
  say({ dist, choice }, ctx) {
    const removed = dist.stages.reduce((a, s) => a + s.removedCount, 0);
    const id = choice?.tokenId ?? rawTop(dist)?.id;
    return say`The logits processors run in order: ${dist.stages.map(stageLabel).join(' → ')}. Together they remove ${removed.toLocaleString('en-US')} tokens, leaving ${plural(dist.processed.support, 'candidate')}${
      id !== undefined ? ['; ', tok(ctx.trace, id), ' now has p = ', prob(processedProb(dist, id))] : ''
    }.`;
  },
  targets: ({ dist, choice }) => (choice ? barFor(dist, choice.tokenId) : []),
};

function drawSentence({ choice }: StepFacts, ctx: StepContext, brief: boolean) {
  const c = choice!;
  const t = tok(ctx.trace, c.tokenId);
  if (c.u !== undefined) {
    const lo = c.cumBefore ?? 0;
    if (brief) return say`Step ${c.step}: u = ${u3(c.u)} lands on ${t} (p = ${prob(c.prob)}, rank ${c.rank + 1}).`;
    return say`The draw: lay the processed probabilities end to end on [0, 1) and draw u = ${u3(c.u)}. It lands in [${u3(lo)}, ${u3(lo + c.prob)}), the slice of ${t}, so ${t} is sampled (p = ${prob(c.prob)}, rank ${c.rank + 1}).`;
  }
  if (brief) return say`Step ${c.step}: the argmax ${t} (p = ${prob(c.prob)}).`;
  return say`Greedy decoding draws nothing: it takes the argmax, ${t}, with p = ${prob(c.prob)}.`;
}

const draw: BeatTemplate<StepFacts> = {
  id: 'draw',
  phase: 'draw',
  facts: (ctx) => facts(ctx, true).filter((f) => f.choice),
  say: (f, ctx) => drawSentence(f, ctx, false),
  targets: ({ dist, choice }) => [{ view: 'draw', distId: dist.distId }, ...barFor(dist, choice!.tokenId)],
};

const commit: BeatTemplate<StepFacts> = {
  id: 'commit',
  phase: 'commit',
  facts: (ctx) => facts(ctx, false),
  say(f, ctx) {
    const e = entry(ctx);
    const id = e.commit!.tokens[0]!.id;
    if (ctx.ordinal < DETAIL_STEPS || !f.choice) {
      return say`${tok(ctx.trace, id)} is appended as output token ${e.outStart + 1}; it joins the context of the next forward pass.`;
    }
    return drawSentence(f, ctx, true);
  },
  targets: (f, ctx) => [...committedTargets(ctx.trace, ctx.stepIdx), ...(f.choice ? barFor(f.dist, f.choice.tokenId) : [])],
};

export const samplingWalkthrough: Walkthrough = {
  id: 'sampling',
  title: 'Autoregressive decoding',
  tab: 'distribution',
  intro(trace) {
    const p = trace.header?.params;
    return p?.do_sample
      ? say`Sampling, one token per forward pass: the target scores every token, the logits processors reshape the distribution (temperature ${num(p.temperature ?? 1)}), and a uniform draw u picks the next token.`
      : say`Greedy decoding, one token per forward pass: the target scores every token and the most probable one is taken.`;
  },
  templates: [forward, processors, draw, commit],
  outro: runTotals,
};
