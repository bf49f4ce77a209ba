/**
 * Pieces the Jacobi-family strategies share on top of engine/strategies/blocks: reading `params.method` knobs with
 * clear errors, picking a cell's token (argmax, or the forced token of a what-if fork), committing a run of tokens
 * with EOS/length cut-off, and emitting the jacobi_iter / lookahead records.
 */
import type { GenerationParams, JacobiIterRecord, LookaheadRecord, TokenSource } from '../trace/schema';
import type { RunContext } from '../strategies/context';
import { commit, type Distribution } from '../strategies/blocks';
import { describePick, pickArgmax, type Pick } from '../logits/sampler';

export function methodInt(params: GenerationParams, name: string, fallback: number, min: number, max: number): number {
  const v = params.method?.[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`params.method.${name}: must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function methodNumber(params: GenerationParams, name: string, fallback: number, min: number, max: number): number {
  const v = params.method?.[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= min && v <= max)) throw new Error(`params.method.${name}: must be a number in ${min}..${max}, got ${JSON.stringify(v)}`);
  return v;
}

export function methodChoice<T extends string>(params: GenerationParams, name: string, allowed: readonly T[], fallback: T): T {
  const v = params.method?.[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new Error(`params.method.${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Checks method knobs before a run starts; returns the first problem as a message (Strategy.validate). */
export function validateMethodParams(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The token a cell takes: the forced token when a what-if fork pins this output index, else the argmax (lowest id
 * among ties, as greedy decoding). Records the choice against the cell's distribution.
 */
export function pickCell(ctx: RunContext, d: Distribution, outputIndex: number): Pick {
  const forced = ctx.forced.get(outputIndex);
  if (forced !== undefined) {
    if (forced >= d.scores.length) throw new Error(`forced token ${forced} at output ${outputIndex} is outside the vocabulary (${d.scores.length})`);
    const pick = describePick(d.scores, d.logsumexp, forced);
    ctx.emitter.choice(d.distId, pick, 'forced');
    return pick;
  }
  const pick = pickArgmax(d.scores, d.logsumexp, d.best);
  ctx.emitter.choice(d.distId, pick, 'argmax');
  return pick;
}

/** Argmax or forced token without recording (window cells and candidates the trace summarises elsewhere). */
export function quickPick(ctx: RunContext, scores: Float32Array, lse: number, outputIndex: number): number {
  return ctx.forced.get(outputIndex) ?? pickArgmax(scores, lse).tokenId;
}

export interface CommitToken {
  id: number;
  source: TokenSource;
  distId?: string;
}

/**
 * Commits tokens at output index `outputIndex` onwards, cut after the first EOS and at max_new_tokens. Returns the
 * committed count and the finish reason (undefined: the run goes on).
 */
export function commitRun(ctx: RunContext, outputIndex: number, tokens: readonly CommitToken[], targetForwardPasses: number): { count: number; finish?: 'eos' | 'length' } {
  const room = ctx.maxNewTokens - outputIndex;
  let count = Math.min(tokens.length, room);
  let finish: 'eos' | 'length' | undefined;
  const eosAt = tokens.slice(0, count).findIndex((t) => ctx.eos.has(t.id));
  if (eosAt >= 0) {
    count = eosAt + 1;
    finish = 'eos';
  } else if (outputIndex + count >= ctx.maxNewTokens) finish = 'length';
  commit(ctx, outputIndex, tokens.slice(0, count), targetForwardPasses, finish);
  return finish ? { count, finish } : { count };
}

export function emitJacobiIter(ctx: RunContext, row: Omit<JacobiIterRecord, 'type' | 'step'>): void {
  ctx.emitter.ensureTokens([...row.tokens, ...(row.committed ?? [])]);
  ctx.emitter.emit({ type: 'jacobi_iter', step: ctx.emitter.step, ...row });
}

export function emitLookahead(ctx: RunContext, rec: Omit<LookaheadRecord, 'type' | 'step'>): void {
  const ids: number[] = [rec.last.id, ...rec.newLevel];
  for (const l of rec.window) ids.push(...l.tokens);
  for (const i of rec.poolInsertions) ids.push(i.key, ...i.ngram, ...(i.evicted ?? []));
  for (const c of rec.candidates) ids.push(...c.ngram);
  ctx.emitter.ensureTokens(ids);
  ctx.emitter.emit({ type: 'lookahead', step: ctx.emitter.step, ...rec });
}
