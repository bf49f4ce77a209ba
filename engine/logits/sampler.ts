/**
 * Picking a token from processed scores. Sampling order (documented, used for `cumBefore` and `rank`): tokens by
 * descending processed probability, ties by ascending id; the chosen token is the first whose cumulative
 * probability exceeds u, so u lands in [cumBefore, cumBefore + prob).
 */
import { argmax, sortedSupport } from './math';

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

export function pickArgmax(s: Float32Array, lse: number): Pick {
  const id = argmax(s);
  const v = s[id]!;
  return { tokenId: id, prob: Math.exp(v - lse), logprob: v - lse, rank: 0 };
}

export function pickByDraw(s: Float32Array, lse: number, u: number): Pick & { cumBefore: number } {
  const order = sortedSupport(s);
  if (order.length === 0) throw new Error('cannot sample: every token was removed');
  let cum = 0;
  for (let r = 0; r < order.length; r++) {
    const id = order[r]!;
    const p = Math.exp(s[id]! - lse);
    // The last token takes whatever rounding leaves above the total.
    if (u < cum + p || r === order.length - 1) return { tokenId: id, prob: p, logprob: s[id]! - lse, rank: r, cumBefore: cum };
    cum += p;
  }
  throw new Error('unreachable');
}
