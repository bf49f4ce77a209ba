/**
 * Prompt lookup decoding (HF PromptLookupCandidateGenerator): drafts are copied from the context after the
 * earliest match of its last n-gram. No draft model; verification is the usual exact rule (greedy match, or
 * sample-then-match when sampling).
 */
import type { Strategy } from './strategy';
import { runChainSpeculation } from '../speculative/chain-loop';
import { PromptLookupProposer } from '../speculative/lookup-proposers';
import { constantPolicy } from '../speculative/draft-length';
import { methodNumber, methodString } from '../speculative/policy-params';

export const promptLookupDecoding: Strategy = {
  aliases: ['pld', 'prompt_lookup'],
  description: {
    name: 'prompt-lookup',
    family: 'speculative',
    lossless: true,
    needs: [],
    description: 'Prompt lookup decoding: draft the tokens that followed the last n-gram where it occurred earlier in the context; one target pass verifies them.',
    params: [
      { name: 'prompt_lookup_num_tokens', default: 10, min: 1, max: 32, step: 1, help: 'tokens copied after a match' },
      { name: 'max_matching_ngram_size', default: 3, min: 1, max: 8, step: 1, help: 'longest n-gram searched (HF default 2, original PLD 3)' },
    ],
  },
  variant: (ctx) =>
    `${methodString(ctx.params, 'lookup_variant', 'hf') === 'original' ? 'original PLD (full span required)' : 'HF (earliest match, span clipped at the end)'}; ${ctx.processors.doSample ? 'sample-then-match' : 'greedy match'}`,
  async run(ctx) {
    const numTokens = methodNumber(ctx.params, 'prompt_lookup_num_tokens', 10);
    const proposer = new PromptLookupProposer({
      maxNgram: methodNumber(ctx.params, 'max_matching_ngram_size', 3),
      minNgram: methodNumber(ctx.params, 'min_matching_ngram_size', 1),
      numTokens,
      variant: methodString(ctx.params, 'lookup_variant', 'hf') === 'original' ? 'original' : 'hf',
      eosTokenIds: [...ctx.eos],
    });
    await runChainSpeculation(ctx, proposer, constantPolicy(numTokens));
  },
};
