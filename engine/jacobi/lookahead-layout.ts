/**
 * Model inputs for one lookahead step (decoding-algorithms §7.3; `jforward_multilevel` and
 * `j_make_causal_mask_multilevel` in hao-ai-lab/LookaheadDecoding), in two forms:
 *
 * - single pass, for models that take a 4-D mask: one sequence [last, level 0, level 1.., level top, guesses..]
 *   with a visibility list per fed token. Every token also sees the whole cache.
 *     L0' = [last] + level 0 (positions p..p+w−1) is a causal block;
 *     level ℓ ≥ 1 column i (position p+ℓ+i) sees L0'[0..i] and column i of levels 1..ℓ — a contiguous causal
 *     context p..p+i+ℓ read along the diagonal;
 *     guess n-gram tokens (positions p+1..p+N−1) see `last` and, causally, their own n-gram only.
 * - separate passes, for standard exports with a 2-D mask: the same contexts spelled out as ordinary causal rows,
 *   run as batch rows: window columns that start with `last` at position p (right-padded; padding sits after every
 *   real token, so causal attention never lets a real token see it), then the guesses on a cache holding `last`.
 *
 * Both forms give, for every window top-level column and every guess token, the same context — the test
 * `logits(single pass) == logits(separate rows)` is the mask/position check of §1.3.
 */
import type { LookaheadWindow } from './lookahead';

export interface SinglePassLayout {
  inputIds: number[];
  positionIds: number[];
  /** Per fed index: the fed indices it may see (ascending, itself included), besides the cache. */
  visible: number[][];
  /** Fed index of the last committed token (always 0): its output is the next token. */
  lastIndex: number;
  /** Fed indices whose outputs are the top-level picks, one per top-level column. */
  topRows: number[];
  /** Per candidate, the fed indices of its guess tokens in order. */
  guessRows: number[][];
  /** Per fed index: what it is, for the trace and the mask overlay. */
  roles: FedRole[];
}

export type FedRole = { kind: 'last' } | { kind: 'window'; level: number; column: number } | { kind: 'guess'; candidate: number; index: number };

/**
 * Column indexing: L0' column i is `last` for i = 0 and level 0 token i−1 otherwise; level ℓ ≥ 1 column i is its
 * token i. While only level 0 exists (first warm-up step) the top-level picks are level 0's own outputs.
 */
export function singlePassLayout(last: number, lastPosition: number, window: LookaheadWindow, candidates: readonly (readonly number[])[]): SinglePassLayout {
  const level0 = window.levels[0]!;
  const w = level0.length + 1;
  const inputIds: number[] = [last, ...level0];
  const positionIds: number[] = Array.from({ length: w }, (_, i) => lastPosition + i);
  const visible: number[][] = Array.from({ length: w }, (_, i) => range(0, i + 1));
  const roles: FedRole[] = [{ kind: 'last' }, ...level0.map((_, i): FedRole => ({ kind: 'window', level: 0, column: i + 1 }))];
  for (let l = 1; l < window.levels.length; l++) {
    const tokens = window.levels[l]!;
    if (tokens.length !== w) throw new Error(`lookahead level ${l} has ${tokens.length} tokens, expected ${w} (level 0 has ${w - 1})`);
    tokens.forEach((t, i) => {
      inputIds.push(t);
      positionIds.push(lastPosition + l + i);
      const sees = range(0, i + 1);
      for (let r = 1; r <= l; r++) sees.push(w * r + i);
      visible.push(sees);
      roles.push({ kind: 'window', level: l, column: i });
    });
  }
  const top = window.levels.length - 1;
  const topRows = top === 0 ? range(1, w) : range(w * top, w * (top + 1));
  const guessRows: number[][] = [];
  candidates.forEach((guess, c) => {
    const base = inputIds.length;
    guessRows.push(range(base, base + guess.length));
    guess.forEach((t, j) => {
      inputIds.push(t);
      positionIds.push(lastPosition + 1 + j);
      visible.push([0, ...range(base, base + j + 1)]);
      roles.push({ kind: 'guess', candidate: c, index: j });
    });
  });
  return { inputIds, positionIds, visible, lastIndex: 0, topRows, guessRows, roles };
}

/** Dense [seq, past+seq] mask (1 attend, 0 masked) in the instrumented export's convention, for tests and the overlay. */
export function denseMask(visible: readonly (readonly number[])[], pastLength: number): Float32Array {
  const seq = visible.length;
  const total = pastLength + seq;
  const mask = new Float32Array(seq * total);
  visible.forEach((sees, i) => {
    mask.fill(1, i * total, i * total + pastLength);
    for (const j of sees) mask[i * total + pastLength + j] = 1;
  });
  return mask;
}

export interface CausalRow {
  inputIds: number[];
  positionIds: number[];
  /** Tokens before padding. */
  length: number;
}

export interface SeparatePassLayout {
  /** Window branch rows, right-padded to one length. */
  windowRows: CausalRow[];
  /** Per top-level column: [row, index] whose output is that column's pick. */
  topOutputs: [number, number][];
  /** Verification rows, one per candidate: its N−1 guess tokens at p+1.., run on the cache extended by `last`. */
  guessRows: CausalRow[];
}

/**
 * The window branch as causal rows: while only level 0 exists it is the single row [last, level 0]; afterwards
 * column i becomes the row L0'[0..i] + column i of levels 1..top. The first token of every row is `last`, so any
 * row's output 0 is the next token. The verification rows come second: they continue a cache that already holds
 * `last` (taken from the window pass), so they feed the guesses only.
 */
export function separatePassLayout(last: number, lastPosition: number, window: LookaheadWindow, candidates: readonly (readonly number[])[], padToken = last): SeparatePassLayout {
  const level0 = window.levels[0]!;
  const l0 = [last, ...level0];
  const w = l0.length;
  const top = window.levels.length - 1;
  let windowRows: CausalRow[];
  let topOutputs: [number, number][];
  if (top === 0) {
    windowRows = [{ inputIds: l0, positionIds: l0.map((_, i) => lastPosition + i), length: w }];
    topOutputs = range(1, w).map((i) => [0, i]);
  } else {
    windowRows = range(0, w).map((i) => {
      const ids = [...l0.slice(0, i + 1), ...window.levels.slice(1).map((lv) => lv[i]!)];
      return { inputIds: ids, positionIds: ids.map((_, k) => lastPosition + k), length: ids.length };
    });
    const longest = Math.max(...windowRows.map((r) => r.length));
    for (const row of windowRows) {
      while (row.inputIds.length < longest) {
        row.inputIds.push(padToken);
        row.positionIds.push(lastPosition + row.inputIds.length - 1);
      }
    }
    topOutputs = windowRows.map((r, i) => [i, r.length - 1]);
  }
  const guessRows = candidates.map((g) => ({ inputIds: [...g], positionIds: g.map((_, k) => lastPosition + 1 + k), length: g.length }));
  return { windowRows, topOutputs, guessRows };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
