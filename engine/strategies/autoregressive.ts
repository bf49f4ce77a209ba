/**
 * Plain autoregressive decoding: one target forward pass per token. Greedy (argmax of the processed scores) unless
 * do_sample, then a recorded draw against the processed distribution (HF `_sample`).
 */
import type { Strategy } from './strategy';
import { DecoderState, mainSession, choose, commit, distribution, finishOf, logitsAt } from './blocks';

export const autoregressive: Strategy = {
  aliases: ['greedy', 'sample', 'greedy_search', 'sampling'],
  description: {
    name: 'autoregressive',
    family: 'autoregressive',
    lossless: true,
    needs: [],
    description: 'One token per target forward pass: greedy (argmax) unless do_sample, then sampling from the processed distribution.',
  },
  variant: (ctx) => (ctx.processors.doSample ? 'sample' : 'greedy'),
  async run(ctx) {
    const target = new DecoderState(ctx, mainSession(ctx), 'target');
    const seq = [...ctx.promptIds];
    let out = await target.forward({ inputIds: [ctx.promptIds], purpose: 'prefill', logits: 'last' });
    for (let i = 0; i < ctx.maxNewTokens; i++) {
      const d = distribution(ctx, logitsAt(out, 0), seq, { callId: out.callId, model: 'target', row: 0, fedIndex: out.fedLength - 1, position: seq.length });
      const c = choose(ctx, d, i);
      seq.push(c.tokenId);
      const finish = finishOf(ctx, c.tokenId, i);
      commit(ctx, i, [{ id: c.tokenId, source: c.source, distId: d.distId }], 1, finish);
      if (finish) return;
      out = await target.forward({ inputIds: [[c.tokenId]], purpose: 'decode', logits: 'last' });
    }
  },
};
