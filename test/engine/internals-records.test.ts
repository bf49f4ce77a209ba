/** Logit lens and inline attention records from a real run of the bundled target (instrumented graph). */
import { describe, expect, it } from 'vitest';
import { ofType, runToEnd } from './helpers/run';
import { TraceRecord } from '../../engine/trace/schema';
import { rowTopK } from '../../engine/internals/logit-lens';
import { resolve } from 'node:path';

const prompt = 'def add(a, b):';

describe('internals records', () => {
  it('rowTopK picks the k largest in order with log-softmax probabilities', () => {
    const row = new Float32Array([0.5, 3, -1, 2, 3.5, 0]);
    const top = rowTopK(row, 3);
    expect(top.map((e) => e.id)).toEqual([4, 1, 3]);
    const z = Math.log([...row].reduce((s, v) => s + Math.exp(v), 0));
    expect(top[0]!.logprob!).toBeCloseTo(3.5 - z, 5);
  });

  it('records a logit lens whose last layer is the final top-k and attention rows that sum to 1', async () => {
    const { records, footer } = await runToEnd({
      method: 'autoregressive',
      prompt,
      params: { max_new_tokens: 4, do_sample: false },
      record: { logitLens: true, attentions: true },
    });
    expect(footer.status).toBe('completed');
    for (const r of records) expect(() => TraceRecord.parse(r)).not.toThrow();
    const calls = ofType(records, 'model_call');
    const lens = ofType(records, 'layer_topk');
    expect(lens.length).toBe(calls.length);
    const dists = ofType(records, 'distribution');
    for (const l of lens) {
      expect(l.layers.map((x) => x.layer)).toEqual([1, 2, 3, 4, 5, 6]);
      const last = l.layers[l.layers.length - 1]!.topk;
      const dist = dists.find((d) => d.callId === l.callId)!;
      // The lens's final layer is the model's own raw distribution.
      expect(last.map((e) => e.id)).toEqual(dist.raw.topk.slice(0, last.length).map((e) => e.id));
      for (let i = 0; i < last.length; i++) expect(last[i]!.logprob!).toBeCloseTo(dist.raw.topk[i]!.logprob!, 4);
    }
    const atts = ofType(records, 'attention');
    expect(atts.length).toBe(calls.length * 6);
    for (const a of atts) {
      const call = calls.find((c) => c.callId === a.callId)!;
      expect(a.queries).toBe(call.inputIds[0]!.length);
      expect(a.keys).toBe(call.cacheLenOut);
      for (let row = 0; row < a.heads * a.queries; row++) {
        const sum = a.weights.slice(row * a.keys, (row + 1) * a.keys).reduce((s, v) => s + v, 0);
        expect(sum).toBeCloseTo(1, 2);
        // Causal: query q (absolute cacheLenIn + q) sees no later key.
        const q = row % a.queries;
        for (let k = call.cacheLenIn + q + 1; k < a.keys; k++) expect(a.weights[row * a.keys + k]).toBe(0);
      }
    }
  }, 120_000);

  it('refuses logitLens for a model without exit logits, naming the field', async () => {
    const { startRun } = await import('../../engine/runner/start-run');
    const c = startRun({ method: 'autoregressive', prompt, model: resolve('test/fixtures/models/tiny-llama'), params: { max_new_tokens: 2, do_sample: false }, record: { logitLens: true } }, () => {});
    await expect(c.done).rejects.toThrow(/record\.logitLens/);
  }, 60_000);
});
