/**
 * Chain speculative sampling acceptance (Leviathan et al. 2023; Chen et al. 2023), decoding-algorithms §3.1.
 *
 * Given γ draft tokens d_i with their processed draft distributions q_i and the γ+1 processed target
 * distributions p_i from one verification pass (p_i conditions on d_<i), decide left to right:
 *   accept d_i  iff  u_i ≤ min(1, p_i(d_i) / q_i(d_i))      (u_i fresh for every token)
 * at the first rejection draw t ~ norm(max(0, p_i − q_i)); if all γ pass draw the bonus t ~ p_{γ+1}.
 * Every intermediate value is returned because the UI shows exactly these numbers.
 *
 * Variant notes (recorded by callers): ratio uses u ≤ p/q as in HF `_speculative_sampling`; a draft token with
 * p = 0 is always rejected (u = 0 would otherwise accept it — a measure-zero case the papers ignore).
 */
import { argmax, residualDistribution, sampleFromDistribution, type Residual, type SampledToken, type UniformSource } from './dist';

export interface DraftedToken {
  token: number;
  /** The processed draft distribution the token was drawn from (full vocabulary). */
  q: Float32Array;
}

export type DecisionReason =
  | 'accepted: u <= p/q'
  | 'rejected: u > p/q'
  | 'rejected: p = 0'
  | 'accepted: draft = target argmax'
  | 'rejected: draft != target argmax'
  | 'accepted: target sample = draft'
  | 'rejected: target sample != draft';

export interface TokenDecision {
  /** 0-based index of the draft token in the chain. */
  index: number;
  token: number;
  /** p_i(d_i): target probability of the draft token. */
  p: number;
  /** q_i(d_i): draft probability of the draft token (absent for rules without draft probabilities). */
  q?: number;
  /** p/q (Infinity when q = 0 and p > 0). */
  ratio?: number;
  /** Acceptance draw u_i. */
  u?: number;
  accepted: boolean;
  reason: DecisionReason;
  /** Target argmax at this position (greedy rule). */
  targetArgmax?: number;
}

export interface FinalToken {
  token: number;
  /** 'resampled' = drawn from the residual (or picked after a mismatch); 'bonus' = all drafts accepted. */
  source: 'resampled' | 'bonus';
  /** Index into the target distributions this token came from (= acceptedCount). */
  position: number;
  rule: 'argmax' | 'sample' | 'residual';
  /** The draw, when sampled. */
  draw?: SampledToken;
  /** norm(max(0, p − q)) when the token was drawn after a rejection with draft probabilities. */
  residual?: Residual;
}

export interface ChainAcceptance {
  rule: 'speculative-sampling' | 'greedy-match' | 'sample-then-match';
  decisions: TokenDecision[];
  /** Number of leading draft tokens accepted (k). */
  acceptedCount: number;
  /** Index of the first rejected draft token, or null when all were accepted. */
  firstRejection: number | null;
  final: FinalToken;
  /** Accepted drafts followed by the final token: what the step commits. */
  committed: number[];
}

/** Leviathan/Chen speculative sampling. `targets` has γ+1 entries: p_1..p_γ and p_{γ+1} for the bonus. */
export function speculativeSamplingAccept(
  drafts: readonly DraftedToken[],
  targets: readonly Float32Array[],
  uniform: UniformSource,
): ChainAcceptance {
  checkShapes(drafts.length, targets.length);
  const decisions: TokenDecision[] = [];
  for (let i = 0; i < drafts.length; i++) {
    const { token, q: qDist } = drafts[i];
    const p = targets[i][token];
    const q = qDist[token];
    const ratio = q > 0 ? p / q : p > 0 ? Infinity : 0;
    const u = uniform('accept');
    const accepted = p > 0 && u <= ratio;
    const reason: DecisionReason = accepted ? 'accepted: u <= p/q' : p > 0 ? 'rejected: u > p/q' : 'rejected: p = 0';
    decisions.push({ index: i, token, p, q, ratio, u, accepted, reason });
    if (!accepted) {
      const residual = residualDistribution(targets[i], qDist);
      const draw = sampleFromDistribution(residual.dist, uniform('residual'));
      const final: FinalToken = { token: draw.token, source: 'resampled', position: i, rule: 'residual', draw, residual };
      return finish('speculative-sampling', drafts, decisions, i, final);
    }
  }
  const k = drafts.length;
  const draw = sampleFromDistribution(targets[k], uniform('sample'));
  return finish('speculative-sampling', drafts, decisions, null, { token: draw.token, source: 'bonus', position: k, rule: 'sample', draw });
}

/**
 * Greedy rule (assisted generation): accept while d_i == argmax p_i; the final token is argmax p_{k+1}.
 * `scores` (the processed logits) decide the argmax when given: probabilities rounded to float32 can tie where
 * the scores do not, and plain greedy decoding takes the argmax of the scores.
 */
export function greedyMatchAccept(draftTokens: readonly number[], targets: readonly Float32Array[], scores?: readonly Float32Array[]): ChainAcceptance {
  checkShapes(draftTokens.length, targets.length);
  const best = (i: number) => argmax(scores ? scores[i] : targets[i]);
  const decisions: TokenDecision[] = [];
  for (let i = 0; i < draftTokens.length; i++) {
    const token = draftTokens[i];
    const targetArgmax = best(i);
    const accepted = token === targetArgmax;
    decisions.push({
      index: i,
      token,
      p: targets[i][token],
      accepted,
      reason: accepted ? 'accepted: draft = target argmax' : 'rejected: draft != target argmax',
      targetArgmax,
    });
    if (!accepted) {
      return finish('greedy-match', draftTokens, decisions, i, { token: targetArgmax, source: 'resampled', position: i, rule: 'argmax' });
    }
  }
  const k = draftTokens.length;
  return finish('greedy-match', draftTokens, decisions, null, { token: best(k), source: 'bonus', position: k, rule: 'argmax' });
}

/**
 * Sampling without draft probabilities (prompt lookup, n-gram drafts): draw t_i ~ p_i independently at each
 * position and accept while t_i == d_i; the first mismatching sample is committed. Exact, because every
 * committed token is a fresh sample of p given its committed prefix (HF's "sample-then-match").
 */
export function sampleThenMatchAccept(
  draftTokens: readonly number[],
  targets: readonly Float32Array[],
  uniform: UniformSource,
): ChainAcceptance {
  checkShapes(draftTokens.length, targets.length);
  const decisions: TokenDecision[] = [];
  for (let i = 0; i < draftTokens.length; i++) {
    const token = draftTokens[i];
    const draw = sampleFromDistribution(targets[i], uniform('sample'));
    const accepted = draw.token === token;
    decisions.push({
      index: i,
      token,
      p: targets[i][token],
      u: draw.u,
      accepted,
      reason: accepted ? 'accepted: target sample = draft' : 'rejected: target sample != draft',
    });
    if (!accepted) {
      return finish('sample-then-match', draftTokens, decisions, i, { token: draw.token, source: 'resampled', position: i, rule: 'sample', draw });
    }
  }
  const k = draftTokens.length;
  const draw = sampleFromDistribution(targets[k], uniform('sample'));
  return finish('sample-then-match', draftTokens, decisions, null, { token: draw.token, source: 'bonus', position: k, rule: 'sample', draw });
}

function finish(
  rule: ChainAcceptance['rule'],
  drafts: readonly (DraftedToken | number)[],
  decisions: TokenDecision[],
  firstRejection: number | null,
  final: FinalToken,
): ChainAcceptance {
  const acceptedCount = firstRejection ?? drafts.length;
  const committed = drafts.slice(0, acceptedCount).map((d) => (typeof d === 'number' ? d : d.token));
  committed.push(final.token);
  return { rule, decisions, acceptedCount, firstRejection, final, committed };
}

function checkShapes(draftCount: number, targetCount: number): void {
  if (targetCount !== draftCount + 1) {
    throw new Error(`chain acceptance needs γ+1 target distributions for γ=${draftCount} drafts, got ${targetCount}`);
  }
}
