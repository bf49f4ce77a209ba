/**
 * Small numeric helpers over full-vocabulary probability vectors, shared by every acceptance rule.
 *
 * One tie rule everywhere: argmax picks the lowest token id among equal maxima (decoding-algorithms §12.1),
 * so greedy speculative methods and plain greedy agree on exact ties.
 */

/** Why a uniform draw was taken; maps onto the trace's rng_draw purposes. */
export type DrawPurpose = 'accept' | 'residual' | 'sample' | 'draft' | 'other';

/**
 * The only source of randomness the speculative modules use. The engine plugs in its recorded, seeded RNG
 * (every value lands in an rng_draw record); tests plug in a seeded PRNG. Must return u in [0, 1).
 */
export type UniformSource = (purpose: DrawPurpose) => number;

/** Index of the largest entry; the lowest index wins ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  let bestValue = values[0];
  for (let i = 1; i < values.length; i++) {
    if (values[i] > bestValue) {
      best = i;
      bestValue = values[i];
    }
  }
  return best;
}

export function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/** Σ_x min(p(x), q(x)) = 1 − TV(p, q): the probability that one speculative step accepts (Leviathan's β). */
export function overlapMass(p: ArrayLike<number>, q: ArrayLike<number>): number {
  assertSameLength(p, q, 'overlapMass');
  let total = 0;
  for (let i = 0; i < p.length; i++) total += Math.min(p[i], q[i]);
  return total;
}

export interface Residual {
  /** norm(max(0, p − q)); equals p when the positive part has no mass (see `degenerate`). */
  dist: Float32Array;
  /** Σ max(0, p − q) before normalising. */
  mass: number;
  /** True when p − q had no positive mass (p ≤ q everywhere up to rounding) and p itself was used. */
  degenerate: boolean;
}

/**
 * The residual distribution norm(max(0, p − q)) drawn from after a rejection. A rejection with zero residual
 * mass can only come from rounding (p ≈ q); HF would produce NaN there, we fall back to p, which is the limit.
 */
export function residualDistribution(p: ArrayLike<number>, q: ArrayLike<number>): Residual {
  assertSameLength(p, q, 'residualDistribution');
  const dist = new Float32Array(p.length);
  let mass = 0;
  for (let i = 0; i < p.length; i++) {
    const d = p[i] - q[i];
    if (d > 0) {
      dist[i] = d;
      mass += d;
    }
  }
  if (!(mass > 1e-12)) {
    return { dist: Float32Array.from(p), mass, degenerate: true };
  }
  for (let i = 0; i < dist.length; i++) dist[i] /= mass;
  return { dist, mass, degenerate: false };
}

/** p with one token removed and renormalised: the residual of p against a point mass (deterministic draft). */
export function removeToken(p: ArrayLike<number>, token: number): Residual {
  const pointMass = new Float32Array(p.length);
  pointMass[token] = 1;
  return residualDistribution(p, pointMass);
}

export interface SampledToken {
  token: number;
  u: number;
  /** Probability mass before `token` in the sampling order: u landed in [cumBefore, cumBefore + prob). */
  cumBefore: number;
  prob: number;
  /** 0-based position of the token in the sampling order. */
  rank: number;
}

/**
 * Inverse-CDF sampling with one uniform u, in the engine's one sampling order (engine/logits/sampler.ts):
 * descending probability, ties by ascending id — so u reads on the same number line as every other choice.
 * Tokens with zero probability are never returned; rounding slack above the total goes to the last token.
 */
export function sampleFromDistribution(dist: ArrayLike<number>, u: number): SampledToken {
  if (!(u >= 0 && u < 1)) throw new Error(`sampleFromDistribution: u must be in [0, 1), got ${u}`);
  const order: number[] = [];
  let total = 0;
  for (let i = 0; i < dist.length; i++) {
    if (dist[i] > 0) {
      order.push(i);
      total += dist[i];
    }
  }
  if (!(total > 0)) throw new Error('sampleFromDistribution: distribution has no mass');
  order.sort((a, b) => dist[b] - dist[a] || a - b);
  const target = u * total;
  let cum = 0;
  for (let rank = 0; rank < order.length; rank++) {
    const token = order[rank];
    const prob = dist[token];
    if (target < cum + prob || rank === order.length - 1) return { token, u, cumBefore: cum / total, prob: prob / total, rank };
    cum += prob;
  }
  throw new Error('unreachable');
}

/**
 * The `count` largest positive entries as {id, prob}, largest first, lowest id first among ties (trace top-k
 * lists, head proposals). A small sorted buffer keeps it O(V·count) without sorting the vocabulary.
 */
export function topEntries(dist: ArrayLike<number>, count: number): { id: number; prob: number }[] {
  const ids: number[] = [];
  if (count <= 0) return [];
  for (let i = 0; i < dist.length; i++) {
    const v = dist[i];
    if (!(v > 0)) continue;
    if (ids.length === count && v <= dist[ids[count - 1]]) continue;
    let j = ids.length < count ? ids.length : count - 1;
    if (ids.length < count) ids.push(i);
    // Strictly greater moves up, so an equal value stays behind the earlier (lower) id.
    while (j > 0 && dist[ids[j - 1]] < v) {
      ids[j] = ids[j - 1];
      j--;
    }
    ids[j] = i;
  }
  return ids.map((id) => ({ id, prob: dist[id] }));
}

/** Softmax of logits (with optional temperature) as a probability vector; -Infinity entries get probability 0. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float32Array {
  const out = new Float32Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = logits[i] === -Infinity ? 0 : Math.exp((logits[i] - max) / temperature);
    out[i] = e;
    total += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/** Shannon entropy in nats. */
export function entropy(dist: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < dist.length; i++) if (dist[i] > 0) h -= dist[i] * Math.log(dist[i]);
  return h;
}

function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>, where: string): void {
  if (a.length !== b.length) throw new Error(`${where}: vocabulary sizes differ (p has ${a.length}, q has ${b.length})`);
}
