/**
 * A deterministic toy "language model" over token ids for the pure-logic Jacobi/lookahead/SJD tests: the logits of
 * the next token are a hash of the last `order` context tokens. Small vocabularies make Jacobi show both
 * fast-forwarding and tokens that are right despite a wrong context. Not a stand-in for the engine: strategy tests
 * run the real ONNX models.
 */
import { argmax } from '../../engine/speculative/dist';

export class ToyLm {
  constructor(
    readonly vocab: number,
    readonly seed: number,
    /** How many trailing context tokens the next token depends on. */
    readonly order = 2,
    /** Logit spread: larger = more peaked distributions. */
    readonly scale = 3,
  ) {}

  logits(context: readonly number[]): Float64Array {
    const tail = context.slice(Math.max(0, context.length - this.order));
    let h = (2166136261 ^ this.seed) >>> 0;
    for (const t of tail) h = Math.imul(h ^ (t + 1), 16777619) >>> 0;
    const out = new Float64Array(this.vocab);
    for (let v = 0; v < this.vocab; v++) {
      let x = Math.imul(h ^ Math.imul(v + 1, 0x9e3779b1), 0x85ebca6b) >>> 0;
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
      x = (x ^ (x >>> 16)) >>> 0;
      out[v] = (x / 4294967296) * this.scale;
    }
    return out;
  }

  probs(context: readonly number[]): Float32Array {
    const l = this.logits(context);
    let max = -Infinity;
    for (const v of l) max = Math.max(max, v);
    const p = new Float32Array(this.vocab);
    let total = 0;
    for (let i = 0; i < l.length; i++) total += p[i] = Math.exp(l[i]! - max);
    for (let i = 0; i < p.length; i++) p[i]! /= total;
    return p;
  }

  pick(context: readonly number[]): number {
    return argmax(this.logits(context));
  }

  greedy(prompt: readonly number[], count: number, eos?: number): number[] {
    const out: number[] = [];
    while (out.length < count) {
      const t = this.pick([...prompt, ...out]);
      out.push(t);
      if (t === eos) break;
    }
    return out;
  }
}
