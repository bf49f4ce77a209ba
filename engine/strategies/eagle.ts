/**
 * EAGLE-2 (Li et al. 2024): the feature-level draft head (onnx/eagle.onnx) grows a dynamic tree — expand the
 * top-k frontier by cumulative log-prob for `depth` rounds, rerank every candidate, keep the best total−1 — and
 * the target verifies the tree in one pass. The head's cache holds (feature f_t, token x_{t+1}) pairs of the
 * committed text; tree rounds append to it under a tree mask and are cropped away after verification.
 * Defaults are small (k 2, 3 rounds, 6 nodes): on CPU a target pass costs roughly per token, so big trees lose.
 * Drafts are deterministic top-k, so sampling verifies by recursive rejection with q = 1 (exact, EAGLE-2's rule).
 */
import type { Strategy } from './strategy';
import { DecoderState, prefillFirstToken, choose, commit, distribution, finishOf, logitsAt, type FedOutput } from './blocks';
import { EagleHead, type EagleOutput } from '../speculative/eagle-head';
import { eagle2Tree, type FrontierNode, type ProposedChild } from '../speculative/eagle-tree';
import { commitStepTokens, treeStep, type TreeMode } from '../speculative/tree-step';
import { methodNumber, methodString } from '../speculative/policy-params';
import type { RunContext } from './context';

function topLogprobs(logits: Float32Array, offset: number, vocab: number, k: number): ProposedChild[] {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]!);
  let total = 0;
  for (let i = 0; i < vocab; i++) total += Math.exp(logits[offset + i]! - max);
  const lse = max + Math.log(total);
  const best: number[] = [];
  for (let i = 0; i < vocab; i++) {
    const v = logits[offset + i]!;
    if (best.length < k || v > logits[offset + best[best.length - 1]!]!) {
      let j = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push(i);
      while (j > 0 && logits[offset + best[j - 1]!]! < v) {
        best[j] = best[j - 1]!;
        j--;
      }
      best[j] = i;
    }
  }
  return best.map((token) => ({ token, value: logits[offset + token]! - lse }));
}

function rowOf(out: EagleOutput, i: number): Float32Array {
  return out.hidden.slice(i * out.hiddenSize, (i + 1) * out.hiddenSize);
}

function recordHeadCall(ctx: RunContext, out: EagleOutput, inputIds: number[], positions: number[], cacheLenIn: number, cacheLenOut: number, visible?: number[][]): void {
  ctx.emitter.modelCall({
    model: 'eagle',
    purpose: 'draft',
    inputIds: [inputIds],
    positionIds: [positions],
    maskKind: visible ? 'tree' : 'causal',
    ...(visible ? { maskParents: visible } : {}),
    cacheLenIn,
    cacheLenOut,
    outputs: ['logits', 'hidden_out'],
    startedAt: out.startedAt,
    durationMs: out.durationMs,
  });
}

/** Last-layer features of every fed position of a target pass, by (row, column). */
function featureAt(out: FedOutput, name: string, row: number, column: number): Float32Array {
  const t = out.extras.get(name);
  if (!t) throw new Error(`eagle: the target pass returned no ${name}`);
  const [, seq, d] = t.dims as [number, number, number];
  return t.data.slice((row * seq + column) * d, (row * seq + column + 1) * d);
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
    const session = ctx.model.sessionFor({ hiddenStates: true });
    const hiddenName = session.io.hiddenStates[session.io.hiddenStates.length - 1]!;
    const modeParam = methodString(ctx.params, 'tree_mode', 'auto');
    const mode: TreeMode = modeParam === 'rows' || modeParam === 'batch-rows' || !session.treeMask ? 'batch-rows' : 'tree-mask';
    const topK = methodNumber(ctx.params, 'eagle_topk', 2);
    const depth = methodNumber(ctx.params, 'eagle_depth', 3);
    const budget = methodNumber(ctx.params, 'tree_nodes', 6);
    const head = await EagleHead.open(ctx.model);
    const target = new DecoderState(ctx, session, 'target');
    const seq = [...ctx.promptIds];
    /** features[t] = target's last-layer feature at position t, for committed positions. */
    const features: Float32Array[] = [];

    const promptLength = seq.length;
    const { prefill, finished } = await prefillFirstToken(ctx, target, seq, { hiddenStates: 'last' });
    for (let t = 0; t < promptLength; t++) features[t] = featureAt(prefill, hiddenName, 0, t);
    if (finished) return;
    let outputIndex = 1;
    let headPairs = 0; // committed (feature, next token) pairs in the head's cache

    for (;;) {
      // Catch the head up on the committed text: pairs (f_t, x_{t+1}) for every new t.
      const before = head.cache.length;
      if (before > headPairs) {
        head.cache = head.cache.crop(headPairs);
        ctx.emitter.cacheOp('eagle', 'crop', before, headPairs);
      }
      const ts = Array.from({ length: seq.length - 1 - headPairs }, (_, i) => headPairs + i);
      const catchUp = await head.run({ features: ts.map((t) => features[t]!), tokens: ts.map((t) => seq[t + 1]!), positions: ts });
      recordHeadCall(ctx, catchUp, ts.map((t) => seq[t + 1]!), ts, headPairs, head.cache.length);
      headPairs = head.cache.length;
      const last = ts.length - 1;
      const rootHidden = rowOf(catchUp, last);
      const rootChildren = topLogprobs(catchUp.logits, last * catchUp.vocab, catchUp.vocab, topK);

      const P = seq.length - 1;
      const hiddenOf = new Map<number, Float32Array>();
      const slotOf = new Map<number, number>();
      const room = Math.min(ctx.maxNewTokens - outputIndex - 1, ...[...ctx.forced.keys()].filter((i) => i >= outputIndex).map((i) => i - outputIndex));
      const propose = async (frontier: readonly FrontierNode[]): Promise<ProposedChild[][]> => {
        if (frontier.length === 1 && frontier[0]!.candidate === -1) return [rootChildren];
        const live = frontier.filter((f) => f.depth < room);
        if (live.length === 0) return frontier.map(() => []);
        const past = head.cache.length;
        const committedSlots = Array.from({ length: headPairs }, (_, i) => i);
        const rows = {
          features: live.map((f) => (f.pathCandidates.length > 1 ? hiddenOf.get(f.pathCandidates[f.pathCandidates.length - 2]!)! : rootHidden)),
          tokens: live.map((f) => f.token),
          positions: live.map((f) => P + f.depth - 1),
          visibleSlots: live.map((f) => [...committedSlots, ...f.pathCandidates.slice(0, -1).map((c) => slotOf.get(c)!)]),
          visibleFed: live.map((_, i) => [i]),
        };
        const out = await head.run(rows);
        recordHeadCall(ctx, out, rows.tokens, rows.positions, past, head.cache.length, rows.visibleFed);
        const byCandidate = new Map<number, ProposedChild[]>();
        live.forEach((f, i) => {
          hiddenOf.set(f.candidate, rowOf(out, i));
          slotOf.set(f.candidate, past + i);
          byCandidate.set(f.candidate, topLogprobs(out.logits, i * out.vocab, out.vocab, topK));
        });
        return frontier.map((f) => byCandidate.get(f.candidate) ?? []);
      };
      const dynamic = room > 0 ? await eagle2Tree(seq[P]!, { topK, depth: Math.max(0, Math.min(depth, room - 1)), totalTokens: budget + 1 }, propose) : null;
      const tree = dynamic ? dynamic.tree : { nodes: [], children: [[]] };
      const step = await treeStep(
        ctx,
        target,
        seq,
        tree,
        {
          mode,
          draftModel: 'eagle',
          draftSource: dynamic
            ? `EAGLE-2 head: ${dynamic.candidates.length} candidates in ${dynamic.draftCalls} head calls, reranked to ${tree.nodes.length} (cut at cumulative log-prob ${dynamic.cutScore.toFixed(3)})`
            : 'no room to draft',
          sampledRule: 'recursive-rejection',
          extras: { hiddenStates: 'last' },
        },
        outputIndex,
      );
      // Features of the root and the accepted nodes become committed features.
      features[P] = featureAt(step.out, hiddenName, step.locate(0).row, step.locate(0).column);
      step.acceptedPath.forEach((node, j) => {
        const at = step.locate(node + 1);
        features[P + 1 + j] = featureAt(step.out, hiddenName, at.row, at.column);
      });
      const committed = commitStepTokens(ctx, seq, step.tokens, outputIndex);
      outputIndex += committed.count;
      if (committed.finished) return;
    }
  },
};
