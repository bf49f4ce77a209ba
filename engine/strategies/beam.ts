/**
 * Beam search on the real model (HF `_beam_search`): every running beam is a batch row; each step scores
 * processed log-softmax + beam sum, keeps numBeams continuations and reorders the KV rows by parent. With
 * do_sample it is beam multinomial sampling: the warpers (temperature, top-k, ...) process each beam's
 * log-softmax, and the candidates are drawn from the run's recorded RNG (one uniform each), so the run replays
 * from its trace. The beam table of each step goes to a `beam` record; the best hypothesis is committed at the end.
 */
import type { Strategy } from './strategy';
import { DecoderState, mainSession, commit, distribution, logitsAt } from './blocks';
import { BeamSearch } from './beam-core';
import { logSoftmax } from '../logits/math';

export const beamSearch: Strategy = {
  aliases: ['beam'],
  description: {
    name: 'beam_search',
    family: 'autoregressive',
    lossless: false,
    needs: [],
    description:
      'Keeps the num_beams best partial sequences by summed log-probability (length_penalty on finished ones); returns the best finished one. With do_sample (beam sampling), draws 2·num_beams candidates without replacement from the softmax over all beams × vocabulary instead of taking the top ones.',
    params: [
      { name: 'num_beams', default: 4, min: 1, max: 16, step: 1, help: 'beams kept per step' },
      { name: 'length_penalty', default: 1, min: -2, max: 2, step: 0.1, help: 'finished score = sum logprob / length ** length_penalty' },
    ],
  },
  variant: (ctx) => (ctx.processors.doSample ? 'beam_sample' : undefined),
  async run(ctx) {
    const numBeams = ctx.params.num_beams ?? 4;
    const search = new BeamSearch({
      numBeams,
      lengthPenalty: ctx.params.length_penalty ?? 1,
      eos: ctx.eos,
      earlyStopping: false,
      maxNewTokens: ctx.maxNewTokens,
    });
    const sampling = ctx.processors.doSample;
    // HF's warpers keep at least #eos + 1 tokens per beam under beam sampling, so a non-EOS continuation survives.
    const processors = sampling ? { ...ctx.processors, minKeep: Math.max(2, ctx.eos.size + 1) } : ctx.processors;
    const target = new DecoderState(ctx, mainSession(ctx), 'target');
    let out = await target.forward({ inputIds: [ctx.promptIds], purpose: 'prefill', logits: 'last' });
    let passes = 1;
    for (;;) {
      const running = search.running;
      const logprobs = running.map((beam, row) => {
        // HF beam search processes log-softmax scores (not raw logits), so the record shows those.
        const lp = logSoftmax(logitsAt(out, row));
        const seen = [...ctx.promptIds, ...beam.tokens];
        return distribution(ctx, lp, seen, { callId: out.callId, model: 'target', row, fedIndex: out.fedLength - 1, position: seen.length }, processors).scores;
      });
      const res = sampling ? search.stepSampled(logprobs, () => ctx.rng.next('sample')) : search.step(logprobs);
      ctx.emitter.beam({
        candidates: res.candidates.map(({ beam, tokenId, logprob, score, kept, finished, prob, u, massLeft, cumBefore }) => ({
          beam,
          tokenId,
          logprob,
          score,
          kept,
          finished,
          ...(u !== undefined ? { prob: prob!, u, massLeft: massLeft!, cumBefore: cumBefore! } : {}),
        })),
        beams: res.beams.map((b) => ({ tokens: b.tokens, score: b.sum, parent: b.parent })),
        finished: search.finished.map((f) => ({ tokens: f.tokens, score: f.score })),
      });
      if (res.done) break;
      target.selectRows(res.beams.map((b) => b.parent), running.length === 1 && res.beams.length > 1 ? 'expand' : 'reorder');
      ctx.emitter.step++;
      ctx.gate.endStep();
      out = await target.forward({ inputIds: res.beams.map((b) => [b.tokens[b.tokens.length - 1]!]), purpose: 'decode', logits: 'last' });
      passes++;
    }
    const best = search.best();
    const tokens = best?.tokens ?? [];
    if (tokens.length === 0) return;
    const last = tokens[tokens.length - 1]!;
    commit(
      ctx,
      0,
      tokens.map((id) => ({ id, source: 'target' as const })),
      passes,
      ctx.eos.has(last) ? 'eos' : 'length',
    );
  },
};
