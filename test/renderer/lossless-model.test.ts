/**
 * The Lossless tab's pure half: form checks name the field, the request carries only changed knobs, and real
 * reports (from the engine on the bundled models) become the verdict badge and table rows the view draws.
 */
import { describe, expect, it } from 'vitest';
import { checkLossless } from '../../engine/analysis/lossless-check';
import type { GreedyReport, SamplingReport } from '../../engine/analysis/lossless-report';
import { listMethods } from '../../engine/strategies/registry';
import { DEFAULT_FORM, checkRequest, defaultMethod, formProblems, greedyRows, samplingRows, setupLine, verdictOf } from '../../renderer/src/views/lossless/lossless-model';
import { haveModels } from '../speculative/engine-run';

const methods = listMethods();

describe('lossless form', () => {
  it('starts on a lossless speculative method', () => {
    expect(defaultMethod(methods)).toBe('speculative');
    expect(defaultMethod([])).toBe('');
  });
  it('names the field of every problem', () => {
    const problems = formProblems({ ...DEFAULT_FORM, method: 'medusa', mode: 'sampling', samples: 3, temperature: 0, params: { typical_acceptance: 7 } }, methods);
    expect(problems.map((p) => p.field)).toEqual(['samples', 'temperature', 'params.typical_acceptance']);
    expect(problems[0]!.message).toBe('samples must be an integer in 10..10000');
    expect(formProblems({ ...DEFAULT_FORM, method: '' }, methods)[0]).toEqual({ field: 'method', message: 'choose a method' });
    expect(formProblems({ ...DEFAULT_FORM, method: 'speculative', tokens: 0 }, methods).map((p) => p.field)).toEqual(['tokens']);
  });
  it('sends only knobs that differ from the method’s defaults, and the sampling setup only when sampling', () => {
    const form = { ...DEFAULT_FORM, method: 'medusa', params: { typical_acceptance: 1, tree_nodes: 8, unknown_knob: 3 } };
    expect(checkRequest(form, methods)).toEqual({ method: 'medusa', mode: 'greedy', maxNewTokens: 32, params: { typical_acceptance: 1 } });
    expect(checkRequest({ ...form, mode: 'sampling', samples: 40, positions: 3, temperature: 0.8, seed: 5, params: {} }, methods)).toEqual({
      method: 'medusa',
      mode: 'sampling',
      maxNewTokens: 3,
      samples: 40,
      seed: 5,
      processors: { temperature: 0.8 },
    });
  });
});

describe.skipIf(!haveModels)('lossless report → view rows (real reports)', () => {
  it('greedy: identical and corrupted reports', async () => {
    const prompts = ['def add(a, b):'];
    const same = (await checkLossless({ method: 'prompt-lookup', mode: 'greedy', prompts, maxNewTokens: 6 })) as GreedyReport;
    expect(verdictOf(same)).toEqual({ kind: 'pass', label: 'identical', summary: 'identical on 1/1 prompts, 6 tokens' });
    expect(greedyRows(same)).toEqual([{ index: 1, prompt: prompts[0], tokens: '6 / 6', passes: expect.stringMatching(/^\d+ \/ 6$/), identical: true, divergence: null }]);
    expect(setupLine(same)).toBe('prompt-lookup vs plain greedy · 1 prompt × 6 tokens');

    const corrupted = (await checkLossless({ method: 'prompt-lookup', mode: 'greedy', prompts, maxNewTokens: 6, methodForced: [{ outputIndex: 2, tokenId: 7 }] })) as GreedyReport;
    expect(verdictOf(corrupted).kind).toBe('fail');
    const row = greedyRows(corrupted)[0]!;
    expect(row.identical).toBe(false);
    expect(row.divergence).toMatchObject({ position: 2, method: { id: 7 }, nearTie: false });
  }, 120_000);

  it('sampling: Medusa typical acceptance rows mark the differing positions', async () => {
    const report = (await checkLossless({ method: 'medusa', mode: 'sampling', samples: 30, maxNewTokens: 2, params: { typical_acceptance: 1 } })) as SamplingReport;
    expect(verdictOf(report)).toMatchObject({ kind: 'fail', label: 'different' });
    const rows = samplingRows(report);
    expect(rows.map((r) => r.position)).toEqual([0, 1]);
    expect(rows[0]!.different).toBe(false);
    expect(rows[1]!.different).toBe(true);
    expect(rows[1]!.tv).toBeGreaterThan(rows[1]!.tvNoise);
    expect(rows[1]!.top[0]!.method + rows[1]!.top[0]!.baseline).toBeGreaterThan(0);
    expect(setupLine(report)).toBe('medusa (typical_acceptance=1) vs plain sampling · 30 + 30 samples (independent seeds) · 2 positions · temperature 1 · α = 0.01, Holm-adjusted');
  }, 120_000);
});
