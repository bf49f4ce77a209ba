/**
 * Called by DecoderState.forward after each model call: emits `layer_topk` (logit lens) and inline `attention`
 * records when the run asked for them. Inline attentions are only written when no tensor sidecar takes them.
 */
import type { RunContext } from '../strategies/context';
import type { DecoderSession, ForwardOutput } from '../model/decoder-session';
import { logitLens } from './logit-lens';
import { attentionBody } from './attention-inline';

const LENS_K = 8;

/** Extra outputs this call should fetch for the internals records. */
export function internalsExtras(ctx: RunContext, session: DecoderSession): { attentions?: boolean; exitLogits?: boolean } {
  const out: { attentions?: boolean; exitLogits?: boolean } = {};
  if (ctx.record.logitLens && session.io.exitLogits.length) out.exitLogits = true;
  if (ctx.record.attentions && !ctx.tensorSink && session.io.attentions.length) out.attentions = true;
  return out;
}

export function emitInternals(ctx: RunContext, session: DecoderSession, callId: number, out: ForwardOutput, cacheLenIn: number, fedLength: number): void {
  const em = ctx.emitter;
  if (ctx.record.logitLens && session.io.exitLogits.length) {
    const exits = session.io.exitLogits.flatMap(({ layer, name }) => {
      const t = out.extras.get(name);
      return t ? [{ layer, data: t.data, dims: t.dims }] : [];
    });
    const v = out.vocab;
    // The last kept logits position is the last fed token (logits 'last' or 'all' alike).
    const finalRow = out.logits.subarray((out.positions - 1) * v, out.positions * v);
    const body = logitLens({ exits, finalRow, finalLayer: session.io.layers.length, fedIndex: fedLength - 1, position: cacheLenIn + fedLength - 1, k: LENS_K });
    em.ensureTokens(body.layers.flatMap((l) => l.topk.map((e) => e.id)));
    em.emit({ type: 'layer_topk', step: em.step, callId, ...body });
  }
  if (ctx.record.attentions && !ctx.tensorSink) {
    session.io.attentions.forEach((name, layer) => {
      const t = out.extras.get(name);
      if (t) em.emit({ type: 'attention', step: em.step, callId, ...attentionBody(layer, t.data, t.dims) });
    });
  }
}
