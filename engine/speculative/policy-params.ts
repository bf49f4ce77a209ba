/**
 * Method parameters shared by the chain strategies (params.method, HF names where HF has one), and the
 * draft-length policy they select. Strings or numeric codes are accepted so the run panel can use a slider.
 */
import type { GenerationParams } from '../trace/schema';
import type { UniformSource } from './dist';
import {
  adaptiveConfidencePolicy, confidencePolicy, constantPolicy, heuristicPolicy, thompsonPolicy, type DraftLengthPolicy,
} from './draft-length';

export const POLICY_NAMES = ['constant', 'heuristic', 'confidence', 'adaptive-confidence', 'thompson'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

type MethodParams = NonNullable<GenerationParams['method']>;

export function methodNumber(params: GenerationParams, name: string, fallback: number): number {
  const v = params.method?.[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`params.method.${name}: expected a number, got ${JSON.stringify(v)}`);
  return n;
}

export function methodString(params: GenerationParams, name: string, fallback: string): string {
  const v = params.method?.[name];
  return v === undefined ? fallback : String(v);
}

export function policyName(method: MethodParams | undefined, fallback: PolicyName): PolicyName {
  const v = method?.draft_length_policy;
  if (v === undefined) return fallback;
  if (typeof v === 'number') {
    const name = POLICY_NAMES[v];
    if (!name) throw new Error(`params.method.draft_length_policy: code ${v} is not one of 0..${POLICY_NAMES.length - 1} (${POLICY_NAMES.join(', ')})`);
    return name;
  }
  if (!(POLICY_NAMES as readonly string[]).includes(String(v))) {
    throw new Error(`params.method.draft_length_policy: '${v}' is not one of ${POLICY_NAMES.join(', ')}`);
  }
  return String(v) as PolicyName;
}

/** Builds the selected policy; `gamma` = num_assistant_tokens (the constant γ, the heuristic's start, the cap). */
export function draftLengthPolicy(params: GenerationParams, uniform: UniformSource, defaults: { policy: PolicyName; gamma: number }): DraftLengthPolicy {
  const name = policyName(params.method, defaults.policy);
  const gamma = methodNumber(params, 'num_assistant_tokens', defaults.gamma);
  if (!Number.isInteger(gamma) || gamma < 1 || gamma > 64) throw new Error(`params.method.num_assistant_tokens: must be an integer in 1..64, got ${gamma}`);
  switch (name) {
    case 'constant':
      return constantPolicy(gamma);
    case 'heuristic':
      return heuristicPolicy(gamma);
    case 'confidence':
      return confidencePolicy(methodNumber(params, 'assistant_confidence_threshold', 0.4), gamma);
    case 'adaptive-confidence':
      return adaptiveConfidencePolicy(methodNumber(params, 'assistant_confidence_threshold', 0.6), gamma);
    case 'thompson':
      return thompsonPolicy(uniform, gamma, methodNumber(params, 'thompson_threshold', 0.5));
  }
}

/** Slider descriptions for the run panel (MethodDescription.params). */
export const CHAIN_PARAMS = [
  { name: 'num_assistant_tokens', default: 4, min: 1, max: 16, step: 1, help: 'γ: drafts per step (constant), the start (heuristic) or the cap (other policies)' },
  { name: 'draft_length_policy', default: 0, min: 0, max: 4, step: 1, help: '0 constant, 1 HF heuristic, 2 confidence stop, 3 Draft&Verify adaptive threshold, 4 EESD-style Thompson sampling' },
  { name: 'assistant_confidence_threshold', default: 0.4, min: 0, max: 1, step: 0.05, help: 'confidence stop: stop drafting when the draft prob of its token is below this' },
];
