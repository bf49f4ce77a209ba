/**
 * Speculative decoding across vocabularies (Timor et al., ICML 2025), string-level exact match: the bundled
 * byte-level draft writes text, the text is re-tokenised for the target, the target verifies exactly.
 */
import type { Strategy } from './strategy';
import { loadModel } from '../model/registry';
import { runChainSpeculation } from '../speculative/chain-loop';
import { HeteroProposer } from '../speculative/hetero-proposer';
import { runUniform } from '../speculative/engine-bridge';
import { draftLengthPolicy, methodNumber, methodString } from '../speculative/policy-params';

export const heteroSpeculative: Strategy = {
  aliases: ['slem', 'hetero', 'universal-assisted'],
  description: {
    name: 'speculative-hetero',
    family: 'speculative',
    lossless: true,
    needs: [],
    description: 'Speculative decoding with a drafter of another vocabulary (the bundled byte-level draft): drafted text is re-tokenised for the target and verified by exact match.',
    params: [
      { name: 'draft_bytes', default: 12, min: 1, max: 64, step: 1, help: 'bytes the byte-level drafter writes per step' },
      { name: 'num_assistant_tokens', default: 8, min: 1, max: 32, step: 1, help: 'most target candidates verified per step' },
    ],
  },
  variant: (ctx) => `string-level exact match (SLEM), lookbehind re-tokenisation; ${ctx.processors.doSample ? 'sample-then-match (no q across vocabularies)' : 'greedy match'}`,
  async run(ctx) {
    const drafterId = methodString(ctx.params, 'drafter', 'draft-bytes');
    const drafter = ctx.draft && ctx.draft.manifest.vocabSize !== ctx.model.manifest.vocabSize ? ctx.draft : await loadModel(drafterId);
    if (drafter.manifest.vocabSize > 257) {
      throw new Error(`speculative-hetero: drafter ${drafter.id} must be a byte-level model (ids 1..256 = bytes); it has ${drafter.manifest.vocabSize} ids`);
    }
    ctx.emitter.note('hetero-vocab', `drafting with ${drafter.id} (${drafter.manifest.vocabSize} ids) for ${ctx.model.id} (${ctx.model.manifest.vocabSize} ids)`);
    const policy = draftLengthPolicy(ctx.params, runUniform(ctx), { policy: 'constant', gamma: 8 });
    await runChainSpeculation(ctx, new HeteroProposer(ctx, drafter, methodNumber(ctx.params, 'draft_bytes', 12)), policy);
  },
};
