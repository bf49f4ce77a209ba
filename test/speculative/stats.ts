/** Seeded PRNG and chi-square machinery for the distributional tests (decoding-algorithms §12.2). */
import type { UniformSource } from '../../engine/speculative/dist';

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
  return { stat, df, pValue: df > 0 ? upperRegularizedGamma(df / 2, stat / 2) : 1 };
}

/** Q(a, x) = Γ(a, x)/Γ(a): series for x < a+1, continued fraction otherwise. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnGammaA = logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let total = term;
    for (let k = 1; k < 1000; k++) {
      term *= x / (a + k);
      total += term;
      if (term < total * 1e-15) break;
    }
    return 1 - total * Math.exp(-x + a * Math.log(x) - lnGammaA);
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const zz = z - 1;
  let x = coef[0];
  for (let i = 1; i < 9; i++) x += coef[i] / (zz + i);
  const t = zz + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(x);
}

export function f32(values: number[]): Float32Array {
  return Float32Array.from(values);
}

/** Normalised Float32Array from arbitrary non-negative weights. */
export function normalized(weights: number[]): Float32Array {
  const total = weights.reduce((a, b) => a + b, 0);
  return Float32Array.from(weights.map((w) => w / total));
}
