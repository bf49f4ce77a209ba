/**
 * The "bare" baseline: the smallest honest greedy loop on onnxruntime-node — the same model file and the same
 * session options as the engine, a KV cache fed back as past_key_values, argmax over the last logits row in JS,
 * and nothing else (no tracing, no distributions, no tokenizer work inside the loop).
 */
import ort from 'onnxruntime-node';
import { openOnnxSession } from '../engine/model/session';

export class BareGreedy {
  private constructor(private readonly session: ort.InferenceSession, private readonly layers: number, private readonly kvHeads: number, private readonly headDim: number) {}

  static async open(modelPath: string, layers: number, kvHeads: number, headDim: number): Promise<BareGreedy> {
    return new BareGreedy(await openOnnxSession(modelPath, modelPath), layers, kvHeads, headDim);
  }

  /** Greedy-decodes `newTokens` tokens after `promptIds` (stops early at one of `eos`). */
  async generate(promptIds: readonly number[], newTokens: number, eos: readonly number[]): Promise<number[]> {
    const past: Record<string, ort.Tensor> = {};
    for (let i = 0; i < this.layers; i++) {
      past[`past_key_values.${i}.key`] = new ort.Tensor('float32', new Float32Array(0), [1, this.kvHeads, 0, this.headDim]);
      past[`past_key_values.${i}.value`] = new ort.Tensor('float32', new Float32Array(0), [1, this.kvHeads, 0, this.headDim]);
    }
    const out: number[] = [];
    let fed = [...promptIds];
    let pastLen = 0;
    while (out.length < newTokens) {
      const n = fed.length;
      const feeds: Record<string, ort.Tensor> = {
        ...past,
        input_ids: new ort.Tensor('int64', BigInt64Array.from(fed, BigInt), [1, n]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLen + n).fill(1n), [1, pastLen + n]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLen + i)), [1, n]),
      };
      const result = await this.session.run(feeds);
      const logits = result.logits.data as Float32Array;
      const vocab = result.logits.dims[2];
      const row = (n - 1) * vocab;
      let best = 0;
      let bestValue = -Infinity;
      for (let v = 0; v < vocab; v++) {
        const x = logits[row + v];
        if (x > bestValue) {
          bestValue = x;
          best = v;
        }
      }
      out.push(best);
      if (eos.includes(best)) break;
      for (let i = 0; i < this.layers; i++) {
        past[`past_key_values.${i}.key`] = result[`present.${i}.key`];
        past[`past_key_values.${i}.value`] = result[`present.${i}.value`];
      }
      pastLen += n;
      fed = [best];
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
