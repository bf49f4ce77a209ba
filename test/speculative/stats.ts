/** Seeded PRNG and chi-square machinery for the distributional tests (decoding-algorithms §12.2). */
import type { UniformSource } from '../../engine/speculative/dist';
import { chiSquareSurvival } from '../../engine/analysis/stats';

/** xoshiro128** seeded through splitmix32: fast, good enough for 10^6-draw goodness-of-fit tests. */
export function seededUniform(seed: number): UniformSource & { next: () => number } {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    // 53-bit double from two 32-bit outputs would cost double; 32 bits is plenty for these tests.
    return result / 4294967296;
  };
  return Object.assign((() => next()) as UniformSource, { next });
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Chi-square goodness of fit of observed counts against expected probabilities; cells with expected < 5 merged. */
export function chiSquareTest(observed: ArrayLike<number>, probs: ArrayLike<number>): { stat: number; df: number; pValue: number } {
  let n = 0;
  for (let i = 0; i < observed.length; i++) n += observed[i];
  let stat = 0;
  let cells = 0;
  let pooledObs = 0;
  let pooledExp = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = probs[i] * n;
    if (expected === 0) {
      if (observed[i] > 0) return { stat: Infinity, df: 0, pValue: 0 };
      continue;
    }
    if (expected < 5) {
      pooledObs += observed[i];
      pooledExp += expected;
      continue;
    }
    stat += (observed[i] - expected) ** 2 / expected;
    cells++;
  }
  if (pooledExp > 0) {
    stat += (pooledObs - pooledExp) ** 2 / pooledExp;
    cells++;
  }
  const df = cells - 1;
  return { stat, df, pValue: df > 0 ? chiSquareSurvival(stat, df) : 1 };
}

export function f32(values: number[]): Float32Array {
  return Float32Array.from(values);
}

/** Normalised Float32Array from arbitrary non-negative weights. */
export function normalized(weights: number[]): Float32Array {
  const total = weights.reduce((a, b) => a + b, 0);
  return Float32Array.from(weights.map((w) => w / total));
}
