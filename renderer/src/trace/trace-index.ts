/**
 * The processed form of a trace, kept apart from drawing (Perfetto's lesson). Records are appended in
 * order — all at once for a file, a frame's batch at a time for a live run — and indexed by step.
 * The index is mutable and lives outside React state: the store holds it plus a version number that
 * changes whenever records were appended, so views re-derive only when something actually changed.
 */
import type {
  TraceRecord,
  HeaderRecord,
  FooterRecord,
  TokenEntry,
  ModelCallRecord,
  DistributionRecord,
  RngDrawRecord,
  ChoiceRecord,
  CommitRecord,
  CacheOpRecord,
  DraftRecord,
  VerifyRecord,
  BeamRecord,
  ContrastiveRecord,
  NoteRecord,
  TokenSource,
} from '../../../engine/trace/schema';

/** Sub-steps of one decoding step, in the order the engine performs them. */
export type Phase = 'forward' | 'processors' | 'draw' | 'draft' | 'verify' | 'commit';

export interface StepEntry {
  step: number;
  calls: ModelCallRecord[];
  dists: DistributionRecord[];
  draws: RngDrawRecord[];
  choices: ChoiceRecord[];
  commit?: CommitRecord;
  cacheOps: CacheOpRecord[];
  drafts: DraftRecord[];
  verify?: VerifyRecord;
  beam?: BeamRecord;
  contrastive?: ContrastiveRecord;
  notes: NoteRecord[];
  /** Output tokens committed by this step: [outStart, outStart + outCount). */
  outStart: number;
  outCount: number;
}

export interface OutputToken {
  id: number;
  source: TokenSource;
  step: number;
  stepIdx: number;
  outputIndex: number;
  distId?: string;
}

export interface RunMetrics {
  tokens: number;
  steps: number;
  targetForwardPasses: number;
  draftForwardPasses: number;
  tau: number | null;
  acceptanceRate: number | null;
  wallMs: number | null;
  tokensPerSecond: number | null;
  finishReason?: string;
}

const AR_PHASES: Phase[] = ['forward', 'processors', 'draw', 'commit'];
const SPEC_PHASES: Phase[] = ['draft', 'verify', 'commit'];

export class TraceIndex {
  header?: HeaderRecord;
  footer?: FooterRecord;
  readonly tokens = new Map<number, TokenEntry>();
  readonly steps: StepEntry[] = [];
  readonly output: OutputToken[] = [];
  readonly dists = new Map<string, DistributionRecord>();
  readonly choiceByDist = new Map<string, ChoiceRecord>();
  readonly calls = new Map<number, ModelCallRecord>();
  /** Counts of record types seen (for the "about this trace" line and tests). */
  readonly counts = new Map<string, number>();
  /** Every record, in order: saving a trace writes exactly these back. */
  readonly records: TraceRecord[] = [];
  recordCount = 0;
  /** Incremented by every append that changed something. */
  version = 0;
  private readonly stepPos = new Map<number, number>();
  private firstCallStart = Infinity;
  private lastCallEnd = -Infinity;

  /** Step position (0..steps.length-1) of a step number, or -1. */
  stepIndexOf(step: number): number {
    return this.stepPos.get(step) ?? -1;
  }

  private entry(step: number): StepEntry {
    const pos = this.stepPos.get(step);
    if (pos !== undefined) return this.steps[pos]!;
    const e: StepEntry = {
      step,
      calls: [],
      dists: [],
      draws: [],
      choices: [],
      cacheOps: [],
      drafts: [],
      notes: [],
      outStart: this.output.length,
      outCount: 0,
    };
    // Steps arrive in order; a record for an older step (not expected) is still filed under it.
    this.stepPos.set(step, this.steps.length);
    this.steps.push(e);
    return e;
  }

  append(records: readonly TraceRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) {
      this.records.push(r);
      this.add(r);
    }
    this.recordCount += records.length;
    this.version++;
  }

  private add(r: TraceRecord): void {
    this.counts.set(r.type, (this.counts.get(r.type) ?? 0) + 1);
    switch (r.type) {
      case 'header':
        this.header = r;
        return;
      case 'footer':
        this.footer = r;
        return;
      case 'tokens':
        for (const t of r.entries) this.tokens.set(t.id, t);
        return;
      case 'model_call':
        this.entry(r.step).calls.push(r);
        this.calls.set(r.callId, r);
        this.firstCallStart = Math.min(this.firstCallStart, r.startMs);
        this.lastCallEnd = Math.max(this.lastCallEnd, r.startMs + r.durationMs);
        return;
      case 'distribution':
        this.entry(r.step).dists.push(r);
        this.dists.set(r.distId, r);
        return;
      case 'rng_draw':
        this.entry(r.step).draws.push(r);
        return;
      case 'choice':
        this.entry(r.step).choices.push(r);
        this.choiceByDist.set(r.distId, r);
        return;
      case 'commit': {
        const e = this.entry(r.step);
        e.commit = r;
        const stepIdx = this.stepPos.get(r.step)!;
        e.outStart = this.output.length;
        for (const t of r.tokens) {
          this.output.push({ id: t.id, source: t.source, step: r.step, stepIdx, outputIndex: this.output.length, distId: t.distId });
        }
        e.outCount = r.tokens.length;
        return;
      }
      case 'cache_op':
        this.entry(r.step).cacheOps.push(r);
        return;
      case 'draft':
        this.entry(r.step).drafts.push(r);
        return;
      case 'verify':
        this.entry(r.step).verify = r;
        return;
      case 'beam':
        this.entry(r.step).beam = r;
        return;
      case 'contrastive':
        this.entry(r.step).contrastive = r;
        return;
      case 'note':
        this.entry(r.step).notes.push(r);
        return;
      case 'tensor':
        return;
    }
  }

  /** The sub-steps a step goes through, for stepping into it. */
  phasesOf(stepIdx: number): Phase[] {
    const e = this.steps[stepIdx];
    return e && (e.drafts.length > 0 || e.verify) ? SPEC_PHASES : AR_PHASES;
  }

  /** The distribution a step's decision was made from: the one its first committed token points at. */
  mainDistribution(stepIdx: number): DistributionRecord | undefined {
    const e = this.steps[stepIdx];
    if (!e) return undefined;
    const distId = e.commit?.tokens[0]?.distId ?? e.choices[0]?.distId;
    return (distId && this.dists.get(distId)) || e.dists.find((d) => d.model === 'target') || e.dists[0];
  }

  /** The choice record for an output token, if the trace has one. */
  choiceFor(token: OutputToken): ChoiceRecord | undefined {
    if (token.distId) return this.choiceByDist.get(token.distId);
    const e = this.steps[token.stepIdx];
    return e?.choices.find((c) => c.tokenId === token.id);
  }

  /** Probability the processed distribution gave this output token (for probability colouring). */
  probOf(token: OutputToken): number | null {
    const c = this.choiceFor(token);
    if (c) return c.prob;
    const d = token.distId ? this.dists.get(token.distId) : undefined;
    const hit = d?.processed.topk.find((t) => t.id === token.id);
    return hit && hit.logprob !== null ? Math.exp(hit.logprob) : null;
  }

  tokenText(id: number): TokenEntry {
    return this.tokens.get(id) ?? { id, text: `<${id}>` };
  }

  /** Output tokens committed up to and including stepIdx. */
  outputCountThrough(stepIdx: number): number {
    if (stepIdx < 0) return 0;
    const e = this.steps[Math.min(stepIdx, this.steps.length - 1)];
    return e ? e.outStart + e.outCount : 0;
  }

  metrics(): RunMetrics {
    const s = this.footer?.summary;
    if (s) {
      return {
        tokens: s.newTokens,
        steps: this.steps.length,
        targetForwardPasses: s.targetForwardPasses,
        draftForwardPasses: s.draftForwardPasses,
        tau: s.tau,
        acceptanceRate: s.acceptanceRate,
        wallMs: s.wallMs,
        tokensPerSecond: s.tokensPerSecond,
        finishReason: s.finishReason,
      };
    }
    // A live or truncated run: derive what the footer would say from the records so far.
    let target = 0;
    let draft = 0;
    let drafted = 0;
    let accepted = 0;
    for (const e of this.steps) {
      if (e.commit) target += e.commit.targetForwardPasses;
      for (const c of e.calls) if (c.model !== 'target' && c.purpose !== 'prefill') draft++;
      for (const d of e.drafts) drafted += d.nodes.length;
      if (e.verify) accepted += e.verify.acceptedLength;
    }
    const tokens = this.output.length;
    const wallMs = this.lastCallEnd > this.firstCallStart ? this.lastCallEnd - this.firstCallStart : null;
    return {
      tokens,
      steps: this.steps.length,
      targetForwardPasses: target,
      draftForwardPasses: draft,
      tau: target > 0 ? tokens / target : null,
      acceptanceRate: drafted > 0 ? accepted / drafted : null,
      wallMs,
      tokensPerSecond: wallMs ? (tokens / wallMs) * 1000 : null,
    };
  }
}

/** JSON Lines text of the trace, as a file on disk would hold it. */
export function traceToJsonl(index: TraceIndex): string {
  let out = '';
  for (const r of index.records) out += JSON.stringify(r) + '\n';
  return out;
}

export function indexRecords(records: readonly TraceRecord[]): TraceIndex {
  const index = new TraceIndex();
  index.append(records);
  return index;
}
