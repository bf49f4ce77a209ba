/**
 * Drafting with a model whose vocabulary differs from the target's (the bundled byte-level draft): the drafter
 * continues the committed text byte by byte, the drafted bytes are re-tokenised into target candidates
 * (string-level exact match, hetero-vocab.ts), and the target verifies them with the exact rule. No q in the
 * target vocabulary exists, so sampling uses sample-then-match.
 */
import type { LoadedModel } from '../model/loader';
import type { RunContext } from '../strategies/context';
import { DecoderState, distribution, logitsAt } from '../strategies/blocks';
import { pickArgmax } from '../logits/sampler';
import type { ChainProposal, ChainProposer } from './chain-loop';
import type { DraftLengthPolicy, DraftLengthDecision } from './draft-length';
import { sampleFromDistribution } from './dist';
import { emitDrawnChoice, probabilities, runUniform } from './engine-bridge';
import { byteDrafterIds, heteroBookkeeping, targetCandidatesFromDraft, type VocabBridge } from './hetero-vocab';

export class HeteroProposer implements ChainProposer {
  private readonly state: DecoderState;
  private fed: number[] = [];
  private readonly bridge: VocabBridge;
  private last: { contextBytes: Uint8Array; drafted: Uint8Array } | null = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly drafter: LoadedModel,
    private readonly bytesPerStep: number,
  ) {
    this.state = new DecoderState(ctx, drafter.primary, 'draft');
    const display = ctx.model.tokenizer.display;
    this.bridge = {
      targetEncode: (text) => ctx.model.tokenizer.encode(text),
      targetBytes: (ids) => Uint8Array.from(ids.flatMap((id) => display.bytes(id) ?? [])),
      ...byteDrafterIds,
    };
  }

  private sync(context: readonly number[]): void {
    let keep = 0;
    while (keep < this.fed.length && keep < context.length - 1 && this.fed[keep] === context[keep]) keep++;
    if (keep < this.state.cache.length) {
      this.state.crop(keep);
      this.fed = this.fed.slice(0, keep);
    }
  }

  async propose(seq: readonly number[], maxTokens: number, policy: DraftLengthPolicy): Promise<ChainProposal> {
    const ctx = this.ctx;
    const contextBytes = this.bridge.targetBytes(seq);
    const context = this.bridge.draftIds(contextBytes);
    if (context.length === 0) return { tokens: [], model: 'draft', source: `byte drafter ${this.drafter.id}: empty context` };
    this.sync(context);
    const toFeed = context.slice(this.fed.length);
    let out = await this.state.forward({ inputIds: [toFeed], purpose: 'draft', logits: 'last' });
    this.fed.push(...toFeed);
    const draftedIds: number[] = [];
    const lengthDecisions: DraftLengthDecision[] = [];
    const uniform = runUniform(ctx);
    for (let i = 0; i < this.bytesPerStep; i++) {
      const d = distribution(ctx, logitsAt(out, 0), [...context, ...draftedIds], { callId: out.callId, model: 'draft', row: 0, fedIndex: out.fedLength - 1, position: context.length + i });
      let token: number;
      if (ctx.processors.doSample) {
        const drawn = sampleFromDistribution(probabilities(d), uniform('draft'));
        emitDrawnChoice(ctx, d.distId, drawn, 'sample');
        token = drawn.token;
      } else {
        const pick = pickArgmax(d.scores, d.logsumexp, d.best);
        ctx.emitter.choice(d.distId, pick, 'argmax');
        token = pick.tokenId;
      }
      if (token === 0) break; // <|endoftext|>: no bytes to hand over
      draftedIds.push(token);
      if (i === this.bytesPerStep - 1) break;
      out = await this.state.forward({ inputIds: [[token]], purpose: 'draft', logits: 'last' });
      this.fed.push(token);
    }
    const drafted = this.bridge.draftBytes(draftedIds);
    this.last = { contextBytes, drafted };
    const conv = targetCandidatesFromDraft(this.bridge, seq, drafted);
    let tokens = conv.candidates.slice(0, maxTokens);
    // Length policies see each candidate with no confidence (1): only their length caps apply.
    for (let i = 0; i < tokens.length; i++) {
      const decision = policy.afterDraft(i, 1);
      lengthDecisions.push(decision);
      if (!decision.continue) {
        tokens = tokens.slice(0, i + 1);
        break;
      }
    }
    const source = `byte drafter ${this.drafter.id}: ${drafted.length} bytes ${JSON.stringify(conv.draftText)} → ${conv.candidates.length} target tokens (lookbehind ${conv.lookbehindTokens}${conv.droppedPartialLast ? ', last partial token dropped' : ''}${conv.heldBackBytes ? `, ${conv.heldBackBytes} bytes of a split character held back` : ''})`;
    return { tokens, model: 'draft', source, lengthDecisions };
  }

  afterVerify(seq: readonly number[], proposal: ChainProposal, accepted: number): void {
    if (!this.last) return;
    const newBytes = this.bridge.targetBytes(seq);
    const b = heteroBookkeeping(this.last.contextBytes, this.last.drafted, this.fed.length, newBytes, proposal.tokens.length, accepted);
    this.ctx.emitter.note('hetero-vocab', `accepted ${b.accepted}/${b.proposed} target candidates; ${b.draftBytesConfirmed}/${b.draftedBytes} drafted bytes confirmed; byte cache keeps ${b.draftCacheKeep}`);
    this.sync(this.bridge.draftIds(newBytes));
    this.last = null;
  }
}
