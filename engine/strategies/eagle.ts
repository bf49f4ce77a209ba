/**
 * EAGLE-2 (Li et al. 2024): the feature-level draft head (onnx/eagle.onnx) grows a dynamic tree — expand the
 * top-k frontier by cumulative log-prob for `depth` rounds, rerank every candidate, keep the best total−1 — and
 * the target verifies the tree in one pass. The head's cache holds (feature f_t, token x_{t+1}) pairs of the
 * committed text; tree rounds append to it under a tree mask and are cropped away after verification.
 * Defaults are small (k 2, 3 rounds, 6 nodes): on CPU a target pass costs roughly per token, so big trees lose.
 * Drafts are deterministic top-k, so sampling verifies by recursive rejection with q = 1 (exact, EAGLE-2's rule).
 */
import type { Strategy } from './strategy';
import { eagle2Tree, type FrontierNode, type ProposedChild } from '../speculative/eagle-tree';
import { runEagleLoop } from '../speculative/eagle-drafter';
import { methodNumber, methodString } from '../speculative/policy-params';

/** The k best tokens of a logits row with their log-probabilities, best first (ties: lower id). */
export function topLogprobs(logits: Float32Array, k: number): ProposedChild[] {
  const vocab = logits.length;
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[i]!);
  let total = 0;
  for (let i = 0; i < vocab; i++) total += Math.exp(logits[i]! - max);
  const lse = max + Math.log(total);
  const best: number[] = [];
  for (let i = 0; i < vocab; i++) {
    const v = logits[i]!;
    if (best.length < k || v > logits[best[best.length - 1]!]!) {
      let j = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push(i);
      while (j > 0 && logits[best[j - 1]!]! < v) {
        best[j] = best[j - 1]!;
        j--;
      }
      best[j] = i;
    }
  }
  return best.map((token) => ({ token, value: logits[token]! - lse }));
}

export const eagleDecoding: Strategy = {
  aliases: ['eagle2', 'eagle-2'],
  description: {
    name: 'eagle',
    family: 'tree-speculative',
    lossless: true,
    needs: ['hiddenStates'],
    description: 'EAGLE-2: a one-layer draft head on the target\'s features grows a dynamic draft tree (expand the top-k frontier by cumulative confidence, rerank to a node budget); one target pass verifies it.',
    params: [
      { name: 'eagle_topk', default: 2, min: 1, max: 10, step: 1, help: 'k: children per frontier node and frontier size' },
      { name: 'eagle_depth', default: 3, min: 0, max: 8, step: 1, help: 'expansion rounds after the first level' },
      { name: 'tree_nodes', default: 6, min: 1, max: 80, step: 1, help: 'tree size after reranking (EAGLE total_token − 1)' },
    ],
  },
  variant: (ctx) => `EAGLE-2 dynamic tree (expand top-k by cumulative log-prob, global rerank); ${ctx.processors.doSample ? 'recursive rejection with deterministic drafts (q = 1)' : 'greedy walk'}; tree mode ${methodString(ctx.params, 'tree_mode', 'auto')}`,
  async run(ctx) {
    const topK = methodNumber(ctx.params, 'eagle_topk', 2);
    const depth = methodNumber(ctx.params, 'eagle_depth', 3);
    const budget = methodNumber(ctx.params, 'tree_nodes', 6);
    await runEagleLoop(ctx, async (round, seq) => {
      const { room } = round;
      const propose = async (frontier: readonly FrontierNode[]): Promise<ProposedChild[][]> => {
        if (frontier.length === 1 && frontier[0]!.candidate === -1) return [topLogprobs(round.rootLogits, topK)];
        const live = frontier.filter((f) => f.depth < room);
        if (live.length === 0) return frontier.map(() => []);
        const rows = await round.expand(live);
        const byCandidate = new Map(live.map((f, i) => [f.candidate, topLogprobs(rows[i]!, topK)]));
        return frontier.map((f) => byCandidate.get(f.candidate) ?? []);
      };
      const dynamic = await eagle2Tree(seq[round.rootPosition]!, { topK, depth: Math.max(0, Math.min(depth, room - 1)), totalTokens: budget + 1 }, propose);
      return {
        tree: dynamic.tree,
        source: `EAGLE-2 head: ${dynamic.candidates.length} candidates in ${dynamic.draftCalls} head calls, reranked to ${dynamic.tree.nodes.length} (cut at cumulative log-prob ${dynamic.cutScore.toFixed(3)})`,
      };
    });
  },
};
