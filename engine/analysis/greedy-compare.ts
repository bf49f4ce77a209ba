/**
 * Greedy mode of the lossless check, the comparison half: is a method's greedy output plain greedy's, token for
 * token? At the first difference, how far apart the two tokens are in greedy's own distribution there — below
 * NEAR_TIE_GAP it is a floating-point near-tie (batched verification vs single-row decoding), not a loss.
 */
import type { CheckRun } from './check-runs';
import { NEAR_TIE_GAP, claimNote, formatP, tokenLabel, type GreedyDivergence, type GreedyPromptResult, type GreedyReport, type GreedyVerdict, type ReportToken } from './lossless-report';

function tokenOf(run: CheckRun, other: CheckRun, index: number): ReportToken | null {
  const id = run.ids[index];
  if (id === undefined) return null;
  return { id, text: run.texts.get(id) ?? other.texts.get(id) ?? '' };
}

/** The first position where `method` and `baseline` differ (a missing token counts), or null when identical. */
export function firstDivergence(method: CheckRun, baseline: CheckRun): GreedyDivergence | null {
  const n = Math.max(method.ids.length, baseline.ids.length);
  for (let i = 0; i < n; i++) {
    if (method.ids[i] === baseline.ids[i]) continue;
    const m = tokenOf(method, baseline, i);
    const b = tokenOf(baseline, method, i);
    let logprobGap: number | null = null;
    const topk = baseline.topk?.[i];
    if (m && b && topk) {
      const own = topk.find((e) => e.id === b.id)?.logprob;
      const theirs = topk.find((e) => e.id === m.id)?.logprob;
      if (typeof own === 'number' && typeof theirs === 'number') logprobGap = own - theirs;
    }
    return { position: i, method: m, baseline: b, logprobGap, nearTie: logprobGap !== null && Math.abs(logprobGap) < NEAR_TIE_GAP };
  }
  return null;
}

export function comparePrompt(prompt: string, method: CheckRun, baseline: CheckRun): GreedyPromptResult {
  const divergence = firstDivergence(method, baseline);
  return {
    prompt,
    methodTokens: method.ids.length,
    baselineTokens: baseline.ids.length,
    methodTargetPasses: method.targetPasses,
    baselineTargetPasses: baseline.targetPasses,
    identical: divergence === null,
    divergence,
    methodText: method.ids.map((id) => method.texts.get(id) ?? '').join(''),
  };
}

export function greedyReport(
  method: string,
  claimedLossless: boolean,
  variant: string | undefined,
  methodParams: GreedyReport['methodParams'],
  maxNewTokens: number,
  prompts: GreedyPromptResult[],
): GreedyReport {
  const identicalPrompts = prompts.filter((p) => p.identical).length;
  const totalTokens = prompts.reduce((a, p) => a + p.methodTokens, 0);
  const diverged = prompts.map((p, i) => ({ p, i })).filter(({ p }) => !p.identical);
  const verdict: GreedyVerdict = diverged.length === 0 ? 'identical' : diverged.every(({ p }) => p.divergence?.nearTie) ? 'near-tie' : 'different';
  const counts = `${identicalPrompts}/${prompts.length} prompts, ${totalTokens} tokens`;
  let summary: string;
  if (verdict === 'identical') summary = `identical on ${counts}`;
  else if (verdict === 'near-tie') summary = `identical up to floating-point near-ties: equal on ${counts}; ${diverged.length} divergence(s) where greedy's two best tokens are within ${NEAR_TIE_GAP} in log-probability`;
  else {
    const first = diverged.find(({ p }) => !p.divergence?.nearTie)!;
    const d = first.p.divergence!;
    const gap = d.logprobGap === null ? 'outside greedy’s top 20' : `log-prob gap ${formatP(d.logprobGap)}`;
    summary = `DIFFERENT on ${diverged.length}/${prompts.length} prompts: prompt ${first.i + 1}, position ${d.position}: method ${tokenLabel(d.method)} vs greedy ${tokenLabel(d.baseline)} (${gap})`;
  }
  const note = claimNote(method, claimedLossless, variant, verdict === 'different', 'its greedy output differs from plain greedy');
  const notes = note ? [note] : [];
  return { mode: 'greedy', method, claimedLossless, ...(variant ? { variant } : {}), methodParams, maxNewTokens, prompts, identicalPrompts, totalTokens, verdict, lossless: verdict !== 'different', summary, notes };
}
