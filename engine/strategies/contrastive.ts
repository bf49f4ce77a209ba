/**
 * Contrastive search (Su et al. 2022; HF `_contrastive_search`): the top_k candidates of the processed
 * distribution are each run one step (as batch rows); a candidate scores (1 − α)·p − α·max cosine similarity of
 * its last hidden state to every earlier position's. Needs a hidden_states output (the instrumented variant).
 */
import type { Strategy } from './strategy';
import { DecoderState, mainSession, commit, distribution, finishOf, logitsAt } from './blocks';
import { topKIds } from '../logits/math';
import { describePick } from '../logits/sampler';
import type { OutputTensor } from '../model/decoder-session';

function lastHidden(extras: Map<string, OutputTensor>, name: string): OutputTensor {
  const t = extras.get(name);
  if (!t) throw new Error(`contrastive search: the model returned no ${name} output`);
  return t;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb) || 1);
}

export const contrastiveSearch: Strategy = {
  aliases: ['contrastive'],
  description: {
    name: 'contrastive_search',
    family: 'autoregressive',
    lossless: false,
    needs: ['hiddenStates'],
    description: 'Scores the top_k candidates by (1 − penalty_alpha)·probability − penalty_alpha·(max cosine similarity to earlier hidden states).',
    params: [
      { name: 'penalty_alpha', default: 0.6, min: 0, max: 1, step: 0.05, help: 'weight of the degeneration penalty' },
      { name: 'top_k', default: 4, min: 1, max: 50, step: 1, help: 'candidates per step' },
    ],
  },
  validate(ctx) {
    if (ctx.processors.doSample) return 'params.do_sample: contrastive search has no sampling form; use do_sample=false';
    return null;
  },
  async run(ctx) {
    const alpha = ctx.params.penalty_alpha ?? 0.6;
    const k = ctx.params.top_k ?? 4;
    const session = mainSession(ctx, { hiddenStates: true });
    const target = new DecoderState(ctx, session, 'target');
    const seq = [...ctx.promptIds];
    let out = await target.forward({ inputIds: [ctx.promptIds], purpose: 'prefill', logits: 'last', extras: { hiddenStates: 'last' } });
    // Hidden states of every position so far, one vector each.
    const lastName = session.io.hiddenStates[session.io.hiddenStates.length - 1]!;
    const h0 = lastHidden(out.extras, lastName);
    const dim = h0.dims[2]!;
    const context: Float32Array[] = [];
    for (let t = 0; t < h0.dims[1]!; t++) context.push(h0.data.slice(t * dim, (t + 1) * dim));
    let row = 0;
    for (let i = 0; i < ctx.maxNewTokens; i++) {
      const d = distribution(ctx, logitsAt(out, row), seq, { callId: out.callId, model: 'target', row, fedIndex: out.fedLength - 1, position: seq.length });
      const forced = ctx.forced.get(i);
      const cands = forced !== undefined ? [forced] : topKIds(d.scores, Math.min(k, d.scores.length));
      const probs = cands.map((id) => describePick(d.scores, d.logsumexp, id).prob);
      target.selectRows(cands.map(() => row), cands.length > 1 ? 'expand' : 'reorder');
      out = await target.forward({ inputIds: cands.map((id) => [id]), purpose: 'candidates', logits: 'last', extras: { hiddenStates: 'last' } });
      const hid = lastHidden(out.extras, lastName);
      const scored = cands.map((tokenId, c) => {
        const h = hid.data.subarray(c * dim, (c + 1) * dim);
        let penalty = -Infinity;
        let mostSimilarPosition = 0;
        context.forEach((ctxH, t) => {
          const s = cosine(ctxH, h);
          if (s > penalty) {
            penalty = s;
            mostSimilarPosition = t;
          }
        });
        return { tokenId, prob: probs[c]!, penalty, mostSimilarPosition, score: (1 - alpha) * probs[c]! - alpha * penalty };
      });
      let best = 0;
      for (let c = 1; c < scored.length; c++) if (scored[c]!.score > scored[best]!.score) best = c;
      const chosen = scored[best]!.tokenId;
      ctx.emitter.contrastive({ alpha, candidates: scored, chosen });
      const pick = describePick(d.scores, d.logsumexp, chosen);
      if (forced !== undefined) ctx.emitter.note('forced', `token ${forced} forced at output index ${i}`);
      ctx.emitter.choice(d.distId, pick, forced !== undefined ? 'forced' : 'argmax');
      context.push(hid.data.slice(best * dim, (best + 1) * dim));
      seq.push(chosen);
      row = best;
      const finish = finishOf(ctx, chosen, i);
      commit(ctx, i, [{ id: chosen, source: forced !== undefined ? 'forced' : 'target', distId: d.distId }], i === 0 ? 2 : 1, finish);
      if (finish) return;
    }
  },
};
