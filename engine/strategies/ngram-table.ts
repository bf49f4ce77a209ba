/**
 * ADED-style adaptive n-gram drafting: a count table over (n−1)-token contexts, fed with the prompt and every
 * committed token, drafts a greedy chain of the most frequent continuations (variant: no MCTS).
 */
import type { Strategy } from './strategy';
import { runChainSpeculation } from '../speculative/chain-loop';
import { NgramTableProposer } from '../speculative/lookup-proposers';
import { runUniform } from '../speculative/engine-bridge';
import { draftLengthPolicy, methodNumber } from '../speculative/policy-params';

export const ngramTableDecoding: Strategy = {
  aliases: ['aded', 'ngram'],
  description: {
    name: 'ngram-table',
    family: 'speculative',
    lossless: true,
    needs: [],
    description: 'Adaptive n-gram drafting (ADED-style): an n-gram count table updated with every committed token proposes the most frequent continuation chain.',
    params: [
      { name: 'ngram_order', default: 3, min: 2, max: 6, step: 1, help: 'n: contexts of n−1 tokens' },
      { name: 'num_assistant_tokens', default: 6, min: 1, max: 16, step: 1, help: 'most tokens drafted per step' },
      { name: 'assistant_confidence_threshold', default: 0.4, min: 0, max: 1, step: 0.05, help: 'stop drafting when count/total falls below this (policy 2, the default)' },
    ],
  },
  variant: (ctx) => `count table, greedy chain, no MCTS; ${ctx.processors.doSample ? 'sample-then-match' : 'greedy match'}`,
  async run(ctx) {
    const policy = draftLengthPolicy(ctx.params, runUniform(ctx), { policy: 'confidence', gamma: 6 });
    await runChainSpeculation(ctx, new NgramTableProposer(methodNumber(ctx.params, 'ngram_order', 3)), policy);
  },
};
