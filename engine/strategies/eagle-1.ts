/**
 * EAGLE-1 (Li et al., ICML'24): the same feature-level draft head as EAGLE-2 (onnx/eagle.onnx), but the draft tree
 * has a fixed shape — a choices list like EAGLE's `mc_sim_7b_63` — grown one depth per head call, each node's
 * children being the head's top-k (greedy) or k draws without replacement from its processed distribution
 * (sampling). One target pass verifies the tree; sampled trees use recursive rejection with EAGLE-1's
 * conditional-q correction for siblings drawn without replacement, so the output keeps the target distribution.
 */
import type { Strategy } from './strategy';
import type { RunContext } from './context';
import { runEagleLoop } from '../speculative/eagle-drafter';
import {
  EAGLE1_DEFAULT_CHOICES, formatChoices, growStaticTree, parseChoices, staticShape, type ChildDraft, type StaticShape,
} from '../speculative/eagle-static-tree';
import type { FrontierNode } from '../speculative/eagle-tree';
import { softmax, sampleFromDistribution, topEntries } from '../speculative/dist';
import { withoutReplacementProposals } from '../speculative/tree-verify';
import { probabilities, runUniform } from '../speculative/engine-bridge';
import { methodString } from '../speculative/policy-params';
import { processLogits } from '../logits/pipeline';

function shapeOf(ctx: Pick<RunContext, 'params'>): StaticShape {
  const text = methodString(ctx.params, 'tree_choices', '');
  if (!text) return staticShape(EAGLE1_DEFAULT_CHOICES);
  try {
    return staticShape(parseChoices(text));
  } catch (err) {
    const why = (err as Error).message.replace(/^(medusa choices|eagle-1 tree|params\.method\.tree_choices): /, '');
    throw new Error(`params.method.tree_choices: '${text}' is not a tree shape: ${why}`);
  }
}

/** The head's `count` most likely tokens: deterministic drafts (verified with q = 1 when sampling is off). */
function topDrafts(logits: Float32Array, count: number): ChildDraft[] {
  const probs = softmax(logits);
  return topEntries(probs, count).map((e) => ({ token: e.id, q: e.prob, proposal: null }));
}

/** `count` tokens drawn without replacement from q; the j-th sibling's proposal is q without the earlier ones. */
function sampledDrafts(q: Float32Array, count: number, uniform: () => number): ChildDraft[] {
  const remaining = Float32Array.from(q);
  const tokens: number[] = [];
  while (tokens.length < count && remaining.some((v) => v > 0)) {
    const token = sampleFromDistribution(remaining, uniform()).token;
    tokens.push(token);
    remaining[token] = 0;
  }
  const proposals = withoutReplacementProposals(q, tokens);
  return tokens.map((token, j) => ({ token, q: proposals[j]![token]!, proposal: proposals[j]! }));
}

export const eagle1Decoding: Strategy = {
  aliases: ['eagle1', 'eagle-static'],
  description: {
    name: 'eagle-1',
    family: 'tree-speculative',
    lossless: true,
    needs: ['hiddenStates'],
    description: `EAGLE-1: the EAGLE draft head fills a static draft tree (choices ${formatChoices(EAGLE1_DEFAULT_CHOICES)}; params.method.tree_choices overrides), one depth per head call; one target pass verifies it.`,
  },
  variant: (ctx) => {
    const shape = shapeOf(ctx);
    const rule = ctx.processors.doSample
      ? 'children drawn without replacement from the head\'s processed distribution, recursive rejection with the conditional-q correction'
      : 'top-k children, greedy walk';
    return `EAGLE-1 static tree ⟨${formatChoices(shape.choices)}⟩ (${shape.choices.length} nodes, depth ${shape.maxDepth}); ${rule}; tree mode ${methodString(ctx.params, 'tree_mode', 'auto')}`;
  },
  validate(ctx) {
    try {
      shapeOf(ctx);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  },
  async run(ctx) {
    const shape = shapeOf(ctx);
    const uniform = runUniform(ctx);
    await runEagleLoop(ctx, async (round, seq) => {
      const children = async (frontier: readonly FrontierNode[], counts: readonly number[]): Promise<ChildDraft[][]> => {
        const rows = frontier[0]!.candidate === -1 ? [round.rootLogits] : await round.expand(frontier);
        return rows.map((logits, i) => {
          if (!ctx.processors.doSample) return topDrafts(logits, counts[i]!);
          const q = probabilities(processLogits(logits, [...seq, ...frontier[i]!.pathTokens], ctx.processors));
          return sampledDrafts(q, counts[i]!, () => uniform('draft'));
        });
      };
      const grown = await growStaticTree(seq[round.rootPosition]!, shape, round.room, children);
      const full = grown.complete ? 'the full shape' : `cut to ${grown.tree.nodes.length} of ${shape.choices.length} nodes (room ${round.room})`;
      return { tree: grown.tree, source: `EAGLE-1 head: static tree, ${full}, ${grown.draftCalls} head calls` };
    });
  },
};
