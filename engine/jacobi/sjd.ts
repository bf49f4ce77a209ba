/**
 * Speculative Jacobi decoding (SJD; Teng et al., ICLR'25), decoding-algorithms §7.4: Jacobi iteration made
 * sampling-compatible. A window of L draft tokens follows the last committed token; every draft remembers the
 * distribution q it was drawn from. One forward on [last, d_0..d_{L−1}] gives the processed target p_i for every
 * draft (p_i conditions on d_<i) and p_L after the last one; then, left to right, speculative sampling:
 *   accept d_i with probability min(1, p_i(d_i) / q_i(d_i)); at the first rejection draw from norm(max(0, p_i − q_i))
 *   and stop; if all L pass, draw a bonus token from p_L.
 * The kernel is engine/speculative/acceptance.ts (the same rule as draft-model speculative sampling), so SJD is
 * lossless exactly when that is. Drafts that were never computed by the model (fresh refill tokens) carry a point
 * mass q = δ_x: they are accepted with probability p(x) and the residual is p without x, which still yields p.
 *
 * After a step the unaccepted positions behind the committed token get new drafts sampled from the (stale) outputs
 * of this forward — the Jacobi update — and the window is refilled to L with fresh tokens.
 *
 * Options: 'greedy' (argmax; reduces to Jacobi with KV reuse on a sliding window, equal to greedy decoding) and
 * 'lantern' — a LANTERN-style relaxed acceptance (Jang et al. 2025) that credits a draft with probability mass of
 * tokens close to it. It is LOSSY: the output no longer follows p. Our exact rule: with neighbours(x) in order of
 * proximity, move onto x the mass of as many leading neighbours as fit in a total-variation budget δ, giving
 * p̃(x) = p(x) + moved mass, and accept iff u ≤ p̃(x) / q(x). Rejections draw from norm(max(0, p − q)) as usual.
 */
import {
  greedyMatchAccept,
  speculativeSamplingAccept,
  type ChainAcceptance,
  type DraftedToken,
  type FinalToken,
} from '../speculative/acceptance';
import { argmax, residualDistribution, sampleFromDistribution, type UniformSource } from '../speculative/dist';

export type SjdMode = 'exact' | 'greedy' | 'lantern';

export interface SjdDraft {
  token: number;
  /** The distribution the draft was drawn from; 'point' for tokens no model proposed (init and refill). */
  q: Float32Array | 'point';
}

export interface LanternOptions {
  /** Total-variation budget δ per decision (0 = exact speculative sampling). */
  delta: number;
  /** Tokens close to `token`, closest first (without `token` itself). */
  neighbours: (token: number) => readonly number[];
}

export interface RelaxedDecision {
  index: number;
  token: number;
  p: number;
  /** p̃(x) = p(x) + mass moved from neighbours. */
  relaxedP: number;
  /** Neighbours whose mass was credited. */
  credited: number[];
  q: number;
  ratio: number;
  u: number;
  accepted: boolean;
}

export interface SjdVerification {
  mode: SjdMode;
  /** Leading drafts accepted. */
  acceptedCount: number;
  /** Accepted drafts followed by the resampled or bonus token. */
  committed: number[];
  final: FinalToken;
  /** The shared kernel's result (exact and greedy modes). */
  chain?: ChainAcceptance;
  /** Per-decision details of the relaxed rule (lantern mode). */
  relaxed?: RelaxedDecision[];
}

/** One-hot q for a point-mass draft, as the shared kernel wants full vectors. */
function draftDistribution(draft: SjdDraft, vocab: number): Float32Array {
  if (draft.q !== 'point') return draft.q;
  const q = new Float32Array(vocab);
  q[draft.token] = 1;
  return q;
}

/** Verifies the window. `targets` has L+1 processed target distributions (targets[i] predicts drafts[i]). */
export function sjdVerify(drafts: readonly SjdDraft[], targets: readonly Float32Array[], uniform: UniformSource, mode: SjdMode, lantern?: LanternOptions): SjdVerification {
  if (targets.length !== drafts.length + 1) throw new Error(`SJD needs L+1 target distributions for L=${drafts.length} drafts, got ${targets.length}`);
  if (mode === 'greedy') {
    const chain = greedyMatchAccept(
      drafts.map((d) => d.token),
      targets,
    );
    return { mode, acceptedCount: chain.acceptedCount, committed: chain.committed, final: chain.final, chain };
  }
  const vocab = targets[0]!.length;
  const withQ: DraftedToken[] = drafts.map((d) => ({ token: d.token, q: draftDistribution(d, vocab) }));
  if (mode === 'exact') {
    const chain = speculativeSamplingAccept(withQ, targets, uniform);
    return { mode, acceptedCount: chain.acceptedCount, committed: chain.committed, final: chain.final, chain };
  }
  if (!lantern) throw new Error("SJD mode 'lantern' needs LanternOptions (delta, neighbours)");
  if (!(lantern.delta >= 0 && lantern.delta <= 1)) throw new Error(`LANTERN delta must be in [0, 1], got ${lantern.delta}`);
  return lanternVerify(withQ, targets, uniform, lantern);
}

function lanternVerify(drafts: readonly DraftedToken[], targets: readonly Float32Array[], uniform: UniformSource, options: LanternOptions): SjdVerification {
  const relaxed: RelaxedDecision[] = [];
  for (let i = 0; i < drafts.length; i++) {
    const { token, q: qDist } = drafts[i]!;
    const p = targets[i]!;
    let moved = 0;
    const credited: number[] = [];
    for (const n of options.neighbours(token)) {
      if (n === token) continue;
      const mass = p[n]!;
      if (moved + mass > options.delta) break;
      moved += mass;
      credited.push(n);
    }
    const relaxedP = p[token]! + moved;
    const q = qDist[token]!;
    const ratio = q > 0 ? relaxedP / q : relaxedP > 0 ? Infinity : 0;
    const u = uniform('accept');
    const accepted = relaxedP > 0 && u <= ratio;
    relaxed.push({ index: i, token, p: p[token]!, relaxedP, credited, q, ratio, u, accepted });
    if (!accepted) {
      const residual = residualDistribution(p, qDist);
      const draw = sampleFromDistribution(residual.dist, uniform('residual'));
      const final: FinalToken = { token: draw.token, source: 'resampled', position: i, rule: 'residual', draw, residual };
      return { mode: 'lantern', acceptedCount: i, committed: [...drafts.slice(0, i).map((d) => d.token), draw.token], final, relaxed };
    }
  }
  const k = drafts.length;
  const draw = sampleFromDistribution(targets[k]!, uniform('sample'));
  const final: FinalToken = { token: draw.token, source: 'bonus', position: k, rule: 'sample', draw };
  return { mode: 'lantern', acceptedCount: k, committed: [...drafts.map((d) => d.token), draw.token], final, relaxed };
}

/**
 * The Jacobi update after a verification: drafts for the positions behind the committed token, drawn from this
 * forward's outputs at those positions (argmax in greedy mode), each remembering its distribution. Positions
 * i = acceptedCount+1 .. L−1 of the old window carry over; the caller refills the rest.
 */
export function carryOverDrafts(verification: SjdVerification, targets: readonly Float32Array[], uniform: UniformSource): SjdDraft[] {
  const drafts: SjdDraft[] = [];
  const L = targets.length - 1;
  for (let i = verification.acceptedCount + 1; i < L; i++) {
    const dist = targets[i]!;
    if (verification.mode === 'greedy') drafts.push({ token: argmax(dist), q: 'point' });
    else drafts.push({ token: sampleFromDistribution(dist, uniform('draft')).token, q: dist });
  }
  return drafts;
}
