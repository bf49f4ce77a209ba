/**
 * Attention maps as inline trace records (no sidecar needed): one `attention` record per layer and call,
 * batch row 0, weights rounded to 1e-4 to keep live messages small.
 */
import type { AttentionRecord } from '../trace/schema';

export function attentionBody(layer: number, data: Float32Array, dims: readonly number[]): Omit<AttentionRecord, 'type' | 'step' | 'callId'> {
  const [, heads, queries, keys] = dims as [number, number, number, number];
  if (dims.length !== 4) throw new Error(`attentions.${layer}: expected [b, H, s, keys], got [${dims}]`);
  const n = heads * queries * keys;
  const weights = new Array<number>(n);
  for (let i = 0; i < n; i++) weights[i] = Math.round(data[i]! * 1e4) / 1e4;
  return { layer, heads, queries, keys, weights };
}
