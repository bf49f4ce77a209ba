/**
 * What a lossless check reports. Plain data (it travels over the wire protocol as the response to a
 * `lossless_check` request), shared by the engine, the CLI table and the UI's Lossless tab.
 */

export interface ReportToken {
  id: number;
  text: string;
}

/** Greedy mode: where a method's output first differs from plain greedy's. */
export interface GreedyDivergence {
  /** Output position (0 = first generated token). */
  position: number;
  /** The method's token there; null when the method's output had already ended. */
  method: ReportToken | null;
  /** Plain greedy's token there; null when greedy's output had already ended. */
  baseline: ReportToken | null;
  /**
   * Greedy's log-probability of its own token minus that of the method's token, in the baseline's processed
   * distribution at this position; null when the method's token is outside the recorded top-k (or missing).
   */
  logprobGap: number | null;
  /** The gap is below NEAR_TIE_GAP: a floating-point near-tie (batched vs single-row matmuls), not a real loss. */
  nearTie: boolean;
}

export interface GreedyPromptResult {
  prompt: string;
  methodTokens: number;
  baselineTokens: number;
  methodTargetPasses: number;
  baselineTargetPasses: number;
  identical: boolean;
  divergence: GreedyDivergence | null;
  /** The method's output text (for the reader to see what was compared). */
  methodText: string;
}

export type GreedyVerdict = 'identical' | 'near-tie' | 'different';

export interface GreedyReport {
  mode: 'greedy';
  method: string;
  /** What the method claims: lossless in the registry, and no "lossy" in the variant that ran. */
  claimedLossless: boolean;
  /** The method variant that ran, as its trace header names it. */
  variant?: string;
  methodParams: Record<string, number | string | boolean>;
  maxNewTokens: number;
  prompts: GreedyPromptResult[];
  identicalPrompts: number;
  /** Tokens the method produced over all prompts (all of them compared with greedy's). */
  totalTokens: number;
  verdict: GreedyVerdict;
  /** identical, or different only at floating-point near-ties. */
  lossless: boolean;
  summary: string;
  notes: string[];
}

export interface PositionTokenCount {
  /** A token, or null for "the output had ended before this position". */
  token: ReportToken | null;
  method: number;
  baseline: number;
}

export interface SamplingPositionResult {
  prompt: string;
  promptIndex: number;
  position: number;
  /** Total-variation distance between the two empirical marginals of this position. */
  tv: number;
  /** The TV two samples of these sizes show by chance alone (permutation estimate): read `tv` against it. */
  tvNoise: number;
  chiSquare: number;
  df: number;
  pValue: number;
  /** Holm-adjusted over every (prompt, position) test of the check. */
  adjustedP: number;
  /** Distinct outcomes seen at this position (both sides together) and the bins left after pooling rare ones. */
  outcomes: number;
  bins: number;
  /** The most frequent outcomes with their counts on each side. */
  top: PositionTokenCount[];
}

export type SamplingVerdict = 'indistinguishable' | 'different';

export interface SamplingReport {
  mode: 'sampling';
  method: string;
  claimedLossless: boolean;
  variant?: string;
  methodParams: Record<string, number | string | boolean>;
  /** The processors both sides sampled with (temperature, top-k, …). */
  processors: Record<string, number>;
  samples: number;
  positions: number;
  alpha: number;
  /** Baseline seeds are seed … seed+samples−1; the method's are the next `samples` seeds (independent draws). */
  seed: number;
  results: SamplingPositionResult[];
  minAdjustedP: number;
  maxTv: number;
  verdict: SamplingVerdict;
  lossless: boolean;
  summary: string;
  notes: string[];
}

export type LosslessReport = GreedyReport | SamplingReport;

export interface LosslessProgress {
  done: number;
  total: number;
  /** What is running now, e.g. "speculative, prompt 2/5". */
  label: string;
}

/** Log-probability gap under which a greedy divergence counts as a floating-point near-tie (decoding-algorithms §12.1). */
export const NEAR_TIE_GAP = 1e-4;

/** The method's own claim: the registry says lossless and the variant that ran does not call itself lossy. */
export function claimsLossless(registryLossless: boolean, variant: string | undefined): boolean {
  return registryLossless && !/\blossy\b/i.test(variant ?? '');
}

/** A note saying how the check's finding compares with the method's own claim. */
export function claimNote(method: string, claimedLossless: boolean, variant: string | undefined, foundDifferent: boolean, what: string): string | null {
  const lossyVariant = !claimsLossless(true, variant);
  if (foundDifferent && claimedLossless) return `${method} claims to be lossless, yet ${what}: a bug, or a parameter that makes it lossy.`;
  if (foundDifferent && lossyVariant) return `expected: ${method} with these parameters is lossy by design (its variant says so).`;
  if (!foundDifferent && !claimedLossless) return `${method}${lossyVariant ? ' with these parameters' : ''} is lossy by design; this check did not show it here, which does not make it lossless.`;
  return null;
}

/** p-values and small numbers in two significant digits, e.g. 0.41, 3.2e-7. */
export function formatP(p: number): string {
  if (p === 0) return '0';
  if (p >= 0.001) return p.toPrecision(2).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return p.toExponential(1);
}

export function tokenLabel(t: ReportToken | null): string {
  return t === null ? '(end)' : `${JSON.stringify(t.text)} #${t.id}`;
}
