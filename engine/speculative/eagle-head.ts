/**
 * The EAGLE feature-level draft head (onnx/eagle.onnx next to the target): one decoder layer over
 * fc(concat(embed(x_{t+1}), f_t)) with its own one-layer KV cache; its logits (through the target's final norm and
 * LM head) are the draft distribution for token t+2 and `hidden_out` is the predicted feature f̂_{t+1}.
 * This module owns the session, the head's cache and its 4-D mask; callers speak in (feature, token, position,
 * visible-slots) rows.
 */
import ort from 'onnxruntime-node';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { KvCache } from '../kv/cache';
import { openOnnxSession, defaultSessionSettings } from '../model/session';
import type { LoadedModel } from '../model/loader';

export interface EagleRows {
  /** Features f (or predicted f̂), one per row, each hiddenSize floats. */
  features: Float32Array[];
  tokens: number[];
  positions: number[];
  /** For each fed row, the cache slots it may see besides its own fed siblings; undefined = the whole cache. */
  visibleSlots?: number[][];
  /** For each fed row, the fed rows (indices into this call) it may see; default causal. */
  visibleFed?: number[][];
}

export interface EagleOutput {
  logits: Float32Array;
  hidden: Float32Array;
  vocab: number;
  hiddenSize: number;
  durationMs: number;
  startedAt: number;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

export function hasEagleHead(model: LoadedModel): boolean {
  return existsSync(join(model.path, 'onnx/eagle.onnx'));
}

export class EagleHead {
  cache: KvCache;
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly kvHeads: number,
    readonly headDim: number,
    readonly hiddenSize: number,
  ) {
    this.cache = KvCache.empty(1, 1, kvHeads, headDim, 'float32');
  }

  static async open(model: LoadedModel): Promise<EagleHead> {
    const path = join(model.path, 'onnx/eagle.onnx');
    if (!existsSync(path)) throw new Error(`model ${model.id}: no onnx/eagle.onnx (EAGLE draft head)`);
    let s = sessions.get(path);
    if (!s) {
      s = openOnnxSession(path, 'onnx/eagle.onnx', defaultSessionSettings());
      sessions.set(path, s);
      s.catch(() => sessions.delete(path));
    }
    const m = model.manifest;
    if (!m.hiddenSize) throw new Error(`model ${model.id}: the manifest has no hiddenSize, needed to feed eagle.onnx`);
    return new EagleHead(await s, m.numKvHeads, m.headDim, m.hiddenSize);
  }

  /** One head pass on `rows`, appended to the head's cache. */
  async run(rows: EagleRows): Promise<EagleOutput> {
    const s = rows.tokens.length;
    const past = this.cache.length;
    const total = past + s;
    const d = this.hiddenSize;
    const hidden = new Float32Array(s * d);
    rows.features.forEach((f, i) => {
      if (f.length !== d) throw new Error(`eagle head: feature ${i} has ${f.length} values, expected ${d}`);
      hidden.set(f, i * d);
    });
    const mask = new Float32Array(s * total);
    for (let i = 0; i < s; i++) {
      const base = i * total;
      const slots = rows.visibleSlots?.[i];
      if (slots) for (const j of slots) mask[base + j] = 1;
      else mask.fill(1, base, base + past);
      const fed = rows.visibleFed?.[i] ?? Array.from({ length: i + 1 }, (_, j) => j);
      for (const j of fed) mask[base + past + j] = 1;
    }
    const kvDims = [1, this.kvHeads, past, this.headDim];
    const feeds: Record<string, ort.Tensor> = {
      hidden_states: new ort.Tensor('float32', hidden, [1, s, d]),
      input_ids: new ort.Tensor('int64', BigInt64Array.from(rows.tokens.map(BigInt)), [1, s]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(rows.positions.map(BigInt)), [1, s]),
      attention_mask: new ort.Tensor('float32', mask, [1, 1, s, total]),
      'past_key_values.0.key': new ort.Tensor('float32', this.cache.keys[0] as Float32Array, kvDims),
      'past_key_values.0.value': new ort.Tensor('float32', this.cache.values[0] as Float32Array, kvDims),
    };
    const startedAt = performance.now();
    const out = await this.session.run(feeds, ['logits', 'hidden_out', 'present.0.key', 'present.0.value']);
    const durationMs = performance.now() - startedAt;
    this.cache = new KvCache(
      { batch: 1, heads: this.kvHeads, length: total, headDim: this.headDim },
      'float32',
      [out['present.0.key']!.data as Float32Array],
      [out['present.0.value']!.data as Float32Array],
    );
    const logits = out['logits']!;
    return { logits: logits.data as Float32Array, hidden: out['hidden_out']!.data as Float32Array, vocab: logits.dims[2] as number, hiddenSize: d, durationMs, startedAt };
  }
}
