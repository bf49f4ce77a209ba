/**
 * The lossless check's statistics against reference values (computed with scipy.stats: chi2.sf and
 * chi2_contingency(correction=False)) and against closed forms (χ²(2) survival is exp(−x/2)).
 */
import { describe, expect, it } from 'vitest';
import { chiSquareHomogeneity, chiSquareSurvival, holmAdjust, logGamma, totalVariation, upperGammaQ } from '../../engine/analysis/stats';

const counts = (o: Record<string, number>) => new Map(Object.entries(o));

describe('logGamma', () => {
  it('matches factorials and Γ(½) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(2)).toBeCloseTo(0, 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 10);
  });
  it('refuses x ≤ 0', () => {
    expect(() => logGamma(0)).toThrow(/x > 0/);
  });
});

describe('chiSquareSurvival', () => {
  it.each([
    [3.841458820694124, 1, 0.05],
    [6.6348966010212145, 1, 0.01],
    [43.77297182574219, 30, 0.05],
    [23.209251158954356, 10, 0.01],
    [0.5, 7, 0.9994464813904249],
    [1e-3, 1, 0.9747728793699604],
    [55.5, 40, 0.05244217949039149],
    [3.0, 3, 0.3916251762710877],
  ])('P(χ² ≥ %f | df %i) = %f', (x, df, p) => {
    expect(chiSquareSurvival(x, df)).toBeCloseTo(p, 10);
  });
  it('has the closed form exp(−x/2) at df 2', () => {
    for (const x of [0.1, 1, 5, 20, 60]) expect(chiSquareSurvival(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 10);
  });
  it('stays accurate far in the tail and at the edges', () => {
    expect(chiSquareSurvival(200, 10) / 1.6139305336977317e-37).toBeCloseTo(1, 6);
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(upperGammaQ(3, Infinity)).toBe(0);
  });
});

describe('chiSquareHomogeneity', () => {
  it('matches scipy chi2_contingency when every bin is large enough', () => {
    const t = chiSquareHomogeneity(counts({ x: 40, y: 30, z: 30 }), counts({ x: 20, y: 30, z: 50 }));
    expect(t.df).toBe(2);
    expect(t.statistic).toBeCloseTo(11.666666666666668, 10);
    expect(t.pValue).toBeCloseTo(0.0029282996948181853, 12);
  });
  it('pools rare categories into "other", and merges a still-too-small "other" into the smallest bin', () => {
    // z (3) and w (6) fall below 5 expected per sample; together (9 → 4.5 expected) still do, so they join x.
    const t = chiSquareHomogeneity(counts({ x: 12, y: 7, z: 1 }), counts({ x: 3, y: 9, z: 2, w: 6 }));
    expect(t.bins).toEqual([
      { keys: ['w', 'x', 'z'], a: 13, b: 11 },
      { keys: ['y'], a: 7, b: 9 },
    ]);
    expect(t.df).toBe(1);
    expect(t.statistic).toBeCloseTo(0.41666666666666663, 10);
    expect(t.pValue).toBeCloseTo(0.5186050164287255, 10);
  });
  it('keeps an "other" bin that is large enough on its own', () => {
    const t = chiSquareHomogeneity(counts({ a: 50, r1: 3, r2: 3, r3: 4, b: 40 }), counts({ a: 50, r4: 4, r5: 3, r6: 3, b: 40 }));
    expect(t.bins.map((b) => b.keys.length)).toEqual([1, 1, 6]);
    expect(t.df).toBe(2);
  });
  it('says nothing can be told apart when one token takes all the mass in both samples', () => {
    const t = chiSquareHomogeneity(counts({ only: 100 }), counts({ only: 80 }));
    expect(t).toMatchObject({ statistic: 0, df: 0, pValue: 1 });
  });
  it('tells disjoint samples apart', () => {
    const t = chiSquareHomogeneity(counts({ a: 30 }), counts({ b: 30 }));
    expect(t.df).toBe(1);
    expect(t.statistic).toBeCloseTo(60, 10);
    expect(t.pValue).toBeLessThan(1e-13);
  });
});

describe('totalVariation', () => {
  it('is half the L1 distance between the empirical distributions', () => {
    expect(totalVariation(counts({ a: 50, b: 50 }), counts({ a: 25, b: 75 }))).toBeCloseTo(0.25, 12);
    expect(totalVariation(counts({ a: 10 }), counts({ b: 3 }))).toBe(1);
    expect(totalVariation(counts({ a: 1, b: 3 }), counts({ a: 2, b: 6 }))).toBe(0);
  });
});

describe('holmAdjust', () => {
  it('multiplies the k-th smallest p by (m − k + 1), keeps the order monotone and caps at 1', () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.2]);
    expect(adjusted[0]).toBeCloseTo(0.04, 12);
    expect(adjusted[2]).toBeCloseTo(0.09, 12);
    expect(adjusted[1]).toBeCloseTo(0.09, 12); // 2·0.04 = 0.08, raised to the previous 0.09
    expect(adjusted[3]).toBeCloseTo(0.2, 12);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
});
