/**
 * Building blocks every strategy is made of: a model's live decoding state (forward with any fed tokens, positions
 * and mask; cache crop/gather/row selection, each traced), the next-token distribution (processed and recorded) and
 * the choice of a token (argmax, a recorded draw, or a forced token). Speculative methods reuse these for
 * draft/verify/commit on chains and trees.
 */
import type { DecoderSession, ForwardOutput } from '../model/decoder-session';
import type { KvCache } from '../kv/cache';
import type { ModelCallRecord, ModelRole, TokenSource } from '../trace/schema';
import { processLogits, type ProcessorConfig } from '../logits/pipeline';
import { pickArgmax, pickByDraw, describePick, type Pick } from '../logits/sampler';
import type { RunContext } from './context';
import { internalsExtras, emitInternals } from '../internals/record-hook';

export interface FeedOptions {
  inputIds: number[][];
  /** Default: cache length + index for every row. */
  positionIds?: number[][];
  /** Tree/lookahead mask: for each fed position, the fed positions it may see besides the cache. */
  visible?: number[][];
  purpose: ModelCallRecord['purpose'];
  logits: 'last' | 'all';
  maskKind?: ModelCallRecord['maskKind'];
  extras?: { attentions?: boolean; hiddenStates?: boolean | 'last'; exitLogits?: boolean; medusa?: boolean };
}

export interface FedOutput extends ForwardOutput {
  callId: number;
  /** Fed positions the logits belong to: index i of `logits` row r is fed index logitIndex(i). */
  fedLength: number;
}

/** One model's decoding state within a run: its session, its cache, its role in the trace. */
export class DecoderState {
  cache: KvCache;
  constructor(
    readonly ctx: RunContext,
    readonly session: DecoderSession,
    readonly role: ModelRole,
    batch = 1,
  ) {
    this.cache = session.emptyCache(batch);
  }

  /** One forward pass: waits at the run gate first (pause/cancel), then runs, records the call and keeps the new cache. */
  async forward(o: FeedOptions): Promise<FedOutput> {
    await this.ctx.gate.checkpoint();
    const before = this.cache.length;
    const rec = this.ctx.tensorSink ? this.ctx.record : { attentions: false, hiddenStates: false };
    const extras = { ...o.extras };
    if (rec.attentions && this.session.io.attentions.length) extras.attentions = true;
    if (rec.hiddenStates && this.session.io.hiddenStates.length) extras.hiddenStates = true;
    Object.assign(extras, internalsExtras(this.ctx, this.session));
    const out = await this.session.forward({
      inputIds: o.inputIds,
      ...(o.positionIds ? { positionIds: o.positionIds } : {}),
      ...(o.visible ? { visible: o.visible } : {}),
      cache: this.cache,
      logits: o.logits,
      extras,
    });
    this.cache = out.cache;
    const seq = o.inputIds[0]!.length;
    const positions = o.positionIds ?? o.inputIds.map(() => consecutive(before, seq));
    const callId = this.ctx.emitter.modelCall({
      model: this.role,
      purpose: o.purpose,
      inputIds: o.inputIds,
      positionIds: positions,
      maskKind: o.maskKind ?? (o.visible ? 'tree' : 'causal'),
      ...(o.visible ? { maskParents: o.visible } : {}),
      cacheLenIn: before,
      cacheLenOut: out.cache.length,
      outputs: out.outputNames,
      startedAt: out.startedAt,
      durationMs: out.durationMs,
    });
    if (this.ctx.tensorSink && (rec.attentions || rec.hiddenStates)) {
      for (const [name, t] of out.extras) {
        const wanted = (rec.attentions && name.startsWith('attentions.')) || (rec.hiddenStates && name.startsWith('hidden_states.'));
        if (wanted) this.ctx.emitter.tensor(callId, this.ctx.tensorSink(`c${callId}.${name}`, t.data, t.dims));
      }
    }
    emitInternals(this.ctx, this.session, callId, out, before, seq);
    return { ...out, callId, fedLength: seq };
  }

  /** Rolls the cache back to `length` positions. */
  crop(length: number): void {
    const before = this.cache.length;
    if (length === before) return;
    this.cache = this.cache.crop(length);
    this.ctx.emitter.cacheOp(this.role, 'crop', before, length);
  }

  /** Keeps these cache positions (a committed tree path), compacted in order. */
  gather(positions: number[]): void {
    const before = this.cache.length;
    this.cache = this.cache.gather(positions);
    this.ctx.emitter.cacheOp(this.role, 'gather', before, this.cache.length, positions);
  }

  /** New batch rows from these source rows: 'expand' (one row to many) or 'reorder' (beams). */
  selectRows(rows: number[], op: 'expand' | 'reorder'): void {
    this.cache = this.cache.selectRows(rows);
    this.ctx.emitter.cacheOp(this.role, op, this.cache.length, this.cache.length, rows);
  }
}

/** [from, from + 1, …] of length n (Array.from with a length object is several times slower per call). */
function consecutive(from: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from + i;
  return out;
}

/** The session for the run's main decoder: the primary unless recording needs the instrumented variant. */
export function mainSession(ctx: RunContext, needs: { hiddenStates?: boolean; treeMask?: boolean } = {}) {
  const rec = ctx.tensorSink ? ctx.record : { attentions: false, hiddenStates: false };
  const internals = { ...(ctx.record.attentions ? { attentions: true } : {}), ...(ctx.record.logitLens ? { exitLogits: true } : {}) };
  return ctx.model.sessionFor({ ...needs, ...internals, ...(rec.attentions ? { attentions: true } : {}), ...(rec.hiddenStates || needs.hiddenStates ? { hiddenStates: true } : {}) });
}

/** The logits of one row and one kept position of a forward output (a view, no copy). */
export function logitsAt(out: ForwardOutput, row: number, index = out.positions - 1): Float32Array {
  const v = out.vocab;
  const at = (row * out.positions + index) * v;
  return out.logits.subarray(at, at + v);
}

export interface Distribution {
  distId: string;
  scores: Float32Array;
  logsumexp: number;
  /** The argmax of `scores` when already known (first id of the recorded top-k); saves a vocabulary scan. */
  best?: number;
}

/**
 * Processes one raw logits vector and records it. `fedIndex` is the index among the call's fed positions;
 * `position` the absolute position of the token this distribution predicts.
 */
export function distribution(
  ctx: RunContext,
  raw: Float32Array,
  seen: Iterable<number>,
  at: { callId: number; model: ModelRole; row: number; fedIndex: number; position: number },
  processors: ProcessorConfig = ctx.processors,
): Distribution {
  // No copy: processLogits copies before any stage writes, and with no stage the scores are read only. (Reads of
  // onnxruntime's output buffers measured as fast as of an owned copy; the copy cost 16 KiB of garbage per token.)
  const p = processLogits(raw, seen, processors, { record: true, topk: ctx.topk });
  const r = p.record!;
  const distId = ctx.emitter.distribution({
    callId: at.callId,
    model: at.model,
    row: at.row,
    index: at.fedIndex,
    position: at.position,
    vocabSize: raw.length,
    raw: r.raw,
    stages: r.stages,
    processed: r.processed,
  });
  return p.best !== undefined ? { distId, scores: p.scores, logsumexp: p.logsumexp, best: p.best } : { distId, scores: p.scores, logsumexp: p.logsumexp };
}

export interface Chosen {
  tokenId: number;
  source: TokenSource;
  pick: Pick;
}

/** Picks the next token: forced (what-if), a recorded draw when sampling, else argmax. Records the choice. */
export function choose(ctx: RunContext, d: Distribution, outputIndex: number, source: TokenSource = 'target'): Chosen {
  const forced = ctx.forced.get(outputIndex);
  if (forced !== undefined) {
    if (forced >= d.scores.length) throw new Error(`forced token ${forced} at output ${outputIndex} is outside the vocabulary (${d.scores.length})`);
    const pick = describePick(d.scores, d.logsumexp, forced);
    ctx.emitter.note('forced', `token ${forced} forced at output index ${outputIndex}`);
    ctx.emitter.choice(d.distId, pick, 'forced');
    return { tokenId: forced, source: 'forced', pick };
  }
  if (ctx.processors.doSample) {
    const u = ctx.rng.next('sample');
    const pick = pickByDraw(d.scores, d.logsumexp, u);
    ctx.emitter.choice(d.distId, pick, 'sample', u);
    return { tokenId: pick.tokenId, source, pick };
  }
  const pick = pickArgmax(d.scores, d.logsumexp, d.best);
  ctx.emitter.choice(d.distId, pick, 'argmax');
  return { tokenId: pick.tokenId, source, pick };
}

/** 'eos' / 'length' / undefined for a token just committed at outputIndex. */
export function finishOf(ctx: RunContext, tokenId: number, outputIndex: number): 'eos' | 'length' | undefined {
  if (ctx.eos.has(tokenId)) return 'eos';
  if (outputIndex + 1 >= ctx.maxNewTokens) return 'length';
  return undefined;
}

/** Appends tokens to the output and ends the step (then honours single-stepping). */
export function commit(
  ctx: RunContext,
  outputIndex: number,
  tokens: { id: number; source: TokenSource; distId?: string }[],
  targetForwardPasses: number,
  finish?: 'eos' | 'length',
): void {
  ctx.emitter.commit({ outputIndex, tokens, targetForwardPasses, ...(finish ? { finish } : {}) });
  ctx.gate.endStep();
}

/**
 * Step 0 of every speculative loop: prefill the prompt, choose the first output token from the prefill's last
 * logits and commit it. Appends the token to `seq`; returns the prefill pass (its extras feed the drafters) and
 * whether the run already finished.
 */
export async function prefillFirstToken(
  ctx: RunContext,
  target: DecoderState,
  seq: number[],
  extras?: FeedOptions['extras'],
): Promise<{ prefill: FedOutput; finished: boolean }> {
  const prefill = await target.forward({ inputIds: [seq], purpose: 'prefill', logits: 'last', ...(extras ? { extras } : {}) });
  const d0 = distribution(ctx, logitsAt(prefill, 0), seq, { callId: prefill.callId, model: 'target', row: 0, fedIndex: prefill.fedLength - 1, position: seq.length });
  const first = choose(ctx, d0, 0);
  seq.push(first.tokenId);
  const finish = finishOf(ctx, first.tokenId, 0);
  commit(ctx, 0, [{ id: first.tokenId, source: first.source, distId: d0.distId }], 1, finish);
  return { prefill, finished: finish !== undefined };
}
