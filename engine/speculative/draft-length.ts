/**
 * How many tokens to draft per step (decoding-algorithms §4.2, §6.1, §6.3). Every policy answers three questions
 * and records each answer, so the trace shows why a step drafted what it drafted:
 *   begin()            — the most tokens this step may draft;
 *   afterDraft(i, p)   — having drafted token i whose draft probability is p, draft another?
 *   update(d, a)       — d tokens were drafted and a accepted: adapt.
 */
import type { UniformSource } from './dist';
import { logGamma } from '../analysis/stats';

export interface DraftLengthDecision {
  policy: string;
  event: 'begin' | 'after-draft' | 'update';
  /** begin: the step's maximum; after-draft: tokens drafted so far; update: the next step's maximum. */
  length: number;
  /** after-draft only. */
  continue?: boolean;
  reason: string;
  /** The policy's state after the decision (γ, threshold, α/β, the sampled θ, …). */
  state: Record<string, number>;
}

export interface DraftLengthPolicy {
  readonly name: string;
  readonly variant: string;
  begin(): DraftLengthDecision;
  afterDraft(index: number, selectedProb: number): DraftLengthDecision;
  update(drafted: number, accepted: number): DraftLengthDecision;
}

/** Fixed γ every step. */
export function constantPolicy(gamma: number): DraftLengthPolicy {
  checkPositive('constant draft length', gamma);
  const name = 'constant';
  return {
    name,
    variant: `γ = ${gamma}`,
    begin: () => ({ policy: name, event: 'begin', length: gamma, reason: 'constant γ', state: { gamma } }),
    afterDraft: (index) => lengthCheck(name, index, gamma, { gamma }),
    update: () => ({ policy: name, event: 'update', length: gamma, reason: 'constant γ', state: { gamma } }),
  };
}

/**
 * HF `num_assistant_tokens_schedule="heuristic"`: +2 after a step whose drafts were all accepted, else
 * max(1, γ − 1). ("heuristic_transient" resets per generate call; one run = one call here, so they coincide.)
 */
export function heuristicPolicy(initial = 5): DraftLengthPolicy {
  checkPositive('initial num_assistant_tokens', initial);
  const name = 'heuristic';
  let gamma = initial;
  return {
    name,
    variant: 'HF heuristic: +2 on full acceptance, else max(1, γ−1)',
    begin: () => ({ policy: name, event: 'begin', length: gamma, reason: 'current num_assistant_tokens', state: { gamma } }),
    afterDraft: (index) => lengthCheck(name, index, gamma, { gamma }),
    update(drafted, accepted) {
      const before = gamma;
      const all = drafted > 0 && accepted === drafted;
      gamma = all ? gamma + 2 : Math.max(1, gamma - 1);
      const reason = all ? `all ${drafted} accepted: ${before} + 2` : `${accepted}/${drafted} accepted: max(1, ${before} − 1)`;
      return { policy: name, event: 'update', length: gamma, reason, state: { gamma, previous: before } };
    },
  };
}

/**
 * HF `assistant_confidence_threshold`: stop drafting as soon as the draft's probability of the token it just
 * selected is below the threshold (that token is still kept, as a stopping criterion runs after appending).
 */
export function confidencePolicy(threshold = 0.4, maxLength = 20): DraftLengthPolicy {
  checkPositive('confidence max length', maxLength);
  const name = 'confidence';
  return {
    name,
    variant: `stop when selected-token draft prob < ${threshold} (token kept)`,
    begin: () => ({ policy: name, event: 'begin', length: maxLength, reason: 'upper bound', state: { threshold, maxLength } }),
    afterDraft: (index, prob) => confidenceCheck(name, index, prob, threshold, maxLength, {}),
    update: () => ({ policy: name, event: 'update', length: maxLength, reason: 'fixed threshold', state: { threshold, maxLength } }),
  };
}

/**
 * Draft & Verify's adaptive draft-exiting threshold (auto_parameters [1, 0.5, 0.9, 1e-2, 0.9]): a matchness EMA;
 * raise the threshold by ε while it is below the target rate α, else lower it (unless the step hit the cap);
 * the threshold itself is smoothed with β2.
 */
export function adaptiveConfidencePolicy(initialThreshold = 0.6, maxLength = 8, beta1 = 0.5, targetRate = 0.9, epsilon = 0.01, beta2 = 0.9): DraftLengthPolicy {
  const name = 'adaptive-confidence';
  let threshold = initialThreshold;
  let ema = 1;
  return {
    name,
    variant: `Draft&Verify matchness EMA (β1=${beta1}, α=${targetRate}, ε=${epsilon}, β2=${beta2})`,
    begin: () => ({ policy: name, event: 'begin', length: maxLength, reason: 'upper bound', state: { threshold, ema, maxLength } }),
    afterDraft: (index, prob) => confidenceCheck(name, index, prob, threshold, maxLength, { ema }),
    update(drafted, accepted): DraftLengthDecision {
      if (drafted === 0) return { policy: name, event: 'update', length: maxLength, reason: 'nothing drafted', state: { threshold, ema } };
      ema = beta1 * ema + (1 - beta1) * (accepted / drafted);
      const proposed = ema < targetRate ? threshold + epsilon : drafted === maxLength ? threshold : threshold - epsilon;
      threshold = beta2 * threshold + (1 - beta2) * proposed;
      const reason = ema < targetRate ? `matchness ${ema.toFixed(3)} < ${targetRate}: raise threshold` : 'matchness high: lower threshold';
      return { policy: name, event: 'update', length: maxLength, reason, state: { threshold, ema, proposed } };
    },
  };
}

/**
 * EESD-style Beta Thompson sampling (variant: per-token continue test). θ, the chance that the next draft token
 * is accepted, has a Beta(α, β) posterior. Before each further draft token sample θ̂ (one recorded uniform,
 * inverse CDF) and continue iff θ̂ ≥ threshold. After verification α += accepted, β += 1 if a draft was rejected
 * (tokens after the first rejection are unobserved and not counted).
 */
export function thompsonPolicy(uniform: UniformSource, maxLength = 10, threshold = 0.5, priorAlpha = 1, priorBeta = 1): DraftLengthPolicy {
  const name = 'thompson';
  let alpha = priorAlpha;
  let beta = priorBeta;
  return {
    name,
    variant: `EESD-style Beta-TS: continue while θ̂~Beta(α,β) ≥ ${threshold}; α+=accepted, β+=1 per rejection`,
    begin: () => ({ policy: name, event: 'begin', length: maxLength, reason: 'upper bound', state: { alpha, beta, maxLength } }),
    afterDraft(index): DraftLengthDecision {
      const drafted = index + 1;
      if (drafted >= maxLength) return { policy: name, event: 'after-draft', length: drafted, continue: false, reason: `reached ${maxLength}`, state: { alpha, beta } };
      const u = uniform('other');
      const theta = betaQuantile(u, alpha, beta);
      const go = theta >= threshold;
      const reason = `θ̂ = ${theta.toFixed(3)} ${go ? '≥' : '<'} ${threshold}`;
      return { policy: name, event: 'after-draft', length: drafted, continue: go, reason, state: { alpha, beta, u, theta } };
    },
    update(drafted, accepted) {
      alpha += accepted;
      if (accepted < drafted) beta += 1;
      return { policy: name, event: 'update', length: maxLength, reason: `α += ${accepted}${accepted < drafted ? ', β += 1' : ''}`, state: { alpha, beta, mean: alpha / (alpha + beta) } };
    },
  };
}

function lengthCheck(policy: string, index: number, gamma: number, state: Record<string, number>): DraftLengthDecision {
  const drafted = index + 1;
  const go = drafted < gamma;
  return { policy, event: 'after-draft', length: drafted, continue: go, reason: go ? `${drafted} < ${gamma}` : `reached ${gamma}`, state };
}

function confidenceCheck(policy: string, index: number, prob: number, threshold: number, maxLength: number, extra: Record<string, number>): DraftLengthDecision {
  const drafted = index + 1;
  const state = { threshold, prob, ...extra };
  if (prob < threshold) return { policy, event: 'after-draft', length: drafted, continue: false, reason: `draft prob ${prob.toFixed(3)} < ${threshold.toFixed(3)}`, state };
  if (drafted >= maxLength) return { policy, event: 'after-draft', length: drafted, continue: false, reason: `reached ${maxLength}`, state };
  return { policy, event: 'after-draft', length: drafted, continue: true, reason: `draft prob ${prob.toFixed(3)} ≥ ${threshold.toFixed(3)}`, state };
}

function checkPositive(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
}

/** Inverse CDF of Beta(a, b) by bisection on the regularised incomplete beta function. */
export function betaQuantile(u: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (regularizedIncompleteBeta(mid, a, b) < u) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** I_x(a, b) via its continued fraction (modified Lentz), using the symmetry for x > (a+1)/(a+b+2). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m < 300; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + even * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + even / c; if (Math.abs(c) < tiny) c = tiny;
    f *= c * d;
    const odd = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + odd * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + odd / c; if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return (front * f) / a;
}
