/**
 * Glue between the pure speculative modules and the engine: the run's recorded RNG as a UniformSource,
 * processed scores as probability vectors, and the draft / verify / residual-choice records.
 */
import type { RunContext } from '../strategies/context';
import type { Distribution } from '../strategies/blocks';
import type { DraftRecord, ModelRole, VerifyRecord } from '../trace/schema';
import { topEntries, type SampledToken, type UniformSource } from './dist';
import { expNonPositive } from '../logits/exp';

/** Every draw goes through the run's RNG, so it lands in an rng_draw record and replays from the trace. */
export function runUniform(ctx: RunContext): UniformSource {
  return (purpose) => ctx.rng.next(purpose);
}

/** exp(score − logsumexp) over the vocabulary: the processed distribution the acceptance rules compare. */
export function probabilities(d: Pick<Distribution, 'scores' | 'logsumexp'>): Float32Array {
  const out = new Float32Array(d.scores.length);
  for (let i = 0; i < out.length; i++) {
    const s = d.scores[i]!;
    out[i] = s === -Infinity ? 0 : expNonPositive(s - d.logsumexp); // == Math.exp, cheaper (logits/exp.ts)
  }
  return out;
}

export type DraftNodeOut = DraftRecord['nodes'][number];

export function emitDraft(ctx: RunContext, model: ModelRole, kind: 'chain' | 'tree', source: string, nodes: DraftNodeOut[]): void {
  const em = ctx.emitter;
  em.ensureTokens(nodes.map((n) => n.tokenId));
  em.emit({ type: 'draft', step: em.step, model, kind, source, nodes: nodes.map(cleanNumbers) });
}

export type VerifyDecisionOut = VerifyRecord['decisions'][number];

export function emitVerify(ctx: RunContext, rule: string, decisions: VerifyDecisionOut[], acceptedLength: number, residual?: Float32Array): void {
  const em = ctx.emitter;
  em.ensureTokens(decisions.map((d) => d.tokenId));
  const residualTop = residual ? topEntries(residual, ctx.topk) : undefined;
  if (residualTop) em.ensureTokens(residualTop.map((e) => e.id));
  em.emit({
    type: 'verify',
    step: em.step,
    rule,
    decisions: decisions.map(cleanNumbers),
    acceptedLength,
    ...(residualTop ? { residual: residualTop } : {}),
  });
}

/** A token drawn from a residual (or any full distribution we computed ourselves), as a choice record. */
export function emitDrawnChoice(ctx: RunContext, distId: string, drawn: SampledToken, rule: 'residual' | 'sample'): void {
  ctx.emitter.choice(distId, { tokenId: drawn.token, prob: drawn.prob, logprob: drawn.prob > 0 ? Math.log(drawn.prob) : null, rank: drawn.rank, cumBefore: drawn.cumBefore }, rule, drawn.u);
}

/** Trace numbers must be finite JSON: an infinite ratio (q = 0) is left out; the reason says why. */
function cleanNumbers<T extends object>(o: T): T {
  const out = { ...o } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'number' && !Number.isFinite(v)) delete out[k];
    if (v === undefined) delete out[k];
  }
  return out as T;
}

/** A short human-readable note (draft-length decisions, lookup matches) on the run's timeline. */
export function emitNote(ctx: RunContext, kind: string, message: string): void {
  ctx.emitter.note(kind, message);
}
