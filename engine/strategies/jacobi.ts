/**
 * Jacobi decoding (Santilli et al. 2023): a block of guessed tokens iterated to its fixed point, which is exactly the
 * greedy output. The loop lives in engine/jacobi/jacobi-run.ts; this file is the registry entry.
 */
import type { Strategy } from './strategy';
import { jacobiSettings, runJacobi } from '../jacobi/jacobi-run';
import { validateMethodParams } from '../jacobi/run-support';

export const jacobi: Strategy = {
  aliases: ['jacobi_decoding'],
  description: {
    name: 'jacobi',
    family: 'jacobi',
    lossless: true,
    needs: [],
    description:
      'Guesses a block of tokens and refines all of them at once, one forward pass per iteration, until the block stops changing; the fixed point is the greedy output. Every iteration proves at least one more token. Greedy only (use sjd for sampling). method.block = block size, method.init = random-context | repeat-last | pad.',
    params: [{ name: 'block', default: 8, min: 1, max: 64, step: 1, help: 'guessed tokens per block' }],
  },
  variant: () => 'proven-prefix',
  validate(ctx) {
    if (ctx.processors.doSample) return 'params.do_sample: Jacobi decoding is greedy; use the sjd method for sampling';
    return validateMethodParams(() => jacobiSettings(ctx));
  },
  run: (ctx) => runJacobi(ctx, false),
};
