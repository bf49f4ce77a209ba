/**
 * The decoding loop behind the `sjd` strategy (speculative Jacobi decoding, decoding-algorithms §7.4) on the real
 * model. Prefill commits the first token (sampled or argmax). Each step feeds [last, d_0..d_{L−1}] with an ordinary
 * causal mask, processes every row's logits (the recorded target distributions p_0..p_L), verifies the drafts left
 * to right with the shared speculative-sampling kernel (sjd.ts), keeps the KV of `last` and the accepted drafts,
 * and builds the next window: drafts carried over from this pass's outputs, then fresh point-mass tokens.
 *
 * The grid: one jacobi_iter row per step in a single run-wide block (blockStart 0, offset = output index of d_0),
 * so rows line up by output position and the accepted staircase reads left to right.
 */
import type { RunContext } from '../strategies/context';
import { DecoderState, distribution, logitsAt, prefillFirstToken, type Distribution } from '../strategies/blocks';
import { topEntries, type UniformSource } from '../speculative/dist';
import type { VerifyRecord } from '../trace/schema';
import { initialGuesses, type JacobiInitPolicy } from './jacobi';
import { JACOBI_INIT_POLICIES } from './jacobi-run';
import { carryOverDrafts, sjdVerify, type LanternOptions, type SjdDraft, type SjdMode, type SjdVerification } from './sjd';
import { commitRun, emitJacobiIter, methodChoice, methodInt, methodNumber, type CommitToken } from './run-support';

export interface SjdSettings {
  window: number;
  lanternDelta: number;
  init: JacobiInitPolicy;
}

export function sjdSettings(ctx: Pick<RunContext, 'params'>): SjdSettings {
  return {
    window: methodInt(ctx.params, 'window', 8, 1, 64),
    lanternDelta: methodNumber(ctx.params, 'lantern_delta', 0.1, 0, 1),
    init: methodChoice(ctx.params, 'init', JACOBI_INIT_POLICIES, 'random-context'),
  };
}

/** `relaxed`: the LANTERN-style strategy (sjd_lantern), which is lossy and only meaningful when sampling. */
export function sjdMode(ctx: Pick<RunContext, 'processors'>, relaxed: boolean): SjdMode {
  if (!ctx.processors.doSample) return 'greedy';
  return relaxed ? 'lantern' : 'exact';
}

/**
 * LANTERN credits a draft with the mass of tokens "close" to it. The bundled ONNX exports do not expose token
 * embeddings, so closeness here is lexical: tokens whose text is the same after trimming whitespace and lower-casing
 * (" the", "the", "The"). Said plainly in the method description.
 */
function lexicalNeighbours(ctx: RunContext): (token: number) => readonly number[] {
  const display = ctx.model.tokenizer.display;
  const groups = new Map<string, number[]>();
  const keyOf: string[] = [];
  for (let id = 0; id < display.vocabSize; id++) {
    const key = display.entry(id).text.trim().toLowerCase();
    keyOf[id] = key;
    if (key === '') continue;
    const g = groups.get(key) ?? [];
    g.push(id);
    groups.set(key, g);
  }
  return (token) => (groups.get(keyOf[token] ?? '') ?? []).filter((id) => id !== token);
}

function toProbs(d: Distribution): Float32Array {
  const p = new Float32Array(d.scores.length);
  for (let i = 0; i < p.length; i++) p[i] = Math.exp(d.scores[i]! - d.logsumexp);
  return p;
}

function verifyRecord(v: SjdVerification, dists: readonly Distribution[]): Omit<VerifyRecord, 'type' | 'step'> {
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);
  const decisions = v.relaxed
    ? v.relaxed.map((r) => ({
        node: r.index,
        tokenId: r.token,
        p: r.relaxedP,
        q: r.q,
        ...(finite(r.ratio) !== undefined ? { ratio: r.ratio } : {}),
        u: r.u,
        accepted: r.accepted,
        reason: `${r.accepted ? 'accepted' : 'rejected'}: u ${r.accepted ? '<=' : '>'} p~/q (p=${r.p.toPrecision(3)} + ${r.credited.length} neighbours; lossy)`,
        targetDistId: dists[r.index]!.distId,
      }))
    : v.chain!.decisions.map((d) => ({
        node: d.index,
        tokenId: d.token,
        p: d.p,
        ...(d.q !== undefined ? { q: d.q } : {}),
        ...(finite(d.ratio) !== undefined ? { ratio: d.ratio! } : {}),
        ...(d.u !== undefined ? { u: d.u } : {}),
        accepted: d.accepted,
        reason: d.reason,
        targetDistId: dists[d.index]!.distId,
      }));
  const rule = v.mode === 'greedy' ? 'greedy-match' : v.mode === 'exact' ? 'speculative-sampling' : 'lantern-relaxed';
  const residual = v.final.residual ? topEntries(v.final.residual.dist, 10) : undefined;
  return { rule, decisions, acceptedLength: v.acceptedCount, ...(residual ? { residual } : {}) };
}

export async function runSjd(ctx: RunContext, relaxed: boolean): Promise<void> {
  if (ctx.forced.size > 0) throw new Error('sjd: forced tokens (what-if forks) are not supported by this method; use autoregressive or jacobi');
  const settings = sjdSettings(ctx);
  const mode = sjdMode(ctx, relaxed);
  const lantern: LanternOptions | undefined = mode === 'lantern' ? { delta: settings.lanternDelta, neighbours: lexicalNeighbours(ctx) } : undefined;
  const uniform: UniformSource = (purpose) => ctx.rng.next(purpose);
  const padTokenId = ctx.model.eosTokenIds[0] ?? ctx.model.bosTokenId ?? 0;
  const target = new DecoderState(ctx, ctx.model.primary, 'target');
  const seq = [...ctx.promptIds];

  if ((await prefillFirstToken(ctx, target, seq)).finished) return;

  const refill = (count: number): SjdDraft[] =>
    initialGuesses(count, { policy: settings.init, padTokenId, context: seq, uniform: () => ctx.rng.next('draft') }).tokens.map((token) => ({ token, q: 'point' as const }));
  let drafts = refill(settings.window);
  let previousRow: { offset: number; tokens: number[] } | null = null;
  let iteration = 0;
  for (;;) {
    const generated = seq.length - ctx.promptIds.length;
    drafts = drafts.slice(0, Math.max(0, ctx.maxNewTokens - generated - 1));
    const fed = [seq[seq.length - 1]!, ...drafts.map((d) => d.token)];
    const p = seq.length - 1;
    const out = await target.forward({ inputIds: [fed], purpose: 'jacobi', logits: 'all' });
    const dists = fed.map((_, i) =>
      distribution(ctx, logitsAt(out, 0, i), [...seq, ...fed.slice(1, i + 1)], { callId: out.callId, model: 'target', row: 0, fedIndex: i, position: seq.length + i }),
    );
    const targets = dists.map(toProbs);
    if (drafts.length > 0) {
      ctx.emitter.ensureTokens(drafts.map((d) => d.token));
      ctx.emitter.emit({
        type: 'draft',
        step: ctx.emitter.step,
        model: 'target',
        kind: 'chain',
        source: 'jacobi',
        nodes: drafts.map((d, i) => ({ node: i, parent: i - 1, tokenId: d.token, depth: i + 1, q: d.q === 'point' ? 1 : d.q[d.token]! })),
      });
    }
    const v = sjdVerify(drafts, targets, uniform, mode, lantern);
    const finalDist = dists[v.final.position]!;
    if (v.final.draw) {
      const draw = v.final.draw;
      ctx.emitter.choice(finalDist.distId, { tokenId: draw.token, prob: draw.prob, logprob: draw.prob > 0 ? Math.log(draw.prob) : null, rank: 0, cumBefore: draw.cumBefore }, v.final.rule === 'residual' ? 'residual' : 'sample', draw.u);
    } else {
      ctx.emitter.choice(finalDist.distId, { tokenId: v.final.token, prob: targets[v.final.position]![v.final.token]!, logprob: Math.log(targets[v.final.position]![v.final.token]!), rank: 0 }, 'argmax');
    }
    if (drafts.length > 0) {
      const rec = verifyRecord(v, dists);
      ctx.emitter.ensureTokens(rec.residual?.map((r) => r.id) ?? []);
      ctx.emitter.emit({ type: 'verify', step: ctx.emitter.step, ...rec });
    }
    const tokens: CommitToken[] = [
      ...drafts.slice(0, v.acceptedCount).map((d, i) => ({ id: d.token, source: 'accepted' as const, distId: dists[i]!.distId })),
      { id: v.final.token, source: v.final.source, distId: finalDist.distId },
    ];
    const rowTokens = drafts.map((d) => d.token);
    const prev = previousRow;
    emitJacobiIter(ctx, {
      iteration: ++iteration,
      blockStart: 0,
      blockSize: ctx.maxNewTokens,
      offset: generated,
      tokens: rowTokens,
      changed: rowTokens.map((t, i) => {
        const before = prev?.tokens[generated + i - prev.offset];
        return before !== undefined && before !== t;
      }),
      convergedPrefix: Math.min(ctx.maxNewTokens, generated + tokens.length),
      committed: tokens.map((t) => t.id),
      callId: out.callId,
    });
    previousRow = { offset: generated, tokens: rowTokens };
    target.crop(p + 1 + v.acceptedCount);
    const done = commitRun(ctx, generated, tokens, 1);
    seq.push(...tokens.slice(0, done.count).map((t) => t.id));
    if (done.finish) return;
    const carried = carryOverDrafts(v, targets, uniform);
    drafts = [...carried, ...refill(settings.window - carried.length)];
  }
}
