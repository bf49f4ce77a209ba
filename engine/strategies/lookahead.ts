/**
 * Lookahead decoding (Fu et al. 2024), greedy: a 2-D window of Jacobi iterates produces n-grams into a pool, and the
 * pool's n-grams for the last token are verified in the same step. The loop lives in engine/jacobi/lookahead-run.ts.
 */
import type { Strategy } from './strategy';
import { lookaheadSettings, runLookahead, usesSinglePass } from '../jacobi/lookahead-run';
import { validateMethodParams } from '../jacobi/run-support';

export const lookahead: Strategy = {
  aliases: ['lookahead_decoding', 'lade'],
  description: {
    name: 'lookahead',
    family: 'jacobi',
    lossless: true,
    needs: [],
    description:
      'Runs a window of Jacobi iterations over future positions to collect n-grams into a pool, and verifies the pool n-grams that start with the last token in the same step; commits the longest verified continuation plus one token. Greedy; output equals greedy decoding. One forward pass with a special attention mask on models with a 4-D mask input, two passes (window, then verification) on standard exports; the trace says which ran.',
    params: [
      { name: 'level', default: 5, min: 3, max: 16, step: 1, help: 'N: n-gram size (window levels + 1)' },
      { name: 'window', default: 7, min: 2, max: 64, step: 1, help: 'W: window width (future positions looked at)' },
      { name: 'guess', default: 7, min: 1, max: 64, step: 1, help: 'G: n-grams kept and verified per key' },
    ],
  },
  variant: () => 'greedy, always-forward-one',
  validate(ctx) {
    if (ctx.processors.doSample) return 'params.do_sample: this lookahead implementation is greedy; use do_sample=false (or sjd for sampling)';
    return validateMethodParams(() => {
      lookaheadSettings(ctx);
      usesSinglePass(ctx);
    });
  },
  run: runLookahead,
};
