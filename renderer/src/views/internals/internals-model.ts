/**
 * View models for the internals views: logit-lens records by step, and attention records assembled into one
 * query × key matrix per layer and head over every call up to a step (prefill block + one row per decode call).
 */
import type { AttentionRecord, LayerTopKRecord, ModelCallRecord } from '../../../../engine/trace/schema';
import type { TraceIndex } from '../../trace/trace-index';

export interface InternalsData {
  lens: LayerTopKRecord[];
  attention: AttentionRecord[];
}

const cache = new WeakMap<TraceIndex, InternalsData & { seen: number }>();

/** Incremental scan of the trace for layer_topk and attention records. */
export function internalsOf(trace: TraceIndex): InternalsData {
  let c = cache.get(trace);
  if (!c) cache.set(trace, (c = { seen: 0, lens: [], attention: [] }));
  for (; c.seen < trace.records.length; c.seen++) {
    const r = trace.records[c.seen]!;
    if (r.type === 'layer_topk') c.lens.push(r);
    else if (r.type === 'attention') c.attention.push(r);
  }
  return c;
}

/** The last logit-lens record at or before a step, from the target's calls when the trace says which model ran. */
export function lensAt(lens: readonly LayerTopKRecord[], step: number, trace?: TraceIndex): LayerTopKRecord | undefined {
  let best: LayerTopKRecord | undefined;
  const isTarget = (r: LayerTopKRecord) => (trace?.calls.get(r.callId)?.model ?? 'target') === 'target';
  for (const r of lens) if (r.step <= step && isTarget(r) && (!best || r.step >= best.step)) best = r;
  return best;
}

export interface LensCell {
  id: number;
  prob: number;
  /** The final layer's top token. */
  isFinal: boolean;
}

export interface LensGrid {
  position: number;
  finalId: number;
  /** Rows from the last layer (top) down to the first recorded. */
  rows: { layer: number; cells: LensCell[]; finalRank: number }[];
}

export function lensGrid(r: LayerTopKRecord, k = 8): LensGrid {
  const last = r.layers[r.layers.length - 1]!;
  const finalId = last.topk[0]?.id ?? -1;
  const rows = [...r.layers].reverse().map((l) => {
    const cells = l.topk.slice(0, k).map((e) => ({ id: e.id, prob: e.logprob === null ? 0 : Math.exp(e.logprob), isFinal: e.id === finalId }));
    return { layer: l.layer, cells, finalRank: l.topk.findIndex((e) => e.id === finalId) };
  });
  return { position: r.position, finalId, rows };
}

export interface AttentionMatrix {
  layer: number;
  head: number;
  heads: number;
  layers: number;
  /** Absolute query positions, one per row, and their weights over keys 0..size-1 (0 beyond a row's keys). */
  queryPositions: number[];
  size: number;
  weights: Float32Array;
  /** Row index of the current step's last query. */
  currentRow: number;
  /** allowed[row * size + key]: the mask used for that call (causal or tree parents). */
  allowed: Uint8Array;
  maskKinds: string[];
}

/** The target's attention over all calls up to `step` for one layer and head (batch row 0). */
export function attentionMatrix(trace: TraceIndex, data: InternalsData, step: number, layer: number, head: number): AttentionMatrix | undefined {
  const recs = data.attention.filter((a) => a.layer === layer && a.step <= step);
  if (recs.length === 0) return undefined;
  const layers = Math.max(...data.attention.map((a) => a.layer)) + 1;
  const rows: { pos: number; w: Float32Array; keys: number; call?: ModelCallRecord; q: number }[] = [];
  let heads = 0;
  for (const a of recs) {
    heads = a.heads;
    const h = Math.min(head, a.heads - 1);
    const call = trace.calls.get(a.callId);
    if (call && call.model !== 'target') continue;
    for (let q = 0; q < a.queries; q++) {
      const off = (h * a.queries + q) * a.keys;
      const pos = call ? call.positionIds[0]![q]! : a.keys - a.queries + q;
      rows.push({ pos, w: Float32Array.from(a.weights.slice(off, off + a.keys)), keys: a.keys, q, ...(call ? { call } : {}) });
    }
  }
  const size = Math.max(...rows.map((r) => r.keys));
  const weights = new Float32Array(rows.length * size);
  const allowed = new Uint8Array(rows.length * size);
  const maskKinds = new Set<string>();
  rows.forEach((r, i) => {
    weights.set(r.w, i * size);
    const cacheIn = r.call?.cacheLenIn ?? r.keys - 1;
    if (r.call) maskKinds.add(r.call.maskKind);
    const parents = r.call?.maskParents?.[r.q];
    for (let k = 0; k < r.keys; k++) {
      const ok = k < cacheIn ? true : parents ? parents.includes(k - cacheIn) || k - cacheIn === r.q : k <= cacheIn + r.q;
      allowed[i * size + k] = ok ? 1 : 0;
    }
  });
  return { layer, head: Math.min(head, heads - 1), heads, layers, queryPositions: rows.map((r) => r.pos), size, weights, currentRow: rows.length - 1, allowed, maskKinds: [...maskKinds] };
}
