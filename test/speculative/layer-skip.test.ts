/**
 * Draft & Verify (layer skipping) on the bundled target's onnx/model_skip.onnx: the drafter's cache is exactly the
 * verified cache's kept layers, its draft-exiting rule follows the reference's arithmetic, sampled runs replay from
 * their draws, the skip graph really drafts (acceptance > 0), and the per-step policy state is in the trace.
 * (Greedy ≡ plain greedy on the 20 prompts: greedy-equality.test.ts lists draft-verify.)
 */
import { describe, expect, it } from 'vitest';
import { startRun } from '../../engine/index';
import { KvCache } from '../../engine/kv/cache';
import { analyzeDecoderIo, type ValueInfo } from '../../engine/model/io';
import { hasLayerSkipGraph, openLayerSkip } from '../../engine/model/layer-skip';
import { runChainSpeculation } from '../../engine/speculative/chain-loop';
import { draftExitingPolicy, DRAFT_VERIFY_DEFAULTS, parseDraftVerifyNote } from '../../engine/speculative/draft-exiting';
import { LayerSkipProposer, draftCacheFromTarget } from '../../engine/speculative/layer-skip-proposer';
import { TraceRecord, type TraceRecord as Rec } from '../../engine/trace/schema';
import { committedIds, haveModels, makeContext, runRecords } from './engine-run';

const drawsOf = (records: readonly Rec[]) => records.flatMap((r) => (r.type === 'rng_draw' ? [r.u] : []));
const decisionsOf = (records: readonly Rec[]) => records.flatMap((r) => (r.type === 'verify' ? r.decisions : []));
const notesOf = (records: readonly Rec[], kind: string) => records.flatMap((r) => (r.type === 'note' && r.kind === kind ? [r.message] : []));

/** Two of the speculative bench's prompts (bench/speculative.ts). */
const BENCH_PROMPTS = ['def read_config(path):', 'import os\nimport sys\n\n\ndef main():'];

describe('layer-skip draft cache mapping', () => {
  it('takes exactly the listed target layers, in order, sharing their arrays', () => {
    const shape = { batch: 1, heads: 2, length: 3, headDim: 4 };
    const n = 2 * 3 * 4;
    const layer = (l: number, kv: number) => Float32Array.from({ length: n }, (_, i) => l * 1000 + kv * 100 + i);
    const target = new KvCache(shape, 'float32', [0, 1, 2, 3, 4, 5].map((l) => layer(l, 0)), [0, 1, 2, 3, 4, 5].map((l) => layer(l, 1)));
    const draft = draftCacheFromTarget(target, [1, 3, 4]);
    expect(draft.layers).toBe(3);
    expect(draft.length).toBe(3);
    expect(draft.keys).toEqual([target.keys[1], target.keys[3], target.keys[4]]);
    expect(draft.keys[1]).toBe(target.keys[3]);
    expect(draft.values[2]).toBe(target.values[4]);
    expect(draft.keys.map((k) => k[0])).toEqual([1000, 3000, 4000]);
    expect(() => draftCacheFromTarget(target, [0, 6])).toThrow(/layer 6/);
  });

  it('a graph with KV for layers 0, 2, 5 is accepted only when sparse layers are allowed', () => {
    const kv = (name: string): ValueInfo => ({ name, type: 'float32', shape: ['batch', 4, 'past', 64] });
    const inputs: ValueInfo[] = [
      { name: 'input_ids', type: 'int64', shape: ['batch', 'seq'] },
      { name: 'attention_mask', type: 'int64', shape: ['batch', 'total'] },
      { name: 'position_ids', type: 'int64', shape: ['batch', 'seq'] },
      ...[0, 2, 5].flatMap((l) => [kv(`past_key_values.${l}.key`), kv(`past_key_values.${l}.value`)]),
    ];
    const outputs: ValueInfo[] = [{ name: 'logits', type: 'float32', shape: ['batch', 'seq', 4096] }, ...[0, 2, 5].flatMap((l) => [kv(`present.${l}.key`), kv(`present.${l}.value`)])];
    expect(() => analyzeDecoderIo('skip.onnx', inputs, outputs)).toThrow(/not numbered 0\.\.2: layer 1 is missing/);
    const io = analyzeDecoderIo('skip.onnx', inputs, outputs, { sparseLayers: true });
    expect(io.layerNumbers).toEqual([0, 2, 5]);
    expect(io.layers.map((l) => l.pastKey)).toEqual(['past_key_values.0.key', 'past_key_values.2.key', 'past_key_values.5.key']);
    expect(io.layers[2]!.presentValue).toBe('present.5.value');
  });
});

describe("Draft & Verify's draft-exiting rule", () => {
  const policy = () => draftExitingPolicy({ ...DRAFT_VERIFY_DEFAULTS, threshold: 0.8 });

  it('keeps the low-confidence token and stops; stops at max_step_draft', () => {
    const p = policy();
    expect(p.begin().length).toBe(8);
    expect(p.afterDraft(0, 0.95).continue).toBe(true);
    const stop = p.afterDraft(1, 0.79);
    expect(stop.continue).toBe(false);
    expect(stop.length).toBe(2);
    expect(stop.reason).toMatch(/confidence 0\.7900 < th_stop_draft 0\.8000/);
    expect(p.afterDraft(7, 0.99).continue).toBe(false);
  });

  it('updates the matchness EMA (from 0) and the smoothed threshold as the reference does', () => {
    const p = policy();
    p.update(4, 2); // ema 0.25 < 0.9 → proposed 0.81 → th 0.9·0.8 + 0.1·0.81
    expect(p.state().matchness).toBeCloseTo(0.25, 12);
    expect(p.state().threshold).toBeCloseTo(0.801, 12);
    p.update(8, 8); // ema 0.625 → raise again: 0.9·0.801 + 0.1·0.811
    expect(p.state().matchness).toBeCloseTo(0.625, 12);
    expect(p.state().threshold).toBeCloseTo(0.802, 12);
    p.update(3, 3); // ema 0.8125 → raise: 0.803
    p.update(3, 3); // ema 0.90625 ≥ 0.9, drafted < max → lower by ε: 0.9·0.803 + 0.1·0.793
    expect(p.state().matchness).toBeCloseTo(0.90625, 12);
    expect(p.state().threshold).toBeCloseTo(0.802, 12);
    p.update(8, 8); // ema 0.953 ≥ 0.9 and drafted the max → keep
    expect(p.state().threshold).toBeCloseTo(0.802, 12);
    const fixed = draftExitingPolicy({ ...DRAFT_VERIFY_DEFAULTS, threshold: 0.7, adaptive: false });
    fixed.update(4, 0);
    expect(fixed.state().threshold).toBe(0.7);
  });
});

describe.skipIf(!haveModels || !hasLayerSkipGraph({ path: `${__dirname}/../../assets/models/target` }))('Draft & Verify on the bundled target', () => {
  it('the drafter starts every step from the verified cache’s kept layers', async () => {
    const { ctx } = await makeContext('class Foo:\n    def __init__(self):', { max_new_tokens: 24, do_sample: false }, false);
    const graph = await openLayerSkip(ctx.model);
    expect(graph.kvLayers.length).toBeGreaterThan(0);
    expect(graph.kvLayers.length + graph.skipAttention.length).toBe(ctx.model.manifest.numLayers);
    const proposer = new LayerSkipProposer(ctx, graph);
    let checked = 0;
    const stats = await runChainSpeculation(ctx, proposer, draftExitingPolicy({ ...DRAFT_VERIFY_DEFAULTS, threshold: 0.8 }), {
      afterStep: ({ target }) => {
        const draft = proposer['state'].cache;
        expect(draft.length).toBe(target.cache.length);
        expect(draft.keys).toEqual(graph.kvLayers.map((l) => target.cache.keys[l]));
        graph.kvLayers.forEach((l, i) => expect(draft.values[i]).toBe(target.cache.values[l]));
        checked++;
      },
    });
    expect(checked).toBe(stats.steps);
    expect(stats.drafted).toBeGreaterThan(0);
  }, 300_000);

  it('really drafts: acceptance > 0 on the bench prompts; the policy state is recorded per step', async () => {
    let drafted = 0;
    let accepted = 0;
    for (const prompt of BENCH_PROMPTS) {
      const records = await runRecords('draft-verify', prompt, { max_new_tokens: 48, do_sample: false, eos_token_id: [] });
      const drafts = records.filter((r) => r.type === 'draft');
      for (const d of drafts) expect(d.type === 'draft' && d.source).toMatch(/layer skip/);
      drafted += drafts.reduce((n, d) => n + (d.type === 'draft' ? d.nodes.length : 0), 0);
      accepted += records.reduce((n, r) => n + (r.type === 'verify' ? r.acceptedLength : 0), 0);
      const steps = notesOf(records, 'draft-verify').map(parseDraftVerifyNote);
      expect(steps.length).toBe(drafts.length);
      let committed = 1; // the prefill step's token
      for (const [i, s] of steps.entries()) {
        expect(s).not.toBeNull();
        // drafting ended on low confidence, at max_step_draft, or where max_new_tokens left no more room
        const room = Math.min(8, 48 - committed - 1);
        if (s!.confidence! >= s!.thStopDraft) expect(s!.drafted).toBe(room);
        else expect(s!.drafted).toBeLessThanOrEqual(room);
        // the next step drafts with the updated threshold
        if (i + 1 < steps.length) expect(steps[i + 1]!.thStopDraft).toBeCloseTo(s!.nextThStopDraft, 6);
        committed += s!.accepted + 1;
      }
      expect(steps[0]!.thStopDraft).toBeCloseTo(0.8, 6);
    }
    expect(drafted).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('a sampled run replays exactly from its recorded draws', async () => {
    const prompt = 'def main():\n    parser = argparse.ArgumentParser(';
    const params = { max_new_tokens: 20, do_sample: true, seed: 4321, temperature: 0.9, top_k: 40 };
    const live = await runRecords('layer-skip', prompt, params);
    for (const r of live) expect(() => TraceRecord.parse(r)).not.toThrow();
    const draws = drawsOf(live);
    expect(draws.length).toBeGreaterThan(0);
    expect(decisionsOf(live).some((d) => d.q !== undefined && d.u !== undefined)).toBe(true);
    const replay = await runRecords('self-speculative-skip', prompt, { ...params, seed: 999 }, { replayDraws: draws });
    expect(committedIds(replay)).toEqual(committedIds(live));
    expect(decisionsOf(replay)).toEqual(decisionsOf(live));
    expect(notesOf(replay, 'draft-verify')).toEqual(notesOf(live, 'draft-verify'));
  }, 300_000);

  it('a model without the skip graph gets a message naming the missing file', async () => {
    const records: Rec[] = [];
    const footer = await startRun({ method: 'draft-verify', model: 'draft', prompt: 'def f():', params: { max_new_tokens: 4, do_sample: false } }, (r) => records.push(r)).done;
    expect(footer.status).toBe('error');
    expect(footer.error).toMatch(/no layer-skip drafting graph onnx\/model_skip\.onnx/);
    expect(records.some((r) => r.type === 'commit')).toBe(false);
  }, 120_000);
});
