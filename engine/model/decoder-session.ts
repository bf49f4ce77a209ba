/**
 * One ONNX decoder session and the only place that builds feeds and reads outputs. Callers speak in token ids,
 * positions, an optional visibility list (tree/lookahead masks) and a KvCache; they never see ONNX names.
 */
import ort from 'onnxruntime-node';
import { KvCache, type KvData } from '../kv/cache';
import { halfArrayToFloat32, float32ArrayToHalf } from './fp16';
import type { DecoderIo } from './io';

export interface ForwardInput {
  /** Token ids per batch row; every row feeds the same number of tokens. */
  inputIds: readonly (readonly number[])[];
  /** Absolute positions per row; default cacheLength + index. */
  positionIds?: readonly (readonly number[])[];
  /** For each fed position, the fed positions it may see besides the whole cache (tree masks). Default: causal. */
  visible?: readonly (readonly number[])[];
  cache: KvCache;
  /** 'last': logits of the last fed position only; 'all': every fed position. */
  logits: 'last' | 'all';
  extras?: { attentions?: boolean; hiddenStates?: boolean | 'last'; exitLogits?: boolean; medusa?: boolean };
  /**
   * Padding mask per row over cache + fed positions (1 = real token, 0 = padding), as in Hugging Face batched
   * generation with left padding. Default: every slot is real. The caller keeps passing it as the cache grows.
   */
  attentionMask?: readonly (readonly number[])[];
}

export interface OutputTensor {
  data: Float32Array;
  dims: number[];
}

export interface ForwardOutput {
  /** [batch, positions, vocab] as float32. */
  logits: Float32Array;
  /** Positions per row present in `logits` (1 for 'last'). */
  positions: number;
  vocab: number;
  /** The cache after this call: the old one plus the fed tokens. */
  cache: KvCache;
  /** Extra outputs by ONNX name, converted to float32. */
  extras: Map<string, OutputTensor>;
  outputNames: string[];
  startedAt: number;
  durationMs: number;
}

export class DecoderSession {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly session: ort.InferenceSession,
    readonly io: DecoderIo,
    readonly kvHeads: number,
    readonly headDim: number,
  ) {}

  get treeMask(): boolean {
    return this.io.attentionMask?.kind === '4d';
  }

  emptyCache(batch = 1): KvCache {
    return KvCache.empty(this.io.layers.length, batch, this.kvHeads, this.headDim, this.io.kvDtype);
  }

  async forward(input: ForwardInput): Promise<ForwardOutput> {
    const io = this.io;
    const batch = input.inputIds.length;
    const seq = input.inputIds[0]?.length ?? 0;
    if (batch === 0 || seq === 0) throw new Error(`${this.file}: forward needs at least one token`);
    for (const row of input.inputIds) if (row.length !== seq) throw new Error(`${this.file}: all batch rows must feed the same number of tokens`);
    const cache = input.cache;
    if (cache.batch !== batch) throw new Error(`${this.file}: cache has ${cache.batch} rows but ${batch} rows are fed`);
    const past = cache.length;
    const total = past + seq;

    const feeds: Record<string, ort.Tensor> = {};
    const ids = new BigInt64Array(batch * seq);
    input.inputIds.forEach((row, b) => row.forEach((t, i) => (ids[b * seq + i] = BigInt(t))));
    feeds[io.inputIds] = new ort.Tensor('int64', ids, [batch, seq]);

    if (io.positionIds) {
      const pos = new BigInt64Array(batch * seq);
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < seq; i++) pos[b * seq + i] = BigInt(input.positionIds ? input.positionIds[b]![i]! : past + i);
      }
      feeds[io.positionIds] = new ort.Tensor('int64', pos, [batch, seq]);
    } else if (input.positionIds && input.positionIds.some((row) => row.some((p, i) => p !== past + i))) {
      throw new Error(`${this.file}: has no position_ids input, so it cannot take explicit positions`);
    }

    const mask = io.attentionMask;
    const padding = input.attentionMask;
    if (padding) {
      if (padding.length !== batch || padding.some((row) => row.length !== total)) throw new Error(`attentionMask: expected ${batch} rows of ${total} (cache ${past} + fed ${seq}) entries of 0/1`);
      if (!mask) throw new Error(`${this.file}: has no attention_mask input, so it cannot take a padded batch`);
    }
    if (mask?.kind === '2d') {
      if (input.visible && !isCausal(input.visible)) throw new Error(`${this.file}: a tree/custom mask needs a 4-D attention_mask input (this model takes a 2-D one)`);
      const m = new BigInt64Array(batch * total).fill(1n);
      if (padding) padding.forEach((row, b) => row.forEach((v, j) => v === 0 && (m[b * total + j] = 0n)));
      feeds[mask.name] = new ort.Tensor('int64', m, [batch, total]);
    } else if (mask?.kind === '4d') {
      const m = new Float32Array(batch * seq * total);
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < seq; i++) {
          const base = (b * seq + i) * total;
          m.fill(1, base, base + past);
          if (input.visible) for (const j of input.visible[i]!) m[base + past + j] = 1;
          else m.fill(1, base + past, base + past + i + 1);
          // Padding slots are hidden from every query (a fully padded query row still sees itself: no NaN rows).
          if (padding) for (let j = 0; j < total; j++) if (padding[b]![j] === 0 && j !== past + i) m[base + j] = 0;
        }
      }
      feeds[mask.name] = mask.dtype === 'float16' ? new ort.Tensor('float16', float32ArrayToHalf(m), [batch, 1, seq, total]) : new ort.Tensor('float32', m, [batch, 1, seq, total]);
    } else if (input.visible && !isCausal(input.visible)) {
      throw new Error(`${this.file}: has no attention_mask input, so it cannot take a tree mask`);
    }

    if (io.useCacheBranch) feeds[io.useCacheBranch] = new ort.Tensor('bool', [past > 0], [1]);
    if (io.numLogitsToKeep) feeds[io.numLogitsToKeep] = new ort.Tensor('int64', BigInt64Array.of(input.logits === 'last' ? 1n : 0n), []);

    const kvDims = [batch, this.kvHeads, past, this.headDim];
    const kvType = io.kvDtype;
    io.layers.forEach((l, i) => {
      feeds[l.pastKey] = new ort.Tensor(kvType, cache.keys[i]! as Float32Array, kvDims);
      feeds[l.pastValue] = new ort.Tensor(kvType, cache.values[i]! as Float32Array, kvDims);
    });

    const fetch: string[] = [io.logits];
    for (const l of io.layers) fetch.push(l.presentKey, l.presentValue);
    const ex = input.extras ?? {};
    if (ex.attentions) fetch.push(...io.attentions);
    if (ex.hiddenStates === 'last' && io.hiddenStates.length) fetch.push(io.hiddenStates[io.hiddenStates.length - 1]!);
    else if (ex.hiddenStates === true) fetch.push(...io.hiddenStates);
    if (ex.exitLogits) fetch.push(...io.exitLogits.map((e) => e.name));
    if (ex.medusa && io.medusaLogits) fetch.push(io.medusaLogits);

    const startedAt = performance.now();
    const out = await this.session.run(feeds, fetch);
    const durationMs = performance.now() - startedAt;

    const lt = out[io.logits]!;
    const [lb, ls, vocab] = lt.dims as number[];
    if (lb !== batch || vocab === undefined) throw new Error(`${this.file}: logits came back with shape [${lt.dims.join(', ')}]`);
    let logits = toFloat32(lt);
    let positions = ls!;
    if (input.logits === 'last' && positions > 1) {
      const last = new Float32Array(batch * vocab);
      for (let b = 0; b < batch; b++) last.set(logits.subarray((b * positions + positions - 1) * vocab, (b * positions + positions) * vocab), b * vocab);
      logits = last;
      positions = 1;
    }
    const keys: KvData[] = [];
    const values: KvData[] = [];
    for (const l of io.layers) {
      keys.push(out[l.presentKey]!.data as KvData);
      values.push(out[l.presentValue]!.data as KvData);
    }
    const extras = new Map<string, OutputTensor>();
    for (const name of fetch.slice(1 + 2 * io.layers.length)) extras.set(name, { data: toFloat32(out[name]!), dims: [...out[name]!.dims] });
    return {
      logits,
      positions,
      vocab,
      cache: new KvCache({ batch, heads: this.kvHeads, length: total, headDim: this.headDim }, kvType, keys, values),
      extras,
      outputNames: fetch,
      startedAt,
      durationMs,
    };
  }
}

function isCausal(visible: readonly (readonly number[])[]): boolean {
  return visible.every((v, i) => v.length === i + 1 && v.every((j, k) => j === k));
}

export function toFloat32(t: ort.Tensor): Float32Array {
  if (t.type === 'float16') return halfArrayToFloat32(t.data as Uint16Array);
  if (t.type === 'float32') return t.data as Float32Array;
  throw new Error(`unexpected output dtype ${t.type}`);
}
