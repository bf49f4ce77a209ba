/**
 * Logit processors with Hugging Face semantics (transformers generation/logits_process.py). Each works in place on
 * a Float32Array of scores, sets removed entries to -Infinity (HF's filter_value) and returns how many it removed.
 * Sorting order for ties (which HF leaves to torch.sort): descending score, then ascending id.
 */
import { kthLargest, logSumExp, sortedSupport, countFinite } from './math';
// Math.exp bit for bit, cheaper in full-vocabulary loops (see exp.ts).
import { expNonPositive } from './exp';

/** CTRL-style: every id already in the sequence (prompt included), once per id: s<0 ? s*θ : s/θ. */
export function repetitionPenalty(s: Float32Array, seen: Iterable<number>, theta: number): number {
  const done = new Set<number>();
  for (const id of seen) {
    if (done.has(id) || id < 0 || id >= s.length) continue;
    done.add(id);
    const v = s[id]!;
    s[id] = v < 0 ? v * theta : v / theta;
  }
  return 0;
}

export function temperature(s: Float32Array, t: number): number {
  if (!(t > 0)) throw new Error(`temperature must be > 0 (got ${t}); use do_sample=false for greedy`);
  for (let i = 0; i < s.length; i++) s[i] = s[i]! / t;
  return 0;
}

/** Keeps every score >= the k-th largest (ties with the k-th are kept). */
export function topK(s: Float32Array, k: number, minKeep = 1): number {
  const kk = Math.min(Math.max(k, minKeep), s.length);
  const threshold = kthLargest(s, kk);
  if (threshold === -Infinity) return 0;
  let removed = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! < threshold) {
      s[i] = -Infinity;
      removed++;
    }
  }
  return removed;
}

function removeAll(s: Float32Array, ids: number[]): number {
  let n = 0;
  for (const id of ids) {
    if (s[id] !== -Infinity) {
      s[id] = -Infinity;
      n++;
    }
  }
  return n;
}

/** Nucleus: in ascending order, drop tokens whose cumulative probability is <= 1-p; the top minKeep always stay. */
export function topP(s: Float32Array, p: number, minKeep = 1): number {
  const desc = sortedSupport(s);
  const lse = logSumExp(s);
  // Ascending cumulative sum: walk from the least likely upwards.
  const remove: number[] = [];
  let cum = 0;
  for (let r = desc.length - 1; r >= 0; r--) {
    cum += expNonPositive(s[desc[r]!]! - lse);
    if (cum <= 1 - p && r >= minKeep) remove.push(desc[r]!);
    else if (cum > 1 - p) break;
  }
  return removeAll(s, remove);
}

/** Drops tokens with probability < minP * (top probability); the top minKeep stay. */
export function minP(s: Float32Array, m: number, minKeep = 1): number {
  const desc = sortedSupport(s);
  if (desc.length === 0) return 0;
  const lse = logSumExp(s);
  const threshold = m * Math.exp(s[desc[0]!]! - lse);
  const remove: number[] = [];
  for (let r = minKeep; r < desc.length; r++) if (expNonPositive(s[desc[r]!]! - lse) < threshold) remove.push(desc[r]!);
  return removeAll(s, remove);
}

/** Locally typical sampling (Meister et al.), exactly as HF's TypicalLogitsWarper. */
export function typical(s: Float32Array, mass: number, minKeep = 1): number {
  const lse = logSumExp(s);
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === -Infinity) continue;
    const lp = s[i]! - lse;
    h -= expNonPositive(lp) * lp;
  }
  // Sort every id (removed ones have distance +inf and sort last) by |−log p − H| ascending; ties by id.
  const n = s.length;
  const dist = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    dist[i] = s[i] === -Infinity ? Infinity : Math.abs(-(s[i]! - lse) - h);
    order[i] = i;
  }
  order.sort((a, b) => dist[a]! - dist[b]! || a - b);
  let cum = 0;
  let last = 0;
  for (let r = 0; r < n; r++) {
    cum += s[order[r]!] === -Infinity ? 0 : expNonPositive(s[order[r]!]! - lse);
    if (cum < mass) last++;
  }
  last = Math.min(last, n - 1);
  const cutoff = dist[order[last]!]!;
  const remove: number[] = [];
  for (let r = minKeep; r < n; r++) if (dist[order[r]!]! > cutoff) remove.push(order[r]!);
  return removeAll(s, remove);
}

export { countFinite };
