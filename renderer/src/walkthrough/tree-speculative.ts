/**
 * Tree speculative decoding (SpecInfer, Medusa, EAGLE, OPT-Tree): the drafter grows a token tree, one
 * target pass with a tree mask scores every node, and verification walks down from the root — greedy:
 * move to the child equal to the target's top pick, stop when none matches; sampled: try the children
 * in order with the acceptance rule, removing each rejected one from the residual. The step commits the
 * accepted path plus the target's own token (bonus or correction).
 */
import type { VerifyRecord } from '../../../engine/trace/schema';
import { join, num, plural, prob, say, tok, toks } from './sentence';
import { committedTargets, entry, lastBefore, processedTop, runTotals, targetOnlyTemplate } from './common';
import { sampledDecisionSentence, suppliedSentence } from './chain-speculative';
import type { BeatTemplate, StepContext, Walkthrough, WalkTarget } from './types';

type Decision = VerifyRecord['decisions'][number];

function draftOf(ctx: StepContext) {
  return entry(ctx).drafts.at(-1);
}

function parentOf(ctx: StepContext, node: number): number {
  return draftOf(ctx)?.nodes.find((n) => n.node === node)?.parent ?? -1;
}

const grow: BeatTemplate<true> = {
  id: 'draft',
  phase: 'draft',
  facts: (ctx) => (draftOf(ctx) ? [true] : []),
  say(_f, ctx) {
    const d = draftOf(ctx)!;
    const perDepth = new Map<number, number>();
    for (const n of d.nodes) perDepth.set(n.depth, (perDepth.get(n.depth) ?? 0) + 1);
    const depths = [...perDepth.keys()].sort((a, b) => a - b);
    const root = lastBefore(ctx.trace, ctx.stepIdx);
    const who = d.model === 'draft' ? 'the draft model' : d.model === 'medusa' ? 'the Medusa heads' : d.model === 'eagle' ? 'the EAGLE head' : `the ${d.model} drafter`;
    return say`Step ${d.step}. Instead of one guess per position, ${who} grows a tree of ${plural(d.nodes.length, 'candidate')} below ${root !== undefined ? tok(ctx.trace, root) : 'the last token'}: ${depths.map((k) => perDepth.get(k)).join(', ')} nodes at depths ${depths.join(', ')}. Each root-to-leaf path is one possible continuation.`;
  },
  targets: (_f, ctx) => {
    const d = draftOf(ctx)!;
    return [{ view: 'draft-tree', step: d.step, node: -1 }, ...d.nodes.filter((n) => n.depth === 1).map((n) => ({ view: 'draft-tree' as const, step: d.step, node: n.node }))];
  },
};

const pass: BeatTemplate<true> = {
  id: 'pass',
  phase: 'verify',
  facts: (ctx) => (draftOf(ctx) && entry(ctx).verify ? [true] : []),
  say(_f, ctx) {
    const e = entry(ctx);
    const n = draftOf(ctx)!.nodes.length;
    const call = e.calls.find((c) => c.model === 'target' && c.purpose === 'verify');
    if (call && call.maskKind !== 'tree' && call.inputIds.length > 1)
      return say`The target verifies the tree as ${plural(call.inputIds.length, 'batch row')}, one per root-to-leaf path, in a single forward pass: every node gets the target's distribution for its own path.`;
    return say`One target forward pass scores all ${num(n)} nodes at once: the tree attention mask lets each node see only its own ancestors, so every node gets the target's distribution for exactly its path.`;
  },
  targets: (_f, ctx) => [{ view: 'draft-tree', step: entry(ctx).step, node: -1 }],
};

interface Level {
  parent: number;
  decisions: Decision[];
}

/** Decisions grouped by the node they hang from, in the order the walk examined them. */
function levels(ctx: StepContext): Level[] {
  const out: Level[] = [];
  if (!draftOf(ctx)) return out;
  for (const d of entry(ctx).verify?.decisions ?? []) {
    const parent = parentOf(ctx, d.node);
    const last = out[out.length - 1];
    if (last && last.parent === parent) last.decisions.push(d);
    else out.push({ parent, decisions: [d] });
  }
  return out;
}

function nodeToken(ctx: StepContext, node: number): number | undefined {
  if (node < 0) return lastBefore(ctx.trace, ctx.stepIdx);
  return draftOf(ctx)?.nodes.find((n) => n.node === node)?.tokenId;
}

const walk: BeatTemplate<Level> = {
  id: 'walk',
  phase: 'verify',
  facts: levels,
  say(level, ctx) {
    const at = nodeToken(ctx, level.parent);
    const here = at !== undefined ? tok(ctx.trace, at) : 'the root';
    const accepted = level.decisions.find((d) => d.accepted);
    const sampled = level.decisions.some((d) => d.u !== undefined);
    if (sampled) {
      const each = level.decisions.map((d, i) => sampledDecisionSentence(d, ctx, i < level.decisions.length - 1 ? 'sibling' : 'none'));
      return join(
        level.decisions.length > 1 ? say`After ${here} the walk tries ${plural(level.decisions.length, 'child', 'children')} in turn.` : say`After ${here}:`,
        ...each,
        accepted ? say`The walk moves down to ${tok(ctx.trace, accepted.tokenId)}.` : say`No child is accepted: the walk stops here.`,
      );
    }
    const top = processedTop(ctx.trace, level.decisions[0]?.targetDistId);
    const tried = level.decisions.flatMap((d, i) => [i > 0 ? ', ' : '', tok(ctx.trace, d.tokenId), d.accepted ? ' ✓' : ' ✕']);
    return join(
      say`After ${here} the target's top pick is ${top ? tok(ctx.trace, top.id) : '—'} (p = ${prob(top?.p)}). The children examined: ${tried}.`,
      accepted ? say`${tok(ctx.trace, accepted.tokenId)} matches, so the walk moves down to it.` : say`${level.decisions.length === 1 ? 'It does not match' : 'None of them matches'}, so the walk stops here.`,
    );
  },
  targets: (level, ctx) => [level.parent, ...level.decisions.map((d) => d.node)].map((node) => ({ view: 'draft-tree' as const, step: entry(ctx).step, node })),
  select: (level, ctx) => ({ kind: 'node', step: entry(ctx).step, node: (level.decisions.find((d) => d.accepted) ?? level.decisions.at(-1)!).node }),
};

interface Result {
  path: number[];
  extra?: { id: number; source: string; distId?: string };
}

const result: BeatTemplate<Result> = {
  id: 'result',
  phase: 'commit',
  facts(ctx) {
    const e = entry(ctx);
    if (!draftOf(ctx) || !e.commit) return [];
    const accepted = (e.verify?.decisions ?? []).filter((d) => d.accepted).map((d) => d.node);
    const n = e.verify?.acceptedLength ?? accepted.length;
    const extra = e.commit.tokens.slice(n).find((t) => t.source !== 'accepted');
    return [{ path: accepted, extra: extra ? { id: extra.id, source: extra.source, distId: extra.distId } : undefined }];
  },
  say(r, ctx) {
    const e = entry(ctx);
    const d = draftOf(ctx)!;
    const pathIds = r.path.map((n) => nodeToken(ctx, n)!).filter((x) => x !== undefined);
    const head = r.path.length
      ? say`The accepted path is ${toks(ctx.trace, pathIds)}: ${num(r.path.length)} of ${num(d.nodes.length)} drafted nodes; the rest of the tree is dropped (only the path's cache rows are kept).`
      : say`Not one drafted node was accepted; the tree is dropped.`;
    if (!r.extra) return join(head, say`Step ${e.step} commits ${toks(ctx.trace, committedIdsOf(ctx))}.`);
    return join(head, suppliedSentence(r.extra, ctx, r.path.length, true));
  },
  targets: (r, ctx): WalkTarget[] => [
    ...r.path.map((node) => ({ view: 'draft-tree' as const, step: entry(ctx).step, node })),
    ...(r.extra ? [{ view: 'draft-tree' as const, step: entry(ctx).step, node: -2 }] : []),
    ...committedTargets(ctx.trace, ctx.stepIdx),
  ],
  select: (r, ctx) => (r.extra ? { kind: 'node', step: entry(ctx).step, node: -2 } : null),
};

function committedIdsOf(ctx: StepContext): number[] {
  return entry(ctx).commit?.tokens.map((t) => t.id) ?? [];
}

export const treeWalkthrough: Walkthrough = {
  id: 'tree-speculative',
  title: 'Tree speculative decoding',
  tab: 'draft-tree',
  intro(trace) {
    const h = trace.header;
    const sampled = h?.params.do_sample;
    return say`Tree speculative decoding (${h?.method.name ?? 'tree'}): the drafter proposes a whole tree of continuations and the target verifies every branch in one forward pass. ${
      sampled
        ? 'Verification walks down from the root, accepting a child with the speculative-sampling rule and trying the next sibling against the residual after a rejection.'
        : 'Verification walks down from the root, always to the child that equals the target’s top pick, so the output is exactly the target’s greedy output.'
    }`;
  },
  templates: [targetOnlyTemplate((ctx) => !!draftOf(ctx)), grow, pass, walk, result],
  outro: runTotals,
};
