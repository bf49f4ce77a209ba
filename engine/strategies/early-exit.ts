/**
 * Self-speculative decoding by early exit (LayerSkip, Elhoushi et al. 2024; HF assistant_early_exit): the first E
 * target layers draft, the full model verifies, the drafter's KV is shared from the target's first E layers.
 */
import type { Strategy } from './strategy';
import { runChainSpeculation } from '../speculative/chain-loop';
import { EarlyExitProposer, openEarlyExit } from '../speculative/early-exit-proposer';
import { runUniform } from '../speculative/engine-bridge';
import { CHAIN_PARAMS, draftLengthPolicy, methodNumber, policyName } from '../speculative/policy-params';

export const earlyExitDecoding: Strategy = {
  aliases: ['layerskip', 'self-speculative'],
  description: {
    name: 'early-exit',
    family: 'self-speculative',
    lossless: true,
    needs: [],
    description: 'Self-speculative decoding: the target\'s first E layers (its early-exit graph) draft, the full target verifies in one pass; the drafter reuses the target\'s KV of those layers.',
    params: [...CHAIN_PARAMS, { name: 'exit_layer', default: 3, min: 1, max: 12, step: 1, help: 'E: layers used for drafting (an onnx/model_exit{E}.onnx must exist)' }],
  },
  variant: (ctx) =>
    `LayerSkip-style early exit, shared KV for layers < E (no exit-query cache: verification recomputes all layers); ${ctx.processors.doSample ? 'speculative sampling with the exit distribution as q' : 'greedy match'}; draft length: ${policyName(ctx.params.method, 'constant')}`,
  async run(ctx) {
    const wanted = ctx.params.method?.exit_layer;
    const { session, exitLayer } = await openEarlyExit(ctx.model, wanted === undefined ? undefined : methodNumber(ctx.params, 'exit_layer', 3));
    ctx.emitter.note('early-exit', `drafting with onnx/model_exit${exitLayer}.onnx (layers 0..${exitLayer - 1} of ${ctx.model.manifest.numLayers})`);
    const policy = draftLengthPolicy(ctx.params, runUniform(ctx), { policy: 'constant', gamma: 4 });
    await runChainSpeculation(ctx, new EarlyExitProposer(ctx, session, exitLayer), policy);
  },
};
