/**
 * Explicit KV cache: per layer a key and a value tensor laid out [batch, kv_heads, length, head_dim], exactly as
 * ONNX decoder exports take and return them. All operations are host-side copies; none needs the model.
 * float16 caches stay raw Uint16Array bits (never converted), so fp16 models round-trip bit-exactly.
 */

export type KvData = Float32Array | Uint16Array;
export type KvDtype = 'float32' | 'float16';

export interface KvShape {
  batch: number;
  heads: number;
  length: number;
  headDim: number;
}

export class KvCache {
  constructor(
    readonly shape: KvShape,
    readonly dtype: KvDtype,
    /** keys[layer], values[layer]: each batch*heads*length*headDim elements. */
    readonly keys: KvData[],
    readonly values: KvData[],
  ) {
    const n = shape.batch * shape.heads * shape.length * shape.headDim;
    for (let l = 0; l < keys.length; l++) {
      if (keys[l]!.length !== n || values[l]!.length !== n) {
        throw new Error(`KV layer ${l}: ${keys[l]!.length}/${values[l]!.length} elements, expected ${n} for [${shape.batch}, ${shape.heads}, ${shape.length}, ${shape.headDim}]`);
      }
    }
  }

  static empty(layers: number, batch: number, heads: number, headDim: number, dtype: KvDtype): KvCache {
    const make = () => (dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0));
    return new KvCache(
      { batch, heads, length: 0, headDim },
      dtype,
      Array.from({ length: layers }, make),
      Array.from({ length: layers }, make),
    );
  }

  get length(): number {
    return this.shape.length;
  }
  get batch(): number {
    return this.shape.batch;
  }
  get layers(): number {
    return this.keys.length;
  }

  /** Keeps the first `length` positions (speculative rollback). */
  crop(length: number): KvCache {
    if (length < 0 || length > this.length) throw new Error(`cannot crop a KV cache of length ${this.length} to ${length}`);
    if (length === this.length) return this;
    return this.gather(Array.from({ length }, (_, i) => i));
  }

  /** Keeps the given positions, in the given order (committing a tree path: compaction). */
  gather(positions: readonly number[]): KvCache {
    const { batch, heads, length, headDim } = this.shape;
    for (const p of positions) if (!(p >= 0 && p < length)) throw new Error(`gather position ${p} outside the KV cache (length ${length})`);
    const n = positions.length;
    // Runs of consecutive positions copy as one block.
    const copy = (src: KvData): KvData => {
      const dst = src instanceof Uint16Array ? new Uint16Array(batch * heads * n * headDim) : new Float32Array(batch * heads * n * headDim);
      for (let bh = 0; bh < batch * heads; bh++) {
        const srcBase = bh * length * headDim;
        const dstBase = bh * n * headDim;
        let i = 0;
        while (i < n) {
          let j = i + 1;
          while (j < n && positions[j] === positions[j - 1]! + 1) j++;
          const start = srcBase + positions[i]! * headDim;
          dst.set(src.subarray(start, start + (j - i) * headDim), dstBase + i * headDim);
          i = j;
        }
      }
      return dst;
    };
    return new KvCache({ batch, heads, length: n, headDim }, this.dtype, this.keys.map(copy), this.values.map(copy));
  }

  /** New batch made of the given source rows (beam reorder, or expand when rows repeat). */
  selectRows(rows: readonly number[]): KvCache {
    const { batch, heads, length, headDim } = this.shape;
    for (const r of rows) if (!(r >= 0 && r < batch)) throw new Error(`row ${r} outside the KV cache batch (${batch})`);
    const rowSize = heads * length * headDim;
    const copy = (src: KvData): KvData => {
      const dst = src instanceof Uint16Array ? new Uint16Array(rows.length * rowSize) : new Float32Array(rows.length * rowSize);
      rows.forEach((r, i) => dst.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
      return dst;
    };
    return new KvCache({ batch: rows.length, heads, length, headDim }, this.dtype, this.keys.map(copy), this.values.map(copy));
  }

  /** Largest absolute difference to another cache of the same shape (tests: cache vs fresh prefill). */
  maxAbsDiff(other: KvCache, toFloat: (data: KvData) => Float32Array): number {
    if (other.layers !== this.layers || JSON.stringify(other.shape) !== JSON.stringify(this.shape)) return Infinity;
    let worst = 0;
    for (let l = 0; l < this.layers; l++) {
      for (const [a, b] of [
        [this.keys[l]!, other.keys[l]!],
        [this.values[l]!, other.values[l]!],
      ] as const) {
        const fa = toFloat(a);
        const fb = toFloat(b);
        for (let i = 0; i < fa.length; i++) worst = Math.max(worst, Math.abs(fa[i]! - fb[i]!));
      }
    }
    return worst;
  }
}
