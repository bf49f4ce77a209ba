/**
 * Picking a token from processed scores. Sampling order (documented, used for `cumBefore` and `rank`): tokens by
 * descending processed probability, ties by ascending id; the chosen token is the first whose cumulative
 * probability exceeds u, so u lands in [cumBefore, cumBefore + prob).
 */
import { argmax, countFinite, sortedSupport, topKIds } from './math';

export interface Pick {
  tokenId: number;
  prob: number;
  /** log-probability under the processed distribution; null if the token was removed. */
  logprob: number | null;
  rank: number;
  cumBefore?: number;
}

export function rankOf(s: Float32Array, id: number): number {
  const v = s[id]!;
  let r = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! > v || (s[i]! === v && i < id)) r++;
  return r;
}

export function describePick(s: Float32Array, lse: number, id: number): Pick {
  const v = s[id]!;
  return v === -Infinity ? { tokenId: id, prob: 0, logprob: null, rank: rankOf(s, id) } : { tokenId: id, prob: Math.exp(v - lse), logprob: v - lse, rank: rankOf(s, id) };
}

/**
 * `best`: the argmax when the caller already knows it (the first id of a recorded top-k list, same tie-break);
 * trusted only when lse is finite, i.e. no NaN or +Infinity score could have upset that list's order.
 */
export function pickArgmax(s: Float32Array, lse: number, best?: number): Pick {
  const id = best !== undefined && Number.isFinite(lse) ? best : argmax(s);
  const v = s[id]!;
  return { tokenId: id, prob: Math.exp(v - lse), logprob: v - lse, rank: 0 };
}

/** The draw walks this many of the most likely tokens before it sorts the whole support (rarely needed). */
const DRAW_HEAD = 64;

export function pickByDraw(s: Float32Array, lse: number, u: number): Pick & { cumBefore: number } {
  // The head of the canonical order is cheap to select; the whole support is sorted only when u falls past it.
  // With a non-finite lse (NaN or +Infinity scores) the comparisons are no total order: sort at once, as before.
  let order: number[];
  let support: number;
  if (Number.isFinite(lse)) {
    order = topKIds(s, DRAW_HEAD);
    support = order.length < DRAW_HEAD ? order.length : -1; // -1: more may follow
  } else {
    order = sortedSupport(s);
    support = order.length;
  }
  if (order.length === 0) throw new Error('cannot sample: every token was removed');
  let cum = 0;
  for (let r = 0; ; r++) {
    if (support < 0 && r === order.length - 1) {
      support = countFinite(s);
      if (support > order.length) order = sortedSupport(s); // same order, its head is the list walked so far
    }
    const id = order[r]!;
    const p = Math.exp(s[id]! - lse);
    // The last token takes whatever rounding leaves above the total.
    if (u < cum + p || r === support - 1) return { tokenId: id, prob: p, logprob: s[id]! - lse, rank: r, cumBefore: cum };
    cum += p;
  }
}

/** One draw of a sample without replacement: which entry, and where u landed among the entries still in play. */
export interface DrawnEntry {
  /** Index into the probability vector. */
  index: number;
  u: number;
  /** The entry's probability under the full distribution (before any draw). */
  prob: number;
  /** Total probability of the entries not yet drawn when this draw was made: u·massLeft picked the entry. */
  massLeft: number;
  /** Probability of the undrawn entries before this one in `order`: u·massLeft lies in [cumBefore, cumBefore + prob). */
  cumBefore: number;
}

/**
 * Draws up to `count` distinct entries, each with probability proportional to its share of the mass still
 * undrawn (successive sampling without replacement, the law of torch.multinomial(replacement=False)). One
 * uniform per draw, walked along `order` (the caller's canonical order over positive-probability entries).
 * Stops early when every entry of positive probability has been drawn.
 */
export function drawWithoutReplacement(probs: ArrayLike<number>, order: readonly number[], count: number, next: () => number): DrawnEntry[] {
  const live = order.filter((i) => probs[i]! > 0);
  const taken = new Uint8Array(live.length);
  const out: DrawnEntry[] = [];
  for (let k = 0; k < count && k < live.length; k++) {
    // Summed afresh each draw (not 1 − drawn mass): no cancellation when the drawn entries held almost everything.
    let massLeft = 0;
    for (let r = 0; r < live.length; r++) if (!taken[r]) massLeft += probs[live[r]!]!;
    const u = next();
    const target = u * massLeft;
    let cum = 0;
    let lastFree = -1;
    let chosen = -1;
    for (let r = 0; r < live.length; r++) {
      if (taken[r]) continue;
      const p = probs[live[r]!]!;
      if (target < cum + p) {
        chosen = r;
        break;
      }
      cum += p;
      lastFree = r;
    }
    // Rounding can leave the target at or above the summed mass: the last undrawn entry takes it.
    if (chosen < 0) {
      chosen = lastFree;
      cum -= probs[live[chosen]!]!;
    }
    taken[chosen] = 1;
    out.push({ index: live[chosen]!, u, prob: probs[live[chosen]!]!, massLeft, cumBefore: cum });
  }
  return out;
}
