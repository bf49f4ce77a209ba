/** View models of the internals views: logit-lens grid and the assembled attention matrix with its mask. */
import { describe, expect, it } from 'vitest';
import { TraceIndex } from '../../renderer/src/trace/trace-index';
import { attentionMatrix, internalsOf, lensAt, lensGrid } from '../../renderer/src/views/internals/internals-model';
import { heatmapPixels, VIRIDIS_LUT } from '../../renderer/src/views/internals/heatmap';
import type { TraceRecord } from '../../engine/trace/schema';

const call = (step: number, callId: number, ids: number[], cacheLenIn: number, extra: object = {}): TraceRecord =>
  ({ type: 'model_call', step, callId, startMs: 0, durationMs: 1, model: 'target', purpose: callId === 0 ? 'prefill' : 'decode', inputIds: [ids], positionIds: [ids.map((_, i) => cacheLenIn + i)], maskKind: 'causal', cacheLenIn, cacheLenOut: cacheLenIn + ids.length, outputs: ['logits'], ...extra }) as TraceRecord;

function trace(): TraceIndex {
  const t = new TraceIndex();
  t.append([
    call(0, 0, [5, 6], 0),
    // heads 1, queries 2, keys 2: causal prefill
    { type: 'attention', step: 0, callId: 0, layer: 0, heads: 1, queries: 2, keys: 2, weights: [1, 0, 0.25, 0.75] },
    { type: 'layer_topk', step: 0, callId: 0, position: 1, layers: [
      { layer: 1, topk: [{ id: 9, logit: 1, logprob: Math.log(0.5) }, { id: 7, logit: 0, logprob: Math.log(0.2) }] },
      { layer: 2, topk: [{ id: 7, logit: 2, logprob: Math.log(0.6) }, { id: 9, logit: 1, logprob: Math.log(0.3) }] },
    ] },
    call(1, 1, [7], 2, { maskKind: 'tree', maskParents: [[]] }),
    { type: 'attention', step: 1, callId: 1, layer: 0, heads: 1, queries: 1, keys: 3, weights: [0.1, 0.2, 0.7] },
  ] as TraceRecord[]);
  return t;
}

describe('internals view models', () => {
  it('puts the final layer on top and marks where earlier layers rank its choice', () => {
    const t = trace();
    const rec = lensAt(internalsOf(t).lens, 5)!;
    const g = lensGrid(rec);
    expect(g.finalId).toBe(7);
    expect(g.rows.map((r) => r.layer)).toEqual([2, 1]);
    expect(g.rows[1]!.finalRank).toBe(1);
    expect(g.rows[1]!.cells.map((c) => c.isFinal)).toEqual([false, true]);
    expect(g.rows[0]!.cells[0]!.prob).toBeCloseTo(0.6, 6);
  });

  it('stacks the prefill block and decode rows into one matrix with the causal mask and current row', () => {
    const t = trace();
    const m = attentionMatrix(t, internalsOf(t), 1, 0, 0)!;
    expect(m.size).toBe(3);
    expect(m.queryPositions).toEqual([0, 1, 2]);
    expect([...m.weights]).toEqual([1, 0, 0, 0.25, 0.75, 0, 0.1, 0.2, 0.7].map(Math.fround));
    expect([...m.allowed]).toEqual([1, 0, 0, 1, 1, 0, 1, 1, 1]);
    expect(m.currentRow).toBe(2);
    expect(m.maskKinds).toEqual(['causal', 'tree']);
    // At step 0 only the prefill rows exist.
    expect(attentionMatrix(t, internalsOf(t), 0, 0, 0)!.queryPositions).toEqual([0, 1]);
    expect(attentionMatrix(t, internalsOf(t), 1, 3, 0)).toBeUndefined();
  });

  it('paints masked cells grey and weights through the viridis table', () => {
    const t = trace();
    const px = heatmapPixels(attentionMatrix(t, internalsOf(t), 0, 0, 0)!);
    expect([...px.slice(4, 8)]).toEqual([128, 128, 128, 255]);
    expect([...px.slice(0, 3)]).toEqual([...VIRIDIS_LUT.slice(255 * 3, 256 * 3)]);
  });
});
