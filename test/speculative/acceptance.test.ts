import { describe, expect, it } from 'vitest';
import { greedyMatchAccept, sampleThenMatchAccept, speculativeSamplingAccept } from '../../engine/speculative/acceptance';
import { overlapMass, residualDistribution, sampleFromDistribution, topEntries } from '../../engine/speculative/dist';
import { chiSquareTest, normalized, seededUniform } from './stats';
import { chiSquareSurvival } from '../../engine/analysis/stats';

const V = 8;
const N = 200_000;
const P_VALUE_FLOOR = 1e-4;

/** One position: draw d ~ q, accept/residual against p; count the emitted token and the acceptances. */
function runKernel(p: Float32Array, q: Float32Array, seed: number, n = N) {
  const uniform = seededUniform(seed);
  const counts = new Float64Array(V);
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    const d = sampleFromDistribution(q, uniform('draft')).token;
    // Only the first token is examined: a single-draft chain whose final token we ignore when accepted.
    const result = speculativeSamplingAccept([{ token: d, q }], [p, p], uniform);
    const emitted = result.acceptedCount === 1 ? d : result.final.token;
    counts[emitted]++;
    accepted += result.acceptedCount;
  }
  return { counts, acceptanceRate: accepted / n };
}

function expectAcceptanceNear(rate: number, expected: number, n = N) {
  const sigma = Math.sqrt(Math.max(expected * (1 - expected), 1e-12) / n);
  expect(Math.abs(rate - expected)).toBeLessThanOrEqual(4 * sigma + 1e-6);
}

describe('chi-square machinery', () => {
  it('matches known chi-square tail probabilities', () => {
    // P(X > 14.067 | df=7) = 0.05; P(X > 3.841 | df=1) = 0.05
    expect(chiSquareSurvival(14.067, 7)).toBeCloseTo(0.05, 3);
    expect(chiSquareSurvival(3.841, 1)).toBeCloseTo(0.05, 3);
  });
  it('rejects a wrong distribution', () => {
    const p = normalized([1, 1, 1, 1, 1, 1, 1, 1]);
    const biased = new Float64Array([1300, 1250, 1250, 1250, 1250, 1250, 1250, 1200]).map((x) => x * 10);
    expect(chiSquareTest(biased, p).pValue).toBeLessThan(P_VALUE_FLOOR);
  });
});

describe('speculative sampling kernel (decoding-algorithms §3.5.2)', () => {
  const cases: [string, Float32Array, Float32Array][] = [
    ['generic', normalized([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02]), normalized([0.1, 0.3, 0.05, 0.2, 0.05, 0.1, 0.1, 0.1])],
    ['near-equal entries and zeros', normalized([0.25, 0.25, 0.2499, 0.2501, 0, 0, 0, 0]), normalized([0.24, 0.26, 0.25, 0.25, 0, 0, 0, 0])],
    ['q mass where p = 0', normalized([0.5, 0.5, 0, 0, 0, 0, 0, 0]), normalized([0.2, 0.2, 0.2, 0.2, 0.2, 0, 0, 0])],
    ['disjoint supports', normalized([0.6, 0.4, 0, 0, 0, 0, 0, 0]), normalized([0, 0, 0, 0, 0.3, 0.3, 0.2, 0.2])],
    ['p = q', normalized([0.05, 0.1, 0.15, 0.2, 0.2, 0.15, 0.1, 0.05]), normalized([0.05, 0.1, 0.15, 0.2, 0.2, 0.15, 0.1, 0.05])],
  ];
  for (const [name, p, q] of cases) {
    it(`emits tokens distributed as p, accepts with frequency Σmin(p,q): ${name}`, () => {
      const { counts, acceptanceRate } = runKernel(p, q, 1234);
      const { pValue } = chiSquareTest(counts, p);
      expect(pValue).toBeGreaterThan(P_VALUE_FLOOR);
      expectAcceptanceNear(acceptanceRate, overlapMass(p, q));
      for (let x = 0; x < V; x++) if (p[x] === 0) expect(counts[x]).toBe(0);
    });
  }

  it('always accepts when p = q and always rejects on disjoint supports', () => {
    const [, pEq, qEq] = cases[4];
    expect(runKernel(pEq, qEq, 7, 5000).acceptanceRate).toBe(1);
    const [, pD, qD] = cases[3];
    expect(runKernel(pD, qD, 7, 5000).acceptanceRate).toBe(0);
  });

  it('a sampler that skips the residual (draws from p after rejection) is caught by the test', () => {
    // Guards the test itself: committing p-samples after a rejection is biased away from q's overlap.
    const [, p, q] = cases[0];
    const uniform = seededUniform(99);
    const counts = new Float64Array(V);
    for (let i = 0; i < N; i++) {
      const d = sampleFromDistribution(q, uniform('draft')).token;
      const r = speculativeSamplingAccept([{ token: d, q }], [p, p], uniform);
      counts[r.acceptedCount === 1 ? d : sampleFromDistribution(p, uniform('sample')).token]++;
    }
    expect(chiSquareTest(counts, p).pValue).toBeLessThan(P_VALUE_FLOOR);
  });
});

describe('accepted-count histogram vs α^k(1−α) (context-independent p, q)', () => {
  it('matches the geometric law truncated at γ', () => {
    const p = normalized([0.3, 0.25, 0.15, 0.1, 0.1, 0.05, 0.03, 0.02]);
    const q = normalized([0.2, 0.3, 0.1, 0.15, 0.1, 0.05, 0.05, 0.05]);
    const alpha = overlapMass(p, q);
    const gamma = 4;
    const uniform = seededUniform(42);
    const histogram = new Float64Array(gamma + 1);
    const steps = 100_000;
    for (let s = 0; s < steps; s++) {
      const drafts = Array.from({ length: gamma }, () => ({ token: sampleFromDistribution(q, uniform('draft')).token, q }));
      const r = speculativeSamplingAccept(drafts, Array.from({ length: gamma + 1 }, () => p), uniform);
      histogram[r.acceptedCount]++;
    }
    const law = Array.from({ length: gamma + 1 }, (_, k) => (k < gamma ? alpha ** k * (1 - alpha) : alpha ** gamma));
    expect(chiSquareTest(histogram, law).pValue).toBeGreaterThan(P_VALUE_FLOOR);
  });
});

describe('recorded intermediate values', () => {
  it('reports p, q, ratio, u, residual and the resampled token', () => {
    const p = normalized([0.1, 0.6, 0.3, 0, 0, 0, 0, 0]);
    const q = normalized([0.5, 0.1, 0.4, 0, 0, 0, 0, 0]);
    const draws = [0.1, 0.9, 0.5]; // accept token 1 (ratio 6), reject token 0 (ratio 0.2 < 0.9), residual draw
    let i = 0;
    const r = speculativeSamplingAccept(
      [{ token: 1, q }, { token: 0, q }],
      [p, p, p],
      () => draws[i++],
    );
    expect(r.decisions).toHaveLength(2);
    expect(r.decisions[0]).toMatchObject({ token: 1, accepted: true, u: 0.1 });
    expect(r.decisions[0].ratio).toBeCloseTo(6, 5);
    expect(r.decisions[1]).toMatchObject({ token: 0, accepted: false, u: 0.9, reason: 'rejected: u > p/q' });
    expect(r.decisions[1].ratio).toBeCloseTo(0.2, 5);
    expect(r.firstRejection).toBe(1);
    // residual = norm(max(0, p − q)) = [0, 0.5, 0, …] → token 1 with probability 1
    const residual = Array.from(r.final.residual!.dist.slice(0, 3));
    expect(residual[0]).toBe(0);
    expect(residual[1]).toBeCloseTo(1, 6);
    expect(residual[2]).toBe(0);
    expect(r.final).toMatchObject({ token: 1, source: 'resampled', rule: 'residual', position: 1 });
    expect(r.committed).toEqual([1, 1]);
  });

  it('draws the bonus from p_{γ+1} when everything is accepted', () => {
    const p = normalized([0, 0, 1, 0, 0, 0, 0, 0]);
    const bonusDist = normalized([0, 0, 0, 0, 0, 0, 0, 1]);
    const r = speculativeSamplingAccept([{ token: 2, q: p }], [p, bonusDist], seededUniform(3));
    expect(r.final).toMatchObject({ token: 7, source: 'bonus', position: 1 });
    expect(r.committed).toEqual([2, 7]);
  });

  it('replays identically from the recorded draws', () => {
    const p = normalized([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02]);
    const q = normalized([0.1, 0.3, 0.05, 0.2, 0.05, 0.1, 0.1, 0.1]);
    const live = seededUniform(5);
    const recorded: number[] = [];
    const recording = (purpose: Parameters<typeof live>[0]) => { const u = live(purpose); recorded.push(u); return u; };
    const drafts = [1, 3, 0, 5].map((token) => ({ token, q }));
    const targets = [p, p, p, p, p];
    const first = speculativeSamplingAccept(drafts, targets, recording);
    let j = 0;
    const replay = speculativeSamplingAccept(drafts, targets, () => recorded[j++]);
    expect(replay).toEqual(first);
    expect(j).toBe(recorded.length);
  });

  it('rejects a draft token the target gives zero probability even when u = 0', () => {
    const p = normalized([1, 0, 0, 0, 0, 0, 0, 0]);
    const q = normalized([0.5, 0.5, 0, 0, 0, 0, 0, 0]);
    const r = speculativeSamplingAccept([{ token: 1, q }], [p, p], () => 0);
    expect(r.decisions[0]).toMatchObject({ accepted: false, reason: 'rejected: p = 0' });
    expect(r.final.token).toBe(0);
  });

  it('falls back to p when the residual has no mass', () => {
    const p = normalized([0.5, 0.5, 0, 0, 0, 0, 0, 0]);
    const r = residualDistribution(p, p);
    expect(r.degenerate).toBe(true);
    expect(Array.from(r.dist)).toEqual(Array.from(p));
  });
});

describe('greedy match and sample-then-match', () => {
  const a = normalized([0.1, 0.7, 0.2, 0, 0, 0, 0, 0]); // argmax 1
  const b = normalized([0.4, 0.4, 0.2, 0, 0, 0, 0, 0]); // tie: lowest id (0) wins
  const c = normalized([0, 0, 0, 0.9, 0.1, 0, 0, 0]); // argmax 3
  it('accepts while the draft equals the target argmax, lowest id wins ties', () => {
    const r = greedyMatchAccept([1, 1, 5], [a, b, c, c]);
    expect(r.acceptedCount).toBe(1);
    expect(r.decisions[1]).toMatchObject({ accepted: false, targetArgmax: 0 });
    expect(r.committed).toEqual([1, 0]);
    const all = greedyMatchAccept([1, 0, 3], [a, b, c, a]);
    expect(all.final).toMatchObject({ token: 1, source: 'bonus' });
    expect(all.committed).toEqual([1, 0, 3, 1]);
  });
  it('sample-then-match commits target samples distributed as p', () => {
    const p = normalized([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02]);
    const uniform = seededUniform(11);
    const counts = new Float64Array(V);
    for (let i = 0; i < N; i++) {
      const r = sampleThenMatchAccept([2], [p, p], uniform);
      counts[r.committed[0]]++;
    }
    expect(chiSquareTest(counts, p).pValue).toBeGreaterThan(P_VALUE_FLOOR);
  });
  it('refuses mismatched shapes with a clear message', () => {
    expect(() => greedyMatchAccept([1, 2], [a, b])).toThrow(/γ\+1 target distributions/);
  });
});

describe('topEntries', () => {
  it('equals a full sort (descending prob, ascending id on ties), zeros left out', () => {
    const uniform = seededUniform(77);
    for (let t = 0; t < 500; t++) {
      const n = 1 + Math.floor(uniform('other') * 40);
      const d = Array.from({ length: n }, () => (uniform('other') < 0.2 ? 0 : Math.floor(uniform('other') * 6) / 5));
      const k = 1 + Math.floor(uniform('other') * 8);
      const sorted = d.map((prob, id) => ({ id, prob })).filter((e) => e.prob > 0).sort((a, b) => b.prob - a.prob || a.id - b.id).slice(0, k);
      expect(topEntries(d, k)).toEqual(sorted);
    }
  });
});
