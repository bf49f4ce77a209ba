/**
 * SpecInfer-style token-tree speculative decoding (Miao et al., ASPLOS'24) with the bundled draft as the single
 * small model: expansion-based tree with k_d children per node at depth d. Greedy: children are the draft's top-k,
 * verified by the greedy walk. Sampling: children are drawn i.i.d. from the draft's processed distribution and the
 * tree is verified by multi-step speculative sampling (recursive rejection with residuals) — exact.
 */
import type { Strategy } from './strategy';
import { DecoderState, prefillFirstToken, choose, commit, distribution, finishOf, logitsAt } from './blocks';
import { buildTree, type DraftNodeSpec } from '../speculative/tree';
import { sampleFromDistribution, topEntries } from '../speculative/dist';
import { DraftTreeGrower } from '../speculative/draft-tree-proposer';
import { runUniform } from '../speculative/engine-bridge';
import { commitStepTokens, treeStep, type TreeMode } from '../speculative/tree-step';
import { methodString } from '../speculative/policy-params';
import type { RunContext } from './context';

export function expansionConfig(text: string): number[] {
  const ks = text.split(/[ ,]+/).filter(Boolean).map(Number);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1 || k > 8)) throw new Error(`params.method.expansion: '${text}' must list children per depth, e.g. "2,2,1,1" (each 1..8)`);
  return ks;
}

/** Shared by tree strategies that draft with the bundled draft: prefill, first token, then `grow` + verify per step. */
export async function runDraftTreeLoop(
  ctx: RunContext,
  label: string,
  sampledRule: 'recursive-rejection' | 'sample-then-match',
  grow: (grower: DraftTreeGrower, seq: readonly number[], room: number) => Promise<{ specs: DraftNodeSpec[]; source: string }>,
): Promise<void> {
  if (!ctx.draft) throw new Error(`${label}: no draft model was loaded (request.draft)`);
  const draftSession = ctx.draft.sessionFor({ treeMask: true });
  const session = ctx.model.instrumented && ctx.model.instrumented.treeMask ? ctx.model.instrumented : ctx.model.primary;
  const modeParam = methodString(ctx.params, 'tree_mode', 'auto');
  const mode: TreeMode = modeParam === 'rows' || modeParam === 'batch-rows' || !session.treeMask ? 'batch-rows' : 'tree-mask';
  const grower = new DraftTreeGrower(ctx, draftSession);
  const target = new DecoderState(ctx, session, 'target');
  const seq = [...ctx.promptIds];
  if ((await prefillFirstToken(ctx, target, seq)).finished) return;
  let outputIndex = 1;
  for (;;) {
    let room = ctx.maxNewTokens - outputIndex - 1;
    for (const idx of ctx.forced.keys()) if (idx >= outputIndex) room = Math.min(room, idx - outputIndex);
    await grower.sync(seq);
    const grown = room > 0 ? await grow(grower, seq, room) : { specs: [], source: 'no room to draft' };
    const step = await treeStep(ctx, target, seq, buildTree(grown.specs), { mode, draftModel: 'draft', draftSource: grown.source, sampledRule }, outputIndex);
    const committed = commitStepTokens(ctx, seq, step.tokens, outputIndex);
    outputIndex += committed.count;
    if (committed.finished) return;
  }
}

export const specInfer: Strategy = {
  aliases: ['token-tree', 'spec-infer'],
  description: {
    name: 'specinfer',
    family: 'tree-speculative',
    lossless: true,
    needs: ['draft'],
    description: 'SpecInfer token tree from the bundled draft (k_d children per depth); verified in one target pass; multi-step speculative sampling (recursive rejection) when sampling.',
  },
  variant: (ctx) =>
    `expansion ⟨${methodString(ctx.params, 'expansion', '2,2,1,1')}⟩; ${ctx.processors.doSample ? 'children drawn i.i.d. from q, recursive rejection with residual updates (SpecInfer MSS, siblings in index order)' : 'top-k children, greedy walk'}; tree mode ${methodString(ctx.params, 'tree_mode', 'auto')}`,
  validate(ctx) {
    try {
      expansionConfig(methodString(ctx.params, 'expansion', '2,2,1,1'));
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  },
  async run(ctx) {
    const ks = expansionConfig(methodString(ctx.params, 'expansion', '2,2,1,1'));
    const uniform = runUniform(ctx);
    await runDraftTreeLoop(ctx, 'specinfer', 'recursive-rejection', async (grower, seq, room) => {
      const specs: DraftNodeSpec[] = [];
      let frontier = [-1];
      for (let d = 0; d < Math.min(ks.length, room); d++) {
        const dists = await grower.distributions(seq, specs, frontier);
        const next: number[] = [];
        for (const parent of frontier) {
          const q = dists.get(parent)!;
          const children = ctx.processors.doSample
            ? Array.from({ length: ks[d]! }, () => sampleFromDistribution(q, uniform('draft')).token)
            : topEntries(q, ks[d]!).map((e) => e.id);
          for (const token of children) {
            next.push(specs.length);
            specs.push({ parent, token, q: q[token]!, proposal: ctx.processors.doSample ? q : null, source: 'draft' });
          }
        }
        frontier = next;
      }
      return { specs, source: `SpecInfer expansion ⟨${ks.join(',')}⟩ from draft ${ctx.draft!.id}: ${specs.length} nodes` };
    });
  },
};
