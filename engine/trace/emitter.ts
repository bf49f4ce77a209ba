/**
 * Turns engine events into trace records: assigns call ids, distribution ids, draw indices and step numbers, and
 * emits a `tokens` dictionary record before the first record that mentions an id. The sink is a plain callback;
 * everything here is cheap (no serialisation, no full-vocabulary work).
 */
import type {
  TraceRecord,
  HeaderRecord,
  ModelCallRecord,
  DistributionRecord,
  CommitRecord,
  ModelRole,
  BeamRecord,
  ContrastiveRecord,
  CacheOpRecord,
  FooterRecord,
  TokenSource,
  TensorRef,
} from './schema';
import { TRACE_FORMAT, TRACE_SCHEMA_VERSION } from './schema';
import { SummaryAccumulator } from './summary';
import type { TokenDisplay } from '../tokens/display';
import type { DrawPurpose } from '../logits/rng';
import type { Pick } from '../logits/sampler';

export type RecordSink = (record: TraceRecord) => void;

export const APP_VERSION = '0.1.0';

type Without<T, K extends keyof T> = Omit<T, K>;

export class TraceEmitter {
  /** The current step; a step ends with its commit. */
  step = 0;
  private nextCallId = 0;
  private nextDraw = 0;
  private readonly known = new Set<number>();
  readonly summary = new SummaryAccumulator();
  /** performance.now() at the start of the run; record times are relative to it. */
  readonly t0 = performance.now();

  constructor(
    private readonly sink: RecordSink,
    private readonly display: TokenDisplay,
  ) {}

  emit(r: TraceRecord): void {
    this.summary.add(r);
    this.sink(r);
  }

  header(h: Without<HeaderRecord, 'type' | 'format' | 'schemaVersion' | 'appVersion' | 'createdAt'>): void {
    this.emit({ type: 'header', format: TRACE_FORMAT, schemaVersion: TRACE_SCHEMA_VERSION, appVersion: APP_VERSION, createdAt: new Date().toISOString(), ...h });
    this.ensureTokens(h.prompt.tokenIds);
  }

  /** Emits dictionary entries for ids not yet described. */
  ensureTokens(ids: Iterable<number>): void {
    let fresh: number[] | null = null;
    for (const id of ids) {
      if (this.known.has(id)) continue;
      this.known.add(id);
      (fresh ??= []).push(id);
    }
    if (fresh) this.emit({ type: 'tokens', entries: fresh.map((id) => this.display.entry(id)) });
  }

  modelCall(c: Without<ModelCallRecord, 'type' | 'step' | 'callId' | 'startMs'> & { startedAt: number }): number {
    const callId = this.nextCallId++;
    for (const row of c.inputIds) this.ensureTokens(row);
    const { startedAt, ...rest } = c;
    // Strategies keep growing the arrays they fed; a record must keep what was fed at this call.
    const inputIds = c.inputIds.map((row) => row.slice());
    const positionIds = c.positionIds.map((row) => row.slice());
    this.emit({ type: 'model_call', step: this.step, callId, startMs: startedAt - this.t0, ...rest, inputIds, positionIds });
    return callId;
  }

  /** ensureTokens for the ids of one top-k list, without building an id array per list. */
  private ensureListed(list: readonly { id: number }[]): void {
    let fresh: number[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const id = list[i]!.id;
      if (this.known.has(id)) continue;
      this.known.add(id);
      (fresh ??= []).push(id);
    }
    if (fresh) this.emit({ type: 'tokens', entries: fresh.map((id) => this.display.entry(id)) });
  }

  distribution(d: Without<DistributionRecord, 'type' | 'step' | 'distId'>): string {
    const distId = `c${d.callId}.r${d.row}.p${d.index}`;
    this.ensureListed(d.raw.topk);
    let previous = d.raw.topk;
    for (const s of d.stages) {
      if (s.topk !== previous) this.ensureListed(s.topk);
      previous = s.topk;
    }
    // The processed list is often the very array of the raw or last stage list: its ids are known already.
    if (d.processed.topk !== previous) this.ensureListed(d.processed.topk);
    this.emit({ type: 'distribution', step: this.step, distId, ...d });
    return distId;
  }

  rngDraw(u: number, purpose: DrawPurpose): void {
    this.emit({ type: 'rng_draw', step: this.step, index: this.nextDraw++, purpose, u });
  }

  choice(distId: string, pick: Pick, rule: 'argmax' | 'sample' | 'residual' | 'forced', u?: number): void {
    this.ensureTokens([pick.tokenId]);
    this.emit({
      type: 'choice',
      step: this.step,
      distId,
      tokenId: pick.tokenId,
      rule,
      ...(u !== undefined ? { u } : {}),
      ...(pick.cumBefore !== undefined ? { cumBefore: pick.cumBefore } : {}),
      prob: pick.prob,
      logprob: pick.logprob,
      rank: pick.rank,
    });
  }

  /** Ends the step: appends tokens to the output and advances the step counter. */
  commit(c: { outputIndex: number; tokens: { id: number; source: TokenSource; distId?: string }[]; targetForwardPasses: number; finish?: 'eos' | 'length' }): void {
    this.ensureTokens(c.tokens.map((t) => t.id));
    const rec: CommitRecord = { type: 'commit', step: this.step, outputIndex: c.outputIndex, tokens: c.tokens, targetForwardPasses: c.targetForwardPasses };
    if (c.finish) rec.finish = c.finish;
    this.emit(rec);
    this.step++;
  }

  cacheOp(model: ModelRole, op: CacheOpRecord['op'], lenBefore: number, lenAfter: number, indices?: number[]): void {
    this.emit({ type: 'cache_op', step: this.step, model, op, lenBefore, lenAfter, ...(indices ? { indices } : {}) });
  }

  beam(b: Without<BeamRecord, 'type' | 'step'>): void {
    this.ensureTokens(b.candidates.map((c) => c.tokenId));
    for (const x of b.beams) this.ensureTokens(x.tokens);
    for (const x of b.finished) this.ensureTokens(x.tokens);
    this.emit({ type: 'beam', step: this.step, ...b });
  }

  contrastive(c: Without<ContrastiveRecord, 'type' | 'step'>): void {
    this.ensureTokens(c.candidates.map((x) => x.tokenId));
    this.emit({ type: 'contrastive', step: this.step, ...c });
  }

  tensor(callId: number, ref: TensorRef): void {
    this.emit({ type: 'tensor', step: this.step, callId, ref });
  }

  note(kind: string, message: string): void {
    this.emit({ type: 'note', step: this.step, kind, message });
  }

  footer(status: FooterRecord['status'], wallMs: number, error?: string): FooterRecord {
    const f: FooterRecord = { type: 'footer', status, summary: this.summary.result({ wallMs, status }), ...(error ? { error } : {}) };
    this.emit(f);
    return f;
  }

  /** Milliseconds since the run started. */
  now(): number {
    return performance.now() - this.t0;
  }
}
