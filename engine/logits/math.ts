/** Numerics over a full-vocabulary score vector (Float32Array; removed entries are -Infinity). */
import { expNonPositive } from './exp'; // Math.exp bit for bit, cheaper in whole-vocabulary loops

export function maxOf(s: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < s.length; i++) if (s[i]! > m) m = s[i]!;
  return m;
}

export function logSumExp(s: Float32Array): number {
  const m = maxOf(s);
  if (m === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v !== -Infinity) sum += expNonPositive(v - m);
  }
  return m + Math.log(sum);
}

/** Shannon entropy (nats) of softmax(s), given its log-sum-exp. */
export function entropy(s: Float32Array, lse: number): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v === -Infinity) continue;
    const lp = v - lse;
    h -= expNonPositive(lp) * lp;
  }
  return Math.max(0, h);
}

export function countFinite(s: Float32Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! !== -Infinity) n++;
  return n;
}

/** Index of the largest score; ties go to the lowest id (one tie-break everywhere). */
export function argmax(s: Float32Array): number {
  let best = 0;
  let bv = -Infinity;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! > bv) {
      bv = s[i]!;
      best = i;
    }
  }
  return best;
}

/** Descending by score, ties by ascending id: the one order used for top-k lists, sampling and ranks. */
export function before(s: Float32Array, a: number, b: number): boolean {
  return s[a]! > s[b]! || (s[a]! === s[b]! && a < b);
}

/** Scratch for topKIds (k <= 64): ids and their scores, best first. Reused across calls; results are copied out. */
const TOP_IDS = new Int32Array(64);
const TOP_VALS = new Float64Array(64);

/**
 * The k best ids (finite scores only) in descending order without sorting the vocabulary: a small sorted buffer
 * with insertion, O(V) for the small k used in records, falling back to a sort of the survivors for large k.
 * Most entries fail the single comparison against the current k-th best, so the scan stays cheap.
 */
export function topKIds(s: Float32Array, k: number): number[] {
  if (k <= 0) return [];
  if (k > 64) {
    const ids: number[] = [];
    for (let i = 0; i < s.length; i++) if (s[i]! !== -Infinity) ids.push(i);
    ids.sort((a, b) => (s[b]! - s[a]!) || a - b);
    return ids.slice(0, k);
  }
  const ids = TOP_IDS;
  const vals = TOP_VALS;
  let n = 0;
  // The score an entry must beat once the buffer is full: the k-th best so far (equal scores: the earlier, lower
  // id stays). Before that it is -Infinity, so the first comparison alone rejects most entries either way.
  let worst = -Infinity;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v <= worst || v === -Infinity) continue;
    let pos = n;
    while (pos > 0 && v > vals[pos - 1]!) pos--;
    if (pos === k) continue; // only reachable with NaN scores: it would be dropped at once
    for (let j = n < k ? n : k - 1; j > pos; j--) {
      ids[j] = ids[j - 1]!;
      vals[j] = vals[j - 1]!;
    }
    ids[pos] = i;
    vals[pos] = v;
    if (n < k) n++;
    if (n === k) worst = vals[k - 1]!;
  }
  const out = new Array<number>(n);
  for (let j = 0; j < n; j++) out[j] = ids[j]!;
  return out;
}

/** The k-th largest score (1-based), counting ties; -Infinity when fewer than k finite scores. */
export function kthLargest(s: Float32Array, k: number): number {
  if (k <= 64) {
    const ids = topKIds(s, k);
    return ids.length < k ? -Infinity : s[ids[k - 1]!]!;
  }
  const finite: number[] = [];
  for (let i = 0; i < s.length; i++) if (s[i]! !== -Infinity) finite.push(s[i]!);
  if (finite.length < k) return -Infinity;
  const arr = Float32Array.from(finite).sort();
  return arr[arr.length - k]!;
}

/** Finite ids in the canonical order (descending score, ascending id). */
export function sortedSupport(s: Float32Array): number[] {
  const ids: number[] = [];
  for (let i = 0; i < s.length; i++) if (s[i]! !== -Infinity) ids.push(i);
  ids.sort((a, b) => (s[b]! - s[a]!) || a - b);
  return ids;
}

export function logSoftmax(s: Float32Array): Float32Array {
  const lse = logSumExp(s);
  const out = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i]! - lse;
  return out;
}

export interface ScoreStats {
  logsumexp: number;
  entropy: number;
  /** Entries that are not -Infinity. */
  support: number;
}

/**
 * Log-sum-exp, entropy and support in one exp per entry: with m = max and Z = Σ e^(s−m),
 * lse = m + ln Z and H = ln Z − Σ e^(s−m)(s−m) / Z. The hot path of every recorded distribution.
 */
export function scoreStats(s: Float32Array, max = maxOf(s)): ScoreStats {
  if (max === -Infinity) return { logsumexp: -Infinity, entropy: 0, support: 0 };
  let z = 0;
  let w = 0;
  let support = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v === -Infinity) continue;
    support++;
    const d = v - max;
    const e = expNonPositive(d); // == Math.exp(d) (d <= 0), without the call into C++
    z += e;
    w += e * d;
  }
  const lnZ = Math.log(z);
  return { logsumexp: max + lnZ, entropy: Math.max(0, lnZ - w / z), support };
}
