import { describe, expect, it } from 'vitest';
import { initialGuesses } from '../../engine/jacobi/jacobi';
import { carryOverDrafts, sjdVerify, type LanternOptions, type SjdDraft, type SjdMode } from '../../engine/jacobi/sjd';
import { sampleFromDistribution, type UniformSource } from '../../engine/speculative/dist';
import { chiSquareTest, seededUniform } from '../speculative/stats';
import { ToyLm } from './toy-lm';

/** The SJD loop over the toy model: prefill token, then windows of L drafts verified, carried over and refilled. */
function sjdSim(lm: ToyLm, prompt: readonly number[], maxNew: number, L: number, mode: SjdMode, uniform: UniformSource, lantern?: LanternOptions) {
  const first = mode === 'greedy' ? lm.pick(prompt) : sampleFromDistribution(lm.probs(prompt), uniform('sample')).token;
  const out = [first];
  const refill = (count: number): SjdDraft[] =>
    initialGuesses(count, { policy: 'random-context', context: [...prompt, ...out], uniform: () => uniform('draft') }).tokens.map((token) => ({ token, q: 'point' as const }));
  let drafts = refill(L);
  let passes = 1;
  let accepted = 0;
  while (out.length < maxNew) {
    const ctx = [...prompt, ...out];
    const targets = Array.from({ length: L + 1 }, (_, i) => lm.probs([...ctx, ...drafts.slice(0, i).map((d) => d.token)]));
    const v = sjdVerify(drafts, targets, uniform, mode, lantern);
    passes++;
    accepted += v.acceptedCount;
    out.push(...v.committed);
    const carried = carryOverDrafts(v, targets, uniform);
    drafts = [...carried, ...refill(L - carried.length)];
  }
  return { tokens: out.slice(0, maxNew), passes, accepted };
}

function exactSequenceProbs(lm: ToyLm, prompt: readonly number[], length: number): Map<string, number> {
  const probs = new Map<string, number>();
  const walk = (seq: number[], p: number) => {
    if (seq.length === length) return void probs.set(seq.join(','), p);
    const dist = lm.probs([...prompt, ...seq]);
    dist.forEach((q, t) => walk([...seq, t], p * q));
  };
  walk([], 1);
  return probs;
}

describe('SJD acceptance kernel', () => {
  const p = Float32Array.from([0.05, 0.4, 0.1, 0, 0.25, 0.2]);
  const cases: [string, SjdDraft][] = [
    ['point-mass draft (refill token)', { token: 2, q: 'point' }],
    ['point-mass draft where p = 0', { token: 3, q: 'point' }],
    ['sampled draft with dense q', { token: 0, q: Float32Array.from([0.5, 0.1, 0.1, 0.2, 0.05, 0.05]) }],
  ];
  for (const [name, draft] of cases) {
    it(`${name}: first committed token ~ p (chi-square)`, () => {
      const uniform = seededUniform(11);
      const counts = new Array<number>(p.length).fill(0);
      let acc = 0;
      const n = 200_000;
      for (let s = 0; s < n; s++) {
        // A dense-q draft must itself be drawn from q for the test to mean anything.
        const d: SjdDraft = draft.q === 'point' ? draft : { token: sampleFromDistribution(draft.q, uniform('draft')).token, q: draft.q };
        const v = sjdVerify([d], [p, p], uniform, 'exact');
        counts[v.committed[0]!]!++;
        acc += v.acceptedCount;
      }
      expect(chiSquareTest(counts, p).pValue).toBeGreaterThan(1e-4);
      const q = draft.q === 'point' ? null : draft.q;
      const expectedAcc = q ? p.reduce((s, pi, i) => s + Math.min(pi, q[i]!), 0) : p[draft.token]!;
      expect(Math.abs(acc / n - expectedAcc)).toBeLessThan(4 * Math.sqrt((expectedAcc * (1 - expectedAcc)) / n) + 1e-9);
    });
  }

  it('LANTERN with δ = 0 makes the same decisions as exact SJD; δ > 0 accepts more (lossy)', () => {
    const lantern = (delta: number): LanternOptions => ({ delta, neighbours: (t) => [(t + 1) % 6, (t + 5) % 6] });
    const draft: SjdDraft = { token: 2, q: 'point' };
    const a = seededUniform(5);
    const b = seededUniform(5);
    for (let s = 0; s < 1000; s++) {
      expect(sjdVerify([draft], [p, p], b, 'lantern', lantern(0)).committed).toEqual(sjdVerify([draft], [p, p], a, 'exact').committed);
    }
    // Neighbours of 2 are 4 (p .25, fits δ = .3) then 1 (p .4, does not): p̃(2) = .1 + .25.
    const near: LanternOptions = { delta: 0.3, neighbours: () => [4, 1] };
    const relaxed = sjdVerify([draft], [p, p], () => 0.3, 'lantern', near);
    expect(relaxed.relaxed![0]!.credited).toEqual([4]);
    expect(relaxed.relaxed![0]!.relaxedP).toBeCloseTo(0.35, 5);
    expect(relaxed.acceptedCount).toBe(1);
    expect(sjdVerify([draft], [p, p], () => 0.3, 'exact').acceptedCount).toBe(0);
    expect(() => sjdVerify([draft], [p, p], () => 0.3, 'lantern')).toThrow(/LanternOptions/);
  });
});

describe('SJD decoding on a toy model', () => {
  it('greedy mode equals greedy decoding', () => {
    for (const [k, prompt] of [[1, 2], [3], [0, 4, 4]].entries()) {
      const lm = new ToyLm(6, 40 + k, 2);
      for (const L of [1, 3, 6]) expect(sjdSim(lm, prompt, 30, L, 'greedy', seededUniform(k)).tokens).toEqual(lm.greedy(prompt, 30));
    }
  });

  it('LANTERN relaxation is detectably lossy on the same test', () => {
    const lm = new ToyLm(4, 7, 2, 1.5);
    const prompt = [1, 3];
    const exact = exactSequenceProbs(lm, prompt, 3);
    const keys = [...exact.keys()];
    const index = new Map(keys.map((k, i) => [k, i]));
    const counts = new Array<number>(keys.length).fill(0);
    const uniform = seededUniform(77);
    const lantern: LanternOptions = { delta: 0.3, neighbours: (t) => [(t + 1) % 4, (t + 2) % 4, (t + 3) % 4] };
    for (let s = 0; s < 60_000; s++) counts[index.get(sjdSim(lm, prompt, 3, 4, 'lantern', uniform, lantern).tokens.join(','))!]!++;
    expect(chiSquareTest(counts, keys.map((k) => exact.get(k)!)).pValue).toBeLessThan(1e-6);
  });

  for (const L of [2, 4]) {
    it(`exact mode, L=${L}: 3-token sequences follow the model's joint distribution (chi-square over V^3)`, () => {
      const lm = new ToyLm(4, 7, 2, 1.5);
      const prompt = [1, 3];
      const exact = exactSequenceProbs(lm, prompt, 3);
      const keys = [...exact.keys()];
      const index = new Map(keys.map((k, i) => [k, i]));
      const counts = new Array<number>(keys.length).fill(0);
      const uniform = seededUniform(100 + L);
      let accepted = 0;
      const n = 60_000;
      for (let s = 0; s < n; s++) {
        const r = sjdSim(lm, prompt, 3, L, 'exact', uniform);
        counts[index.get(r.tokens.join(','))!]!++;
        accepted += r.accepted;
      }
      expect(chiSquareTest(counts, keys.map((k) => exact.get(k)!)).pValue).toBeGreaterThan(1e-4);
      expect(accepted).toBeGreaterThan(0);
    });
  }
});
