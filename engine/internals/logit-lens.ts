/**
 * Logit lens: every layer's next-token guess for one fed position, read from the instrumented graph's
 * exit_logits.{i} (final norm + LM head on layer i's hidden state) plus the model's own final logits.
 */
import type { TopKEntry, LayerTopKRecord } from '../trace/schema';

/** Top-k of one logits row with log-softmax over the whole row. */
export function rowTopK(row: Float32Array, k: number): TopKEntry[] {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  const logZ = max + Math.log(sum);
  // Partial selection: keep the k best ids in a small sorted buffer.
  const ids: number[] = [];
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (ids.length === k && v <= row[ids[k - 1]!]!) continue;
    let j = ids.length < k ? ids.length : k - 1;
    ids[j] = i;
    while (j > 0 && row[ids[j - 1]!]! < v) {
      ids[j] = ids[j - 1]!;
      ids[j - 1] = i;
      j--;
    }
  }
  return ids.map((id) => ({ id, logit: row[id]!, logprob: row[id]! - logZ }));
}

export interface LensInput {
  /** exit_logits tensors by layer, each [b, s, V]. */
  exits: { layer: number; data: Float32Array; dims: readonly number[] }[];
  /** The final logits row of the same position. */
  finalRow: Float32Array;
  finalLayer: number;
  /** Fed index within the call (0..s-1) and its absolute position. */
  fedIndex: number;
  position: number;
  k: number;
}

/** The layer_topk record body (without step/callId) for one position of batch row 0. */
export function logitLens(input: LensInput): Pick<LayerTopKRecord, 'position' | 'layers'> {
  const layers = input.exits.map(({ layer, data, dims }) => {
    const [, s, v] = dims as [number, number, number];
    if (input.fedIndex >= s) throw new Error(`exit_logits.${layer}: fed index ${input.fedIndex} outside ${s} positions`);
    return { layer, topk: rowTopK(data.subarray(input.fedIndex * v, (input.fedIndex + 1) * v), input.k) };
  });
  layers.push({ layer: input.finalLayer, topk: rowTopK(input.finalRow, input.k) });
  return { position: input.position, layers };
}
