/**
 * Sampling mode of the lossless check, the statistics half. Each side gave `samples` independent outputs per
 * prompt; at every output position the two empirical token marginals are compared with a chi-square homogeneity
 * test (rare tokens pooled) and total-variation distance, and the p-values of all (prompt, position) tests are
 * Holm-adjusted, so "DIFFERENT" is claimed at family-wise level α however the positions depend on each other.
 */
import { chiSquareHomogeneity, holmAdjust, totalVariation, totalVariationNoise } from './stats';
import { claimNote, formatP, tokenLabel, type PositionTokenCount, type SamplingPositionResult, type SamplingReport } from './lossless-report';

/** Outputs of one prompt: token ids per sample, for each side. */
export interface SampledPrompt {
  prompt: string;
  method: readonly (readonly number[])[];
  baseline: readonly (readonly number[])[];
}

const ENDED = 'end';
const TOP_SHOWN = 6;

function marginal(outputs: readonly (readonly number[])[], position: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ids of outputs) {
    const key = position < ids.length ? String(ids[position]) : ENDED;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function topOutcomes(a: Map<string, number>, b: Map<string, number>, texts: ReadonlyMap<number, string>): PositionTokenCount[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  keys.sort((x, y) => (b.get(y) ?? 0) + (a.get(y) ?? 0) - ((b.get(x) ?? 0) + (a.get(x) ?? 0)) || x.localeCompare(y));
  return keys.slice(0, TOP_SHOWN).map((key) => ({
    token: key === ENDED ? null : { id: Number(key), text: texts.get(Number(key)) ?? '' },
    method: a.get(key) ?? 0,
    baseline: b.get(key) ?? 0,
  }));
}

export function positionResults(prompts: readonly SampledPrompt[], positions: number, texts: ReadonlyMap<number, string>): SamplingPositionResult[] {
  const results: SamplingPositionResult[] = [];
  prompts.forEach((p, promptIndex) => {
    for (let position = 0; position < positions; position++) {
      const a = marginal(p.method, position);
      const b = marginal(p.baseline, position);
      const test = chiSquareHomogeneity(a, b);
      results.push({
        prompt: p.prompt,
        promptIndex,
        position,
        tv: totalVariation(a, b),
        tvNoise: totalVariationNoise(a, b),
        chiSquare: test.statistic,
        df: test.df,
        pValue: test.pValue,
        adjustedP: test.pValue,
        outcomes: new Set([...a.keys(), ...b.keys()]).size,
        bins: test.bins.length,
        top: topOutcomes(a, b, texts),
      });
    }
  });
  const adjusted = holmAdjust(results.map((r) => r.pValue));
  results.forEach((r, i) => (r.adjustedP = adjusted[i]!));
  return results;
}

export interface SamplingSetup {
  method: string;
  claimedLossless: boolean;
  variant?: string;
  methodParams: SamplingReport['methodParams'];
  processors: SamplingReport['processors'];
  samples: number;
  positions: number;
  alpha: number;
  seed: number;
}

export function samplingReport(setup: SamplingSetup, results: SamplingPositionResult[]): SamplingReport {
  const minAdjustedP = results.reduce((m, r) => Math.min(m, r.adjustedP), 1);
  const maxTv = results.reduce((m, r) => Math.max(m, r.tv), 0);
  const noiseAtMax = results.find((r) => r.tv === maxTv)?.tvNoise ?? 0;
  const flagged = results.filter((r) => r.adjustedP <= setup.alpha);
  const verdict = flagged.length === 0 ? 'indistinguishable' : 'different';
  const where = (r: SamplingPositionResult) => `${results.some((x) => x.promptIndex > 0) ? `prompt ${r.promptIndex + 1}, ` : ''}position ${r.position}`;
  let summary: string;
  if (verdict === 'indistinguishable') {
    summary = `indistinguishable at α=${setup.alpha} (min adjusted p = ${formatP(minAdjustedP)} over ${results.length} positions, ${setup.samples}+${setup.samples} samples; max TV ${maxTv.toFixed(3)}, chance level ≈ ${noiseAtMax.toFixed(3)})`;
  } else {
    const worst = flagged.reduce((w, r) => (r.adjustedP < w.adjustedP || (r.adjustedP === w.adjustedP && r.tv > w.tv) ? r : w));
    summary = `DIFFERENT: ${where(worst)}, TV = ${worst.tv.toFixed(3)} (chance level ≈ ${worst.tvNoise.toFixed(3)}), p = ${formatP(worst.pValue)} (adjusted ${formatP(worst.adjustedP)}); ${flagged.length}/${results.length} positions differ at α=${setup.alpha}`;
  }
  const notes: string[] = [];
  const note = claimNote(setup.method, setup.claimedLossless, setup.variant, verdict === 'different', 'its samples differ from plain sampling');
  if (note) notes.push(note);
  if (results.every((r) => r.df === 0)) notes.push('every position had a single outcome on both sides: nothing to tell apart (raise the temperature or the samples).');
  const worstShown = results.reduce((w, r) => (r.tv > w.tv ? r : w), results[0]!);
  if (worstShown && worstShown.top[0]) notes.push(`largest gap at ${where(worstShown)}: most frequent ${tokenLabel(worstShown.top[0].token)} ${worstShown.top[0].method} vs ${worstShown.top[0].baseline} (method vs baseline)`);
  return { mode: 'sampling', ...setup, results, minAdjustedP, maxTv, verdict, lossless: verdict === 'indistinguishable', summary, notes };
}
