/**
 * Medusa (Cai et al. 2024): K extra heads on the target's last hidden state propose tokens 2..K+1 ahead; a static
 * sparse tree of their top-k choices is verified in one target pass. The heads run inside the instrumented
 * target graph (medusa_logits), so drafting costs no extra call. Exact acceptance by default (greedy walk, or
 * recursive rejection with deterministic drafts when sampling); Medusa's typical acceptance on request (lossy).
 */
import type { Strategy } from './strategy';
import { DecoderState, prefillFirstToken, choose, commit, distribution, finishOf, logitsAt } from './blocks';
import { softmax, topEntries } from '../speculative/dist';
import { medusaBuffers, medusaCandidateTree, priorHeadAccuracy, sparseChoicesForBudget, type HeadTopK } from '../speculative/medusa-tree';
import { commitStepTokens, treeStep, type TreeMode } from '../speculative/tree-step';
import { buildTree } from '../speculative/tree';
import { methodNumber, methodString } from '../speculative/policy-params';
import type { FedOutput } from './blocks';

function headTopK(out: FedOutput, name: string, row: number, column: number, topk: number): HeadTopK[] {
  const t = out.extras.get(name);
  if (!t) throw new Error(`medusa: the target pass returned no ${name}`);
  const [, seq, heads, vocab] = t.dims as [number, number, number, number];
  return Array.from({ length: heads }, (_, h) => {
    const at = ((row * seq + column) * heads + h) * vocab;
    const entries = topEntries(softmax(t.data.subarray(at, at + vocab)), topk);
    return { ids: entries.map((e) => e.id), probs: entries.map((e) => e.prob) };
  });
}

export const medusaDecoding: Strategy = {
  aliases: ['medusa-tree'],
  description: {
    name: 'medusa',
    family: 'tree-speculative',
    lossless: true,
    needs: ['medusaHeads'],
    description: 'Medusa heads propose several tokens ahead from the target\'s own hidden state; a static sparse tree of their top-k choices is verified in one target pass.',
    params: [
      { name: 'tree_nodes', default: 8, min: 1, max: 128, step: 1, help: 'nodes in the static sparse tree' },
      { name: 'medusa_topk', default: 6, min: 1, max: 16, step: 1, help: 'top-k per head the tree chooses from' },
      { name: 'typical_acceptance', default: 0, min: 0, max: 1, step: 1, help: '1: Medusa typical acceptance when sampling (LOSSY), 0: exact recursive rejection' },
    ],
  },
  variant: (ctx) => {
    const typical = methodNumber(ctx.params, 'typical_acceptance', 0) === 1 && ctx.processors.doSample;
    return `static sparse tree (best-first by a head-accuracy prior); ${!ctx.processors.doSample ? 'greedy walk' : typical ? 'typical acceptance (lossy, ε=0.09, δ=0.3; greedy next root)' : 'recursive rejection with deterministic drafts (q = 1)'}; tree mode ${methodString(ctx.params, 'tree_mode', 'auto')}`;
  },
  async run(ctx) {
    const session = ctx.model.sessionFor({ medusa: true });
    const medusaName = session.io.medusaLogits!;
    const modeParam = methodString(ctx.params, 'tree_mode', 'auto');
    const mode: TreeMode = modeParam === 'rows' || modeParam === 'batch-rows' || !session.treeMask ? 'batch-rows' : 'tree-mask';
    const heads = session.io.medusaHeads ?? ctx.model.manifest.medusaHeads ?? 4;
    const topk = methodNumber(ctx.params, 'medusa_topk', 6);
    const budget = methodNumber(ctx.params, 'tree_nodes', 8);
    const buffers = medusaBuffers(sparseChoicesForBudget(priorHeadAccuracy(heads, topk), budget), topk);
    const typical = methodNumber(ctx.params, 'typical_acceptance', 0) === 1;
    const target = new DecoderState(ctx, session, 'target');
    const seq = [...ctx.promptIds];

    const { prefill, finished } = await prefillFirstToken(ctx, target, seq, { medusa: true });
    if (finished) return;
    let proposals = headTopK(prefill, medusaName, 0, prefill.fedLength - 1, topk);
    let outputIndex = 1;

    for (;;) {
      const room = ctx.maxNewTokens - outputIndex - 1;
      let forcedRoom = Infinity;
      for (const idx of ctx.forced.keys()) if (idx >= outputIndex) forcedRoom = Math.min(forcedRoom, idx - outputIndex);
      const full = medusaCandidateTree(buffers, proposals);
      const maxDepth = Math.min(room, forcedRoom);
      // Choices are sorted by length, so dropping the deep ones keeps every parent.
      const tree = buildTree(full.nodes.filter((n) => n.depth <= maxDepth).map(({ parent, token, q, proposal, source }) => ({ parent, token, proposal: proposal ?? null, ...(q !== undefined ? { q } : {}), ...(source ? { source } : {}) })));
      const step = await treeStep(
        ctx,
        target,
        seq,
        tree,
        {
          mode,
          draftModel: 'medusa',
          draftSource: `${heads} Medusa heads, static tree of ${tree.nodes.length} nodes (top-${topk} per head)`,
          sampledRule: typical ? 'typical' : 'recursive-rejection',
          typical: { epsilon: 0.09, delta: 0.3 },
          extras: { medusa: true },
        },
        outputIndex,
      );
      const committed = commitStepTokens(ctx, seq, step.tokens, outputIndex);
      outputIndex += committed.count;
      if (committed.finished) return;
      proposals = headTopK(step.out, medusaName, step.lastLocation.row, step.lastLocation.column, topk);
    }
  },
};
