/**
 * Two runs side by side, aligned by output position (0 = first generated token): which positions agree, where
 * they first part, and what each run's distribution looked like at that point. Pure functions over TraceIndex.
 */
import type { DistributionRecord, TokenSource } from '../../../engine/trace/schema';
import type { TraceIndex } from '../trace/trace-index';

export interface AlignedToken {
  id: number;
  source: TokenSource;
  /** Probability the run's processed distribution gave this token (null when not recorded). */
  prob: number | null;
}

export interface AlignedRow {
  outputIndex: number;
  a: AlignedToken | null;
  b: AlignedToken | null;
  same: boolean;
}

export interface Alignment {
  rows: AlignedRow[];
  /** First output index where the runs differ (another token, or one run has ended); null when identical. */
  divergence: number | null;
  /** Positions after the divergence where the two runs happen to hold the same token again. */
  agreeAfter: number;
  samePrompt: boolean;
  aLength: number;
  bLength: number;
}

function tokenAt(trace: TraceIndex, i: number): AlignedToken | null {
  const t = trace.output[i];
  return t ? { id: t.id, source: t.source, prob: trace.probOf(t) } : null;
}

function samePrompt(a: TraceIndex, b: TraceIndex): boolean {
  const pa = a.header?.prompt.tokenIds ?? [];
  const pb = b.header?.prompt.tokenIds ?? [];
  return pa.length === pb.length && pa.every((id, i) => id === pb[i]);
}

export function alignRuns(a: TraceIndex, b: TraceIndex): Alignment {
  const n = Math.max(a.output.length, b.output.length);
  const rows: AlignedRow[] = [];
  let divergence: number | null = null;
  let agreeAfter = 0;
  for (let i = 0; i < n; i++) {
    const ta = tokenAt(a, i);
    const tb = tokenAt(b, i);
    const same = ta !== null && tb !== null && ta.id === tb.id;
    if (!same && divergence === null) divergence = i;
    else if (same && divergence !== null) agreeAfter++;
    rows.push({ outputIndex: i, a: ta, b: tb, same });
  }
  return { rows, divergence, agreeAfter, samePrompt: samePrompt(a, b), aLength: a.output.length, bLength: b.output.length };
}

/** The distribution that decided output i (the one its committed token points at). */
export function distributionAt(trace: TraceIndex, outputIndex: number): DistributionRecord | undefined {
  const t = trace.output[outputIndex];
  if (!t) return undefined;
  return t.distId ? trace.dists.get(t.distId) : trace.mainDistribution(t.stepIdx);
}

export interface Bar {
  id: number;
  prob: number;
  /** This run's token at the position. */
  chosen: boolean;
  /** The other run's token at the position. */
  other: boolean;
}

/** Processed probability of a token under a distribution, when it is in the recorded top-k. */
export function probIn(dist: DistributionRecord | undefined, id: number): number | null {
  const e = dist?.processed.topk.find((t) => t.id === id);
  return e && e.logprob !== null ? Math.exp(e.logprob) : null;
}

/** The top `k` processed candidates; the run's own token and the other run's are always included (last rows). */
export function topBars(dist: DistributionRecord, chosenId: number | null, otherId: number | null, k = 8): Bar[] {
  const all = dist.processed.topk
    .filter((t) => t.logprob !== null)
    .map((t) => ({ id: t.id, prob: Math.exp(t.logprob!), chosen: t.id === chosenId, other: t.id === otherId && otherId !== chosenId }));
  const bars = all.slice(0, k);
  for (const must of [chosenId, otherId]) {
    if (must === null || bars.some((b) => b.id === must)) continue;
    const hit = all.find((b) => b.id === must);
    if (hit) bars.push(hit);
  }
  return bars;
}

export interface DivergenceSide {
  token: AlignedToken | null;
  dist: DistributionRecord | undefined;
  bars: Bar[];
  /** Probability this run's distribution gave the other run's token. */
  otherProb: number | null;
  /** Why the run has no token here (it ended earlier), when it has none. */
  ended: string | null;
}

function side(trace: TraceIndex, own: AlignedToken | null, other: AlignedToken | null, i: number, k: number): DivergenceSide {
  const dist = own ? distributionAt(trace, i) : undefined;
  const ended = own ? null : trace.footer ? `ended after ${trace.output.length} tokens (${trace.footer.summary.finishReason})` : `has only ${trace.output.length} tokens so far`;
  return {
    token: own,
    dist,
    bars: dist ? topBars(dist, own?.id ?? null, other?.id ?? null, k) : [],
    otherProb: other ? probIn(dist, other.id) : null,
    ended,
  };
}

/** Both sides of output position i: each run's token, probability and distribution. */
export function divergenceDetail(a: TraceIndex, b: TraceIndex, i: number, k = 8): { a: DivergenceSide; b: DivergenceSide } {
  const ta = tokenAt(a, i);
  const tb = tokenAt(b, i);
  return { a: side(a, ta, tb, i, k), b: side(b, tb, ta, i, k) };
}

/**
 * Which output positions fit in a strip `width` wide: starting a few columns before `focus` so the divergence
 * sits near the left with its context visible. Columns are laid out with the widths given.
 */
export function columnWindow(widths: readonly number[], focus: number, width: number, before = 4): { start: number; end: number } {
  const n = widths.length;
  if (n === 0) return { start: 0, end: 0 };
  let start = Math.max(0, Math.min(focus - before, n - 1));
  let end = start;
  let used = 0;
  while (end < n && used + widths[end]! <= width) used += widths[end++]!;
  // At the end of the output with room to spare: show earlier context rather than empty space.
  while (end === n && start > 0 && used + widths[start - 1]! <= width) used += widths[--start]!;
  return { start, end: Math.max(end, start + 1) };
}
