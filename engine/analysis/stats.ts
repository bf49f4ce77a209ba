/**
 * The few statistics the lossless check needs, written out so the engine carries no stats dependency:
 * log-gamma, the regularised upper incomplete gamma function, the chi-square survival function, a two-sample
 * chi-square homogeneity test on categorical counts (rare categories pooled), total-variation distance and
 * Holm's step-down adjustment.
 */
import { Sfc32 } from '../logits/rng';

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  // Reflection keeps the series in its accurate range for small x.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-15;
const MAX_ITER = 10_000;

/** P(a, x) by its power series; converges quickly when x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly when x ≥ a + 1. */
function upperGammaFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0. */
export function upperGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`upperGammaQ needs a > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`upperGammaQ needs x >= 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** P(X ≥ x) for X ~ χ²(df). */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square needs df > 0, got ${df}`);
  if (x <= 0) return 1;
  return Math.min(1, Math.max(0, upperGammaQ(df / 2, x / 2)));
}

export interface HomogeneityBin {
  /** The category keys in this bin (one, or several pooled rare ones). */
  keys: string[];
  a: number;
  b: number;
}

export interface HomogeneityTest {
  statistic: number;
  df: number;
  pValue: number;
  /** Bins after pooling, in the order tested (the pooled "other" bin last, when there is one). */
  bins: HomogeneityBin[];
}

/** Smallest expected count a bin may have; rarer categories are pooled (the usual chi-square rule of thumb). */
export const MIN_EXPECTED = 5;

/**
 * Two-sample chi-square test of homogeneity: do samples `a` and `b` (category → count) come from the same
 * categorical distribution? Categories whose expected count would fall below MIN_EXPECTED in either sample are
 * pooled into one "other" bin; if that bin is still too small it is merged into the smallest kept bin. With
 * fewer than two bins left there is nothing to tell apart: statistic 0, df 0, p = 1.
 */
export function chiSquareHomogeneity(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): HomogeneityTest {
  const totalA = sum(a.values());
  const totalB = sum(b.values());
  const total = totalA + totalB;
  if (totalA === 0 || totalB === 0) return { statistic: 0, df: 0, pValue: 1, bins: [] };
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const smallerShare = Math.min(totalA, totalB) / total;
  const kept: HomogeneityBin[] = [];
  const other: HomogeneityBin = { keys: [], a: 0, b: 0 };
  for (const key of keys) {
    const bin = { keys: [key], a: a.get(key) ?? 0, b: b.get(key) ?? 0 };
    if ((bin.a + bin.b) * smallerShare >= MIN_EXPECTED) kept.push(bin);
    else {
      other.keys.push(key);
      other.a += bin.a;
      other.b += bin.b;
    }
  }
  const bins = [...kept];
  if (other.keys.length > 0) {
    if ((other.a + other.b) * smallerShare >= MIN_EXPECTED || bins.length === 0) bins.push(other);
    else {
      let smallest = 0;
      for (let i = 1; i < bins.length; i++) if (bins[i]!.a + bins[i]!.b < bins[smallest]!.a + bins[smallest]!.b) smallest = i;
      const s = bins[smallest]!;
      bins[smallest] = { keys: [...s.keys, ...other.keys].sort(), a: s.a + other.a, b: s.b + other.b };
    }
  }
  if (bins.length < 2) return { statistic: 0, df: 0, pValue: 1, bins };
  let statistic = 0;
  for (const bin of bins) {
    const n = bin.a + bin.b;
    const expectA = (n * totalA) / total;
    const expectB = (n * totalB) / total;
    statistic += (bin.a - expectA) ** 2 / expectA + (bin.b - expectB) ** 2 / expectB;
  }
  const df = bins.length - 1;
  return { statistic, df, pValue: chiSquareSurvival(statistic, df), bins };
}

/** Total-variation distance between the empirical distributions of two count maps: ½ Σ |p_a − p_b|. */
export function totalVariation(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const totalA = sum(a.values());
  const totalB = sum(b.values());
  if (totalA === 0 || totalB === 0) return totalA === totalB ? 0 : 1;
  let tv = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) tv += Math.abs((a.get(key) ?? 0) / totalA - (b.get(key) ?? 0) / totalB);
  return tv / 2;
}

/**
 * The total-variation distance two samples of these sizes show by chance alone: the mean TV over `rounds` random
 * re-splits of the pooled samples (a permutation estimate, seeded, so deterministic). With many distinct outcomes
 * and few samples the empirical TV is large even between identical distributions; this is its yardstick.
 */
export function totalVariationNoise(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, rounds = 20, seed = 1): number {
  const pooled: string[] = [];
  for (const m of [a, b]) for (const [key, n] of m) for (let i = 0; i < n; i++) pooled.push(key);
  const sizeA = sum(a.values());
  if (sizeA === 0 || sizeA === pooled.length) return 0;
  const rng = new Sfc32(seed);
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    // Fisher–Yates over the first sizeA slots is enough to draw a random split.
    for (let i = 0; i < sizeA; i++) {
      const j = i + Math.floor(rng.uniform() * (pooled.length - i));
      [pooled[i], pooled[j]] = [pooled[j]!, pooled[i]!];
    }
    total += totalVariation(countsOf(pooled.slice(0, sizeA)), countsOf(pooled.slice(sizeA)));
  }
  return total / rounds;
}

function countsOf(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/**
 * Holm's step-down adjustment: adjusted p-values (same order as given) that control the family-wise error
 * rate for any dependence between the tests. Reject test i at level α when adjusted[i] ≤ α.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
