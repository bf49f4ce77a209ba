/**
 * The step loop every chain method shares (draft model, early exit, prompt lookup, n-gram table, byte drafter):
 *   draft γ tokens → ONE target pass on [root, d_1..d_γ] → accept → commit → crop caches.
 * The target cache always holds the committed sequence minus its last token (the "root"), as in HF assisted
 * generation, so every verification pass feeds the root first and its logits give p_1.
 * Acceptance rule: greedy match when not sampling; Leviathan/Chen speculative sampling when the drafter supplies
 * its processed distributions q; otherwise sample-then-match (exact without q).
 */
import type { RunContext } from '../strategies/context';
import { DecoderState, prefillFirstToken, choose, commit, distribution, finishOf, logitsAt, type Distribution } from '../strategies/blocks';
import { pickArgmax, describePick } from '../logits/sampler';
import type { ModelRole, TokenSource } from '../trace/schema';
import { greedyMatchAccept, sampleThenMatchAccept, speculativeSamplingAccept, type ChainAcceptance } from './acceptance';
import type { DraftLengthDecision, DraftLengthPolicy } from './draft-length';
import { emitDraft, emitDrawnChoice, emitNote, emitVerify, probabilities, runUniform } from './engine-bridge';

export interface ChainProposal {
  tokens: number[];
  /** Processed draft distributions, one per token (enables speculative sampling). */
  q?: Float32Array[];
  /** Draft distribution record ids, one per token. */
  distIds?: string[];
  /** Draft probability of each token, when known (for the draft record). */
  qOfToken?: number[];
  model: ModelRole;
  /** What proposed it, for the draft record ("draft model", "prompt lookup: 2-gram … at 14", …). */
  source: string;
  /** Draft-length decisions taken while drafting. */
  lengthDecisions?: DraftLengthDecision[];
}

export interface ChainProposer {
  /** Up to maxTokens drafts continuing `seq` (the committed sequence, prompt included). */
  propose(seq: readonly number[], maxTokens: number, policy: DraftLengthPolicy): Promise<ChainProposal>;
  /** After the prefill step (the target cache holds `seq` minus its last token): drafters that share the target's KV take it here. */
  afterPrefill?(seq: readonly number[], target: DecoderState): void | Promise<void>;
  /** After verification, before the commit: `seq` is the new committed sequence. Crop caches, update tables. */
  afterVerify?(seq: readonly number[], proposal: ChainProposal, accepted: number, target: DecoderState): void | Promise<void>;
}

export interface ChainStats {
  steps: number;
  drafted: number;
  accepted: number;
}

const EMPTY: ChainProposal = { tokens: [], model: 'other', source: 'none' };

/** Distance from outputIndex to the next forced output index (Infinity when none): drafts stop short of it. */
function roomBeforeForced(ctx: RunContext, outputIndex: number): number {
  let room = Infinity;
  for (const idx of ctx.forced.keys()) if (idx >= outputIndex) room = Math.min(room, idx - outputIndex);
  return room;
}

/** The decision that ended drafting is the informative one; the others only say "keep going". */
function describeDecisions(decisions: readonly DraftLengthDecision[]): string {
  const stop = decisions.find((d) => d.continue === false) ?? decisions[decisions.length - 1];
  return stop ? `stopped: ${stop.reason}` : '';
}

/** Test and bench hooks: called after each step's caches are cropped, before its commit. */
export interface ChainHooks {
  afterStep?(view: { seq: readonly number[]; target: DecoderState; stats: ChainStats }): void | Promise<void>;
}

export async function runChainSpeculation(ctx: RunContext, proposer: ChainProposer, policy: DraftLengthPolicy, hooks: ChainHooks = {}): Promise<ChainStats> {
  const stats: ChainStats = { steps: 0, drafted: 0, accepted: 0 };
  const target = new DecoderState(ctx, ctx.model.primary, 'target');
  const uniform = runUniform(ctx);
  const seq = [...ctx.promptIds];

  // Step 0 is an ordinary prefill step: it yields the first token and leaves the cache one short of the sequence.
  if ((await prefillFirstToken(ctx, target, seq)).finished) return stats;
  await proposer.afterPrefill?.(seq, target);
  let outputIndex = 1;

  for (;;) {
    const begin = policy.begin();
    const room = Math.min(begin.length, ctx.maxNewTokens - outputIndex - 1, roomBeforeForced(ctx, outputIndex));
    const proposal = room > 0 ? await proposer.propose(seq, room, policy) : EMPTY;
    const drafts = proposal.tokens;
    if (drafts.length > 0) {
      emitDraft(
        ctx,
        proposal.model,
        'chain',
        proposal.source,
        drafts.map((tokenId, i) => ({
          node: i,
          parent: i - 1,
          tokenId,
          depth: i + 1,
          ...(proposal.qOfToken?.[i] !== undefined ? { q: proposal.qOfToken[i]! } : proposal.q ? { q: proposal.q[i]![tokenId]! } : {}),
          ...(proposal.distIds?.[i] ? { distId: proposal.distIds[i]! } : {}),
        })),
      );
    }
    emitNote(ctx, 'draft-length', `${policy.name}: begin: ${begin.reason} (γ ≤ ${begin.length}); drafted ${drafts.length}${proposal.lengthDecisions?.length ? `; ${describeDecisions(proposal.lengthDecisions)}` : ''}`);

    const root = seq[seq.length - 1]!;
    const verify = await target.forward({ inputIds: [[root, ...drafts]], purpose: drafts.length ? 'verify' : 'decode', logits: 'all' });
    const dists: Distribution[] = [];
    for (let i = 0; i <= drafts.length; i++) {
      dists.push(
        distribution(ctx, logitsAt(verify, 0, i), [...seq, ...drafts.slice(0, i)], {
          callId: verify.callId,
          model: 'target',
          row: 0,
          fedIndex: i,
          position: seq.length + i,
        }),
      );
    }
    const p = dists.map(probabilities);
    let acceptance: ChainAcceptance;
    if (!ctx.processors.doSample) acceptance = greedyMatchAccept(drafts, p, dists.map((d) => d.scores));
    else if (proposal.q) acceptance = speculativeSamplingAccept(drafts.map((token, i) => ({ token, q: proposal.q![i]! })), p, uniform);
    else acceptance = sampleThenMatchAccept(drafts, p, uniform);
    const k = acceptance.acceptedCount;

    if (drafts.length > 0) {
      emitVerify(
        ctx,
        `${acceptance.rule} (chain)`,
        acceptance.decisions.map((d) => ({
          node: d.index,
          tokenId: d.token,
          p: d.p,
          ...(d.q !== undefined ? { q: d.q } : {}),
          ...(d.ratio !== undefined ? { ratio: d.ratio } : {}),
          ...(d.u !== undefined ? { u: d.u } : {}),
          accepted: d.accepted,
          reason: d.reason + (d.targetArgmax !== undefined && !d.accepted ? ` (argmax ${d.targetArgmax})` : ''),
          targetDistId: dists[d.index]!.distId,
        })),
        k,
        acceptance.final.residual?.dist,
      );
    }

    // The final token: forced (what-if) if asked for at its output index, else what the acceptance rule produced.
    const finalIndex = outputIndex + k;
    const finalDist = dists[k]!;
    let finalToken = acceptance.final.token;
    let finalSource: TokenSource = drafts.length === 0 ? 'target' : acceptance.final.source;
    const forced = ctx.forced.get(finalIndex);
    if (forced !== undefined) {
      const c = choose(ctx, finalDist, finalIndex);
      finalToken = c.tokenId;
      finalSource = 'forced';
    } else if (acceptance.final.draw) {
      emitDrawnChoice(ctx, finalDist.distId, acceptance.final.draw, acceptance.final.rule === 'residual' ? 'residual' : 'sample');
    } else {
      const pick = pickArgmax(finalDist.scores, finalDist.logsumexp, finalDist.best);
      if (pick.tokenId !== finalToken) throw new Error(`internal: greedy final token ${finalToken} is not the argmax ${pick.tokenId}`);
      ctx.emitter.choice(finalDist.distId, describePick(finalDist.scores, finalDist.logsumexp, finalToken), 'argmax');
    }

    const tokens: { id: number; source: TokenSource; distId: string }[] = drafts.slice(0, k).map((id, i) => ({ id, source: 'accepted', distId: dists[i]!.distId }));
    tokens.push({ id: finalToken, source: finalSource, distId: finalDist.distId });
    let finish: 'eos' | 'length' | undefined;
    for (let i = 0; i < tokens.length; i++) {
      finish = finishOf(ctx, tokens[i]!.id, outputIndex + i);
      if (finish) {
        tokens.length = i + 1;
        break;
      }
    }

    stats.steps++;
    stats.drafted += drafts.length;
    stats.accepted += k;
    seq.push(...tokens.map((t) => t.id));
    target.crop(seq.length - 1);
    await proposer.afterVerify?.(seq, proposal, k, target);
    await hooks.afterStep?.({ seq, target, stats });
    const update = policy.update(drafts.length, k);
    if (drafts.length > 0) emitNote(ctx, 'draft-length', `${policy.name}: update: ${update.reason} → next γ ≤ ${update.length}`);
    commit(ctx, outputIndex, tokens, 1, finish);
    outputIndex += tokens.length;
    if (finish) return stats;
  }
}
