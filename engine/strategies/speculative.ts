/**
 * Speculative decoding with the bundled draft model (Leviathan et al. 2023; Chen et al. 2023; HF assisted
 * generation). Greedy: accept while the draft equals the target argmax. Sampling: u ≤ p/q, residual
 * norm(max(0, p − q)) on rejection, bonus from p_{γ+1}. Both caches are cropped after every step.
 */
import type { Strategy } from './strategy';
import { runChainSpeculation } from '../speculative/chain-loop';
import { DraftModelProposer } from '../speculative/draft-model-proposer';
import { runUniform } from '../speculative/engine-bridge';
import { CHAIN_PARAMS, draftLengthPolicy, policyName } from '../speculative/policy-params';

export const speculative: Strategy = {
  aliases: ['sps', 'assisted', 'speculative-sampling'],
  description: {
    name: 'speculative',
    family: 'speculative',
    lossless: true,
    needs: ['draft'],
    description: 'Chain speculative decoding with a draft model: the draft proposes γ tokens, one target pass verifies them (greedy match, or u ≤ p/q with residual resampling when sampling).',
    params: CHAIN_PARAMS,
  },
  variant: (ctx) =>
    `${ctx.processors.doSample ? 'Leviathan/Chen speculative sampling (u <= p/q, residual norm(max(0,p-q)))' : 'greedy match (HF assisted)'}; draft length: ${policyName(ctx.params.method, 'constant')}; separate draft KV cache`,
  validate(ctx) {
    try {
      policyName(ctx.params.method, 'constant');
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  },
  async run(ctx) {
    if (!ctx.draft) throw new Error('speculative: no draft model was loaded (request.draft)');
    if (ctx.draft.manifest.vocabSize !== ctx.model.manifest.vocabSize) {
      throw new Error(`speculative: draft ${ctx.draft.id} has a ${ctx.draft.manifest.vocabSize}-token vocabulary, target ${ctx.model.id} has ${ctx.model.manifest.vocabSize}; use the speculative-hetero method for different vocabularies`);
    }
    const policy = draftLengthPolicy(ctx.params, runUniform(ctx), { policy: 'constant', gamma: 4 });
    const proposer = new DraftModelProposer(ctx, ctx.draft.primary, 'draft', `draft model ${ctx.draft.id}`);
    await runChainSpeculation(ctx, proposer, policy);
  },
};
