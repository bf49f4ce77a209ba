/**
 * The lossless check on the real bundled models: every method the registry calls lossless matches plain greedy
 * token for token; chain speculative sampling is statistically indistinguishable from plain sampling while
 * Medusa's typical acceptance (lossy by design) is flagged; a corrupted run is caught at the right position.
 */
import { describe, expect, it } from 'vitest';
import { checkLossless, LosslessCheckCancelled } from '../../engine/analysis/lossless-check';
import { checkRun, type CheckRun } from '../../engine/analysis/check-runs';
import { firstDivergence } from '../../engine/analysis/greedy-compare';
import type { GreedyReport, SamplingReport } from '../../engine/analysis/lossless-report';
import { listMethods } from '../../engine/strategies/registry';
import { haveModels } from '../speculative/engine-run';

const PROMPTS = ['def fibonacci(n):', 'class Stack:\n    def __init__(self):'];
const TOKENS = 12;
// One cache for the whole file: each greedy baseline is decoded once, not once per method.
const runCache = new Map<string, CheckRun>();

describe('firstDivergence (no model)', () => {
  const run = (ids: number[], topk?: CheckRun['topk']): CheckRun => ({ ids, texts: new Map(ids.map((id) => [id, `t${id}`])), targetPasses: ids.length, ...(topk ? { topk } : {}) });
  it('finds the first differing position with both tokens and greedy’s log-prob gap there', () => {
    const base = run([1, 2, 3, 4], [undefined, undefined, [{ id: 3, logit: 0, logprob: -0.5 }, { id: 9, logit: 0, logprob: -0.50000001 }], undefined]);
    const d = firstDivergence(run([1, 2, 9, 4]), base);
    expect(d).toMatchObject({ position: 2, method: { id: 9, text: 't9' }, baseline: { id: 3, text: 't3' }, nearTie: true });
    expect(d!.logprobGap).toBeCloseTo(1e-8, 12);
  });
  it('reports an output that stops early as a divergence where it ended', () => {
    expect(firstDivergence(run([1, 2]), run([1, 2, 3]))).toMatchObject({ position: 2, method: null, baseline: { id: 3 }, logprobGap: null, nearTie: false });
    expect(firstDivergence(run([5, 6]), run([5, 6]))).toBeNull();
  });
});

describe.skipIf(!haveModels)('lossless check on the bundled models', () => {
  const lossless = listMethods().filter((m) => m.lossless);

  it('the registry has lossless methods to check', () => {
    expect(lossless.length).toBeGreaterThan(5);
  });

  for (const m of lossless) {
    it(`greedy: ${m.name} is identical to plain greedy`, async () => {
      const report = (await checkLossless({ method: m.name, mode: 'greedy', prompts: PROMPTS, maxNewTokens: TOKENS, runCache })) as GreedyReport;
      expect(report.mode).toBe('greedy');
      expect(report.verdict, report.summary).toBe('identical');
      expect(report.lossless).toBe(true);
      expect(report.identicalPrompts).toBe(PROMPTS.length);
      // Non-vacuous: something was decoded and compared on every prompt.
      for (const p of report.prompts) {
        expect(p.methodTokens).toBeGreaterThan(0);
        expect(p.methodTokens).toBe(p.baselineTokens);
        expect(p.methodTargetPasses).toBeGreaterThan(0);
      }
      expect(report.totalTokens).toBe(report.prompts.reduce((a, p) => a + p.methodTokens, 0));
      expect(report.summary).toBe(`identical on ${PROMPTS.length}/${PROMPTS.length} prompts, ${report.totalTokens} tokens`);
    }, 300_000);
  }

  it('greedy: a deliberately corrupted run (one forced token) is a divergence at that position', async () => {
    const base = await checkRun({ method: 'autoregressive', prompt: PROMPTS[0]!, params: { max_new_tokens: TOKENS, do_sample: false } }, { keepTopk: true, cache: runCache });
    const at = 5;
    const wrong = base.ids[at]! === 300 ? 301 : 300;
    const report = (await checkLossless({ method: 'speculative', mode: 'greedy', prompts: [PROMPTS[0]!], maxNewTokens: TOKENS, methodForced: [{ outputIndex: at, tokenId: wrong }], runCache })) as GreedyReport;
    expect(report.verdict).toBe('different');
    expect(report.lossless).toBe(false);
    expect(report.prompts[0]!.divergence).toMatchObject({ position: at, method: { id: wrong }, baseline: { id: base.ids[at] }, nearTie: false });
    expect(report.summary).toMatch(/^DIFFERENT on 1\/1 prompts: prompt 1, position 5: /);
    expect(report.notes.join(' ')).toMatch(/claims to be lossless/);
  }, 300_000);

  /*
   * Sampling. Samples are independent on the two sides (disjoint seeds), compared at output positions 0–3 at
   * temperature 1, Holm-adjusted at α = 0.01. With typical acceptance Medusa commits, after the first sampled
   * token, only tokens that pass a probability threshold plus an argmax bonus token, while plain sampling at
   * T = 1 spreads over many tokens: on the bundled model the marginals at positions 1–3 differ by a TV of about
   * 0.8, so 60 samples per side give p-values near 1e-11 — far past α, with fixed seeds reproducibly. Chain
   * speculative sampling follows the model exactly, so its samples must not be flagged; 200 per side (the
   * check's default) make the test meaningful, and the same Medusa with exact acceptance is the control that
   * the flag comes from the typical rule, not from Medusa's drafting.
   */
  it('sampling: chain speculative sampling is indistinguishable from plain sampling', async () => {
    const report = (await checkLossless({ method: 'speculative', mode: 'sampling', samples: 200, maxNewTokens: 4, seed: 0, runCache })) as SamplingReport;
    expect(report.verdict, report.summary).toBe('indistinguishable');
    expect(report.lossless).toBe(true);
    expect(report.minAdjustedP).toBeGreaterThan(0.01);
    expect(report.results).toHaveLength(4);
    // Non-vacuous: the positions really vary, so there was something to tell apart.
    expect(report.results.filter((r) => r.df >= 1).length).toBeGreaterThanOrEqual(3);
    for (const r of report.results) expect(r.top.reduce((a, t) => a + t.method, 0)).toBeGreaterThan(0);
    expect(report.summary).toMatch(/^indistinguishable at α=0.01 \(min adjusted p = /);
  }, 600_000);

  it('sampling: Medusa with typical acceptance (lossy) is flagged; with exact acceptance it is not', async () => {
    const typical = (await checkLossless({ method: 'medusa', mode: 'sampling', samples: 60, maxNewTokens: 4, params: { typical_acceptance: 1 }, runCache })) as SamplingReport;
    expect(typical.verdict, typical.summary).toBe('different');
    expect(typical.lossless).toBe(false);
    const flagged = typical.results.filter((r) => r.adjustedP <= 0.01);
    expect(flagged.length).toBeGreaterThan(0);
    // The first token is sampled the ordinary way; the typical rule acts from the second on.
    expect(typical.results[0]!.adjustedP).toBeGreaterThan(0.01);
    expect(Math.min(...flagged.map((r) => r.position))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...flagged.map((r) => r.tv - r.tvNoise))).toBeGreaterThan(0.2);
    expect(typical.summary).toMatch(/^DIFFERENT: position [1-3], TV = /);
    // The method says so itself: its variant with typical acceptance is named lossy in the trace header.
    expect(typical.claimedLossless).toBe(false);
    expect(typical.notes.join(' ')).toMatch(/lossy by design/);

    const exact = (await checkLossless({ method: 'medusa', mode: 'sampling', samples: 60, maxNewTokens: 4, runCache })) as SamplingReport;
    expect(exact.verdict, exact.summary).toBe('indistinguishable');
  }, 600_000);

  it('sampling: a greedy-only method is refused with its own reason', async () => {
    await expect(checkLossless({ method: 'jacobi', mode: 'sampling', samples: 10, maxNewTokens: 2 })).rejects.toThrow(/^jacobi on "def fibonacci\(n\):": params.do_sample: /);
  }, 120_000);

  it('bad requests name the field; a cancelled check rejects with LosslessCheckCancelled', async () => {
    await expect(checkLossless({ method: 'nope', mode: 'greedy' })).rejects.toThrow(/^method: unknown method 'nope'/);
    await expect(checkLossless({ method: 'speculative', mode: 'sampling', samples: 3 })).rejects.toThrow(/^samples: /);
    const abort = new AbortController();
    const progress: number[] = [];
    const check = checkLossless(
      {
        method: 'speculative',
        mode: 'sampling',
        samples: 50,
        maxNewTokens: 3,
        onProgress: (p) => {
          progress.push(p.done);
          if (p.done === 3) abort.abort();
        },
      },
      abort.signal,
    );
    await expect(check).rejects.toBeInstanceOf(LosslessCheckCancelled);
    expect(Math.max(...progress)).toBeLessThan(100);
  }, 120_000);
});
