/**
 * Draft & Verify (Zhang et al., ACL'24): self-speculative decoding by layer skipping. The target with a searched set
 * of attention and MLP sub-layers skipped (onnx/model_skip.onnx) drafts from the verified cache; the full target
 * verifies the chain in one pass; drafting stops on low confidence, with the threshold adapted from how well
 * recent drafts matched (engine/speculative/draft-exiting.ts).
 */
import type { Strategy } from './strategy';
import type { RunContext } from './context';
import { openLayerSkip } from '../model/layer-skip';
import { runChainSpeculation } from '../speculative/chain-loop';
import type { DraftLengthPolicy } from '../speculative/draft-length';
import { DRAFT_VERIFY_DEFAULTS, draftExitingPolicy, draftVerifyNote, type DraftExitingPolicy } from '../speculative/draft-exiting';
import { LayerSkipProposer, describeSkipSets } from '../speculative/layer-skip-proposer';
import { methodNumber } from '../speculative/policy-params';

/** The reference's th_stop_draft defaults: 0.8 for greedy decoding, 0.5 for sampling. */
function initialThreshold(ctx: Pick<RunContext, 'params' | 'processors'>): number {
  return methodNumber(ctx.params, 'th_stop_draft', ctx.processors.doSample ? 0.5 : 0.8);
}

function policyOf(ctx: Pick<RunContext, 'params' | 'processors'>): DraftExitingPolicy {
  return draftExitingPolicy({
    ...DRAFT_VERIFY_DEFAULTS,
    threshold: initialThreshold(ctx),
    maxStep: methodNumber(ctx.params, 'max_step_draft', DRAFT_VERIFY_DEFAULTS.maxStep),
    adaptive: methodNumber(ctx.params, 'auto_th_stop_draft', 1) !== 0,
  });
}

/** Records one 'draft-verify' note per verified step: the threshold used, the stopping confidence, the matchness EMA. */
function recordingPolicy(ctx: RunContext, policy: DraftExitingPolicy): DraftLengthPolicy {
  const maxStep = methodNumber(ctx.params, 'max_step_draft', DRAFT_VERIFY_DEFAULTS.maxStep);
  return {
    name: policy.name,
    variant: policy.variant,
    begin: () => policy.begin(),
    afterDraft: (i, p) => policy.afterDraft(i, p),
    update(drafted, accepted) {
      const before = policy.state();
      const decision = policy.update(drafted, accepted);
      const after = policy.state();
      if (drafted > 0) {
        const stop = before.confidence !== null && before.confidence < before.threshold ? 'confidence' : drafted >= maxStep ? 'max_step' : 'budget';
        ctx.emitter.note('draft-verify', draftVerifyNote({ thresholdUsed: before.threshold, confidence: before.confidence, matchness: after.matchness, drafted, accepted, nextThreshold: after.threshold, stop }));
      }
      return decision;
    },
  };
}

export const draftVerifyDecoding: Strategy = {
  aliases: ['layer-skip', 'self-speculative-skip'],
  description: {
    name: 'draft-verify',
    family: 'self-speculative',
    lossless: true,
    needs: [],
    description:
      "Draft & Verify: the target with some attention and MLP sub-layers skipped (onnx/model_skip.onnx) drafts from the verified cache's kept layers until its confidence drops below an adaptive threshold; the full target verifies in one pass.",
    params: [
      { name: 'max_step_draft', default: 8, min: 1, max: 16, step: 1, help: 'most tokens drafted per step' },
      { name: 'th_stop_draft', default: 0.8, min: 0, max: 1, step: 0.05, help: 'stop drafting when the drafted token’s probability is below this (start value; 0.5 when sampling unless set)' },
      { name: 'auto_th_stop_draft', default: 1, min: 0, max: 1, step: 1, help: '1: adapt the threshold from the matchness EMA after each step (β1 0.5, α 0.9, ε 0.01, β2 0.9); 0: keep it fixed' },
    ],
  },
  variant: (ctx) =>
    `Draft & Verify layer skipping, draft KV = the verified cache's kept layers (discarded after each step); ${policyOf(ctx).variant}; ${ctx.processors.doSample ? 'speculative sampling with the skip graph distribution as q' : 'greedy match'}`,
  validate(ctx) {
    try {
      policyOf(ctx);
      return null;
    } catch (err) {
      return `params.method: ${(err as Error).message}`;
    }
  },
  async run(ctx) {
    const graph = await openLayerSkip(ctx.model);
    ctx.emitter.note('layer-skip', `drafting with ${graph.file}: ${describeSkipSets(graph)}; draft KV = target layers [${graph.kvLayers.join(', ')}]`);
    await runChainSpeculation(ctx, new LayerSkipProposer(ctx, graph), recordingPolicy(ctx, policyOf(ctx)));
  },
};
