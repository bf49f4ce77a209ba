/**
 * Draft & Verify's draft-exiting rule (Zhang et al., ACL'24; reference `exact_self_speculative_generate`):
 *   drafting — keep the drafted token, then stop if its draft probability (the confidence) is below th_stop_draft,
 *              or after max_step_draft tokens;
 *   adaptation — after every verification, with auto_parameters [1, β1 0.5, α 0.9, ε 0.01, β2 0.9]:
 *       matchness = β1·matchness + (1−β1)·accepted/drafted            (starts at 0)
 *       proposed  = matchness < α ? th + ε : (drafted = max ? th : th − ε)
 *       th        = β2·th + (1−β2)·proposed
 * Every decision carries the numbers (threshold, confidence, matchness EMA) in its state and reason, so the
 * trace's draft-length notes show why each step drafted what it drafted. (The generic `adaptive-confidence`
 * chain policy is the same update starting from matchness 1; this one follows the reference's start.)
 */
import type { DraftLengthDecision, DraftLengthPolicy } from './draft-length';

export interface DraftExitingParams {
  /** th_stop_draft at the start: the reference uses 0.8 when greedy, 0.5 when sampling. */
  threshold: number;
  /** max_step_draft (reference default 8). */
  maxStep: number;
  /** auto_th_stop_draft: adapt the threshold after each verification. */
  adaptive: boolean;
  beta1: number;
  targetMatchness: number;
  epsilon: number;
  beta2: number;
}

export const DRAFT_VERIFY_DEFAULTS: Omit<DraftExitingParams, 'threshold'> = { maxStep: 8, adaptive: true, beta1: 0.5, targetMatchness: 0.9, epsilon: 0.01, beta2: 0.9 };

/** The policy's numbers after a step, as recorded in the trace. */
export interface DraftExitingState {
  threshold: number;
  matchness: number;
  /** Confidence of the last drafted token of the step (the one that ended drafting, or the cap's). */
  confidence: number | null;
}

export interface DraftExitingPolicy extends DraftLengthPolicy {
  state(): DraftExitingState;
}

export function draftExitingPolicy(p: DraftExitingParams): DraftExitingPolicy {
  if (!Number.isInteger(p.maxStep) || p.maxStep < 1) throw new Error(`max_step_draft must be a positive integer, got ${p.maxStep}`);
  if (!(p.threshold >= 0 && p.threshold <= 1)) throw new Error(`th_stop_draft must be in 0..1, got ${p.threshold}`);
  const name = 'draft-exiting';
  let threshold = p.threshold;
  let matchness = 0;
  let confidence: number | null = null;
  const numbers = () => ({ threshold, matchness, ...(confidence !== null ? { confidence } : {}) });
  return {
    name,
    variant: p.adaptive
      ? `Draft&Verify confidence stop, adaptive th_stop_draft (β1=${p.beta1}, α=${p.targetMatchness}, ε=${p.epsilon}, β2=${p.beta2}), max ${p.maxStep}`
      : `Draft&Verify confidence stop, fixed th_stop_draft ${p.threshold}, max ${p.maxStep}`,
    state: () => ({ threshold, matchness, confidence }),
    begin(): DraftLengthDecision {
      confidence = null;
      return { policy: name, event: 'begin', length: p.maxStep, reason: `th_stop_draft ${threshold.toFixed(4)}, matchness EMA ${matchness.toFixed(3)}`, state: { ...numbers(), maxStep: p.maxStep } };
    },
    afterDraft(index, prob): DraftLengthDecision {
      const drafted = index + 1;
      confidence = prob;
      const state = numbers();
      if (prob < threshold) return { policy: name, event: 'after-draft', length: drafted, continue: false, reason: `confidence ${prob.toFixed(4)} < th_stop_draft ${threshold.toFixed(4)}`, state };
      if (drafted >= p.maxStep) return { policy: name, event: 'after-draft', length: drafted, continue: false, reason: `reached max_step_draft ${p.maxStep} (confidence ${prob.toFixed(4)})`, state };
      return { policy: name, event: 'after-draft', length: drafted, continue: true, reason: `confidence ${prob.toFixed(4)} ≥ ${threshold.toFixed(4)}`, state };
    },
    update(drafted, accepted): DraftLengthDecision {
      if (drafted === 0 || !p.adaptive) {
        return { policy: name, event: 'update', length: p.maxStep, reason: drafted === 0 ? 'nothing drafted' : `fixed th_stop_draft ${threshold.toFixed(4)}`, state: numbers() };
      }
      const before = threshold;
      matchness = p.beta1 * matchness + (1 - p.beta1) * (accepted / drafted);
      const low = matchness < p.targetMatchness;
      const proposed = low ? threshold + p.epsilon : drafted === p.maxStep ? threshold : threshold - p.epsilon;
      threshold = p.beta2 * threshold + (1 - p.beta2) * proposed;
      const why = low ? `< α ${p.targetMatchness}: raise` : drafted === p.maxStep ? `≥ α ${p.targetMatchness}, drafted the max: keep` : `≥ α ${p.targetMatchness}: lower`;
      return {
        policy: name,
        event: 'update',
        length: p.maxStep,
        reason: `${accepted}/${drafted} accepted, matchness EMA ${matchness.toFixed(3)} ${why}: th_stop_draft ${before.toFixed(4)} → ${threshold.toFixed(4)}`,
        state: { ...numbers(), proposed, previous: before },
      };
    },
  };
}

// The per-step 'draft-verify' note's format lives beside the trace schema so the renderer reads the same one.
export { draftVerifyNote, parseDraftVerifyNote, type DraftVerifyStep } from '../trace/self-spec-notes';
