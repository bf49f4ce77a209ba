/**
 * Jacobi decoding with KV reuse of the converged prefix, the inference loop of CLLM (Kou et al. 2024). The loop lives
 * in engine/jacobi/jacobi-run.ts; this file is the registry entry.
 */
import type { Strategy } from './strategy';
import { jacobiSettings, runJacobi } from '../jacobi/jacobi-run';
import { validateMethodParams } from '../jacobi/run-support';

export const jacobiKv: Strategy = {
  aliases: ['cllm', 'jacobi-kv'],
  description: {
    name: 'jacobi_kv',
    family: 'jacobi',
    lossless: true,
    needs: [],
    description:
      "Jacobi decoding as CLLM runs it: tokens proven final leave the block with their KV cache rows, and only the unconverged rest is iterated. The output equals greedy decoding of the loaded model. CLLM's reported 2.4-3.4x speedups come from a model fine-tuned for consistency (trained to jump to the fixed point); on an ordinary model such as the bundled one, Jacobi iterations rarely prove more than one token at a time.",
    params: [{ name: 'block', default: 8, min: 1, max: 64, step: 1, help: 'guessed tokens per block' }],
  },
  variant: () => 'cllm-kv-reuse',
  validate(ctx) {
    if (ctx.processors.doSample) return 'params.do_sample: Jacobi decoding is greedy; use the sjd method for sampling';
    return validateMethodParams(() => jacobiSettings(ctx));
  },
  run: (ctx) => runJacobi(ctx, true),
};
