import { describe, expect, it } from 'vitest';
import {
  adaptiveConfidencePolicy, betaQuantile, confidencePolicy, constantPolicy, heuristicPolicy, regularizedIncompleteBeta, thompsonPolicy,
} from '../../engine/speculative/draft-length';
import { seededUniform } from './stats';

/** Draft with a policy given per-token draft probabilities; returns how many tokens were drafted. */
function draftCount(policy: ReturnType<typeof constantPolicy>, probs: number[]): number {
  const max = policy.begin().length;
  let drafted = 0;
  for (let i = 0; i < Math.min(max, probs.length); i++) {
    drafted++;
    if (!policy.afterDraft(i, probs[i]).continue) break;
  }
  return drafted;
}

describe('draft-length policies', () => {
  it('constant drafts γ every step', () => {
    const p = constantPolicy(4);
    expect(draftCount(p, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1])).toBe(4);
    p.update(4, 0);
    expect(p.begin().length).toBe(4);
    expect(() => constantPolicy(0)).toThrow(/positive integer/);
  });

  it('HF heuristic: +2 after full acceptance, max(1, γ−1) otherwise', () => {
    const p = heuristicPolicy(5);
    const schedule: number[] = [];
    for (const [drafted, accepted] of [[5, 5], [7, 3], [6, 0], [5, 5], [7, 0], [6, 0], [5, 0], [4, 0], [3, 0], [2, 0], [1, 0], [1, 0]]) {
      schedule.push(p.update(drafted, accepted).length);
    }
    expect(schedule).toEqual([7, 6, 5, 7, 6, 5, 4, 3, 2, 1, 1, 1]);
    expect(p.begin().length).toBe(1);
  });

  it('confidence stop triggers exactly when the selected-token prob < threshold, keeping that token', () => {
    const p = confidencePolicy(0.4, 20);
    expect(draftCount(p, [0.9, 0.41, 0.4, 0.39, 0.99])).toBe(4);
    const d = p.afterDraft(3, 0.39);
    expect(d).toMatchObject({ continue: false, length: 4 });
    expect(draftCount(p, new Array(30).fill(0.9))).toBe(20);
  });

  it('Draft&Verify adaptive threshold rises when matchness is low and falls when it is high', () => {
    const p = adaptiveConfidencePolicy(0.6, 8);
    const low = p.update(4, 0);
    expect(low.state.threshold).toBeGreaterThan(0.6);
    expect(low.state.ema).toBeCloseTo(0.5, 12);
    const q = adaptiveConfidencePolicy(0.6, 8);
    const high = q.update(4, 4);
    expect(high.state.threshold).toBeLessThan(0.6);
    expect(high.state.threshold).toBeCloseTo(0.9 * 0.6 + 0.1 * 0.59, 12);
  });

  it('Thompson sampling: Beta posterior updates and θ̂ draws from the recorded uniform', () => {
    const draws = [0.7, 0.01];
    let i = 0;
    const p = thompsonPolicy(() => draws[i++], 10, 0.5);
    // prior Beta(1,1): θ̂ = u
    const first = p.afterDraft(0, 1);
    expect(first.state.theta).toBeCloseTo(0.7, 9);
    expect(first.continue).toBe(true);
    expect(p.afterDraft(1, 1).continue).toBe(false);
    expect(p.update(3, 2).state).toMatchObject({ alpha: 3, beta: 2 });
    expect(p.update(2, 2).state).toMatchObject({ alpha: 5, beta: 2 });
  });

  it('Thompson sampling drafts longer when acceptance is high', () => {
    const run = (rate: number) => {
      const uniform = seededUniform(9);
      const p = thompsonPolicy(uniform, 10, 0.5);
      let total = 0;
      for (let step = 0; step < 300; step++) {
        const drafted = draftCount(p, new Array(10).fill(1));
        let accepted = 0;
        while (accepted < drafted && uniform('other') < rate) accepted++;
        p.update(drafted, accepted);
        if (step >= 100) total += drafted;
      }
      return total / 200;
    };
    expect(run(0.9)).toBeGreaterThan(run(0.3) + 2);
  });

  it('Beta quantiles match closed forms', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedIncompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12); // x^2
    expect(regularizedIncompleteBeta(0.3, 1, 3)).toBeCloseTo(1 - 0.7 ** 3, 12);
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 9); // sqrt(u)
    expect(betaQuantile(0.5, 5, 5)).toBeCloseTo(0.5, 9);
  });
});
