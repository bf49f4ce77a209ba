/** Chain drafters that need no model call: prompt lookup and the adaptive n-gram table. */
import type { ChainProposal, ChainProposer } from './chain-loop';
import type { DraftLengthPolicy } from './draft-length';
import { NgramTable, promptLookup, type PromptLookupOptions } from './prompt-lookup';

export class PromptLookupProposer implements ChainProposer {
  constructor(private readonly options: Partial<PromptLookupOptions>) {}

  async propose(seq: readonly number[], maxTokens: number): Promise<ChainProposal> {
    const r = promptLookup(seq, { ...this.options, numTokens: Math.min(maxTokens, this.options.numTokens ?? maxTokens) });
    const tried = r.attempts.map((a) => `${a.ngramSize}-gram [${a.pattern.join(' ')}] at ${a.matchPositions.length ? a.matchPositions.join(',') : 'nowhere'}`).join('; ');
    const source = r.match
      ? `prompt lookup: ${r.match.ngramSize}-gram matched at ${r.match.position}, span ${r.match.spanStart}..${r.match.spanEnd}${r.truncatedAtEos ? ' (cut at EOS)' : ''} (tried ${tried})`
      : `prompt lookup: no match (tried ${tried || 'nothing'})`;
    return { tokens: r.candidates, model: 'other', source };
  }
}

export class NgramTableProposer implements ChainProposer {
  private readonly table: NgramTable;
  private seen = 0;

  constructor(order: number) {
    this.table = new NgramTable(order);
  }

  private catchUp(seq: readonly number[]): void {
    if (seq.length > this.seen) {
      this.table.observe(seq.slice(this.seen));
      this.seen = seq.length;
    }
  }

  async propose(seq: readonly number[], maxTokens: number, policy: DraftLengthPolicy): Promise<ChainProposal> {
    this.catchUp(seq);
    const d = this.table.draft(seq, maxTokens);
    // The table's relative count plays the draft confidence for confidence-based length policies.
    const lengthDecisions = [];
    let keep = d.tokens.length;
    for (let i = 0; i < d.steps.length; i++) {
      const decision = policy.afterDraft(i, d.steps[i]!.count / d.steps[i]!.total);
      lengthDecisions.push(decision);
      if (!decision.continue) {
        keep = i + 1;
        break;
      }
    }
    const steps = d.steps.slice(0, keep);
    const source = `n-gram table (order ${this.table.order}, ${this.table.size} contexts): ${steps.map((s) => `${s.token}×${s.count}/${s.total}`).join(' ') || 'no continuation'}`;
    return { tokens: d.tokens.slice(0, keep), qOfToken: steps.map((s) => s.count / s.total), model: 'other', source, lengthDecisions };
  }

  afterVerify(seq: readonly number[]): void {
    this.catchUp(seq);
  }
}
