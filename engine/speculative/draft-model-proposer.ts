/**
 * A chain drafter backed by a decoder with its own KV cache: the bundled draft model, or the target's early-exit
 * graph. Draft distributions go through the same logits processors as the target's (q must be processed like p),
 * are recorded, and each draft pick is recorded as a choice on the draft distribution.
 */
import type { RunContext } from '../strategies/context';
import { DecoderState, distribution, logitsAt } from '../strategies/blocks';
import type { DecoderSession } from '../model/decoder-session';
import { pickArgmax } from '../logits/sampler';
import type { ModelRole } from '../trace/schema';
import type { ChainProposal, ChainProposer } from './chain-loop';
import type { DraftLengthDecision, DraftLengthPolicy } from './draft-length';
import { sampleFromDistribution } from './dist';
import { emitDrawnChoice, probabilities, runUniform } from './engine-bridge';

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export class DraftModelProposer implements ChainProposer {
  protected readonly state: DecoderState;
  /** The tokens whose KV is in the draft cache, in order. */
  protected fed: number[] = [];
  draftCalls = 0;

  constructor(
    protected readonly ctx: RunContext,
    session: DecoderSession,
    private readonly role: ModelRole,
    private readonly label: string,
  ) {
    this.state = new DecoderState(ctx, session, role);
  }

  /** Crop the draft cache to the longest prefix it shares with `seq`, keeping at least one token to feed. */
  private sync(seq: readonly number[]): void {
    const keep = Math.min(commonPrefix(this.fed, seq), seq.length - 1);
    if (keep < this.state.cache.length) {
      this.state.crop(keep);
      this.fed = this.fed.slice(0, keep);
    }
  }

  async propose(seq: readonly number[], maxTokens: number, policy: DraftLengthPolicy): Promise<ChainProposal> {
    const ctx = this.ctx;
    this.sync(seq);
    const toFeed = seq.slice(this.fed.length);
    let out = await this.state.forward({ inputIds: [toFeed], purpose: 'draft', logits: 'last' });
    this.draftCalls++;
    this.fed.push(...toFeed);
    const tokens: number[] = [];
    const q: Float32Array[] = [];
    const distIds: string[] = [];
    const lengthDecisions: DraftLengthDecision[] = [];
    const uniform = runUniform(ctx);
    for (let i = 0; i < maxTokens; i++) {
      const d = distribution(ctx, logitsAt(out, 0), [...seq, ...tokens], {
        callId: out.callId,
        model: this.role,
        row: 0,
        fedIndex: out.fedLength - 1,
        position: seq.length + i,
      });
      const probs = probabilities(d);
      let token: number;
      if (ctx.processors.doSample) {
        const drawn = sampleFromDistribution(probs, uniform('draft'));
        emitDrawnChoice(ctx, d.distId, drawn, 'sample');
        token = drawn.token;
      } else {
        const pick = pickArgmax(d.scores, d.logsumexp, d.best);
        ctx.emitter.choice(d.distId, pick, 'argmax');
        token = pick.tokenId;
      }
      tokens.push(token);
      q.push(probs);
      distIds.push(d.distId);
      const decision = policy.afterDraft(i, probs[token]!);
      lengthDecisions.push(decision);
      if (!decision.continue || i === maxTokens - 1 || ctx.eos.has(token)) break;
      out = await this.state.forward({ inputIds: [[token]], purpose: 'draft', logits: 'last' });
      this.draftCalls++;
      this.fed.push(token);
    }
    return { tokens, q, distIds, model: this.role, source: this.label, lengthDecisions };
  }

  afterVerify(seq: readonly number[], _proposal: ChainProposal, _accepted: number, _target: DecoderState): void {
    this.sync(seq);
  }
}
