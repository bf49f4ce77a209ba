/** Decoding strategies on the bundled target model (real ONNX, a few tokens each). */
import { describe, expect, it } from 'vitest';
import { runToEnd, ofType, undefinedTokenUses } from './helpers/run';
import { chiSquare, CHI2_CRITICAL_1E4 } from './helpers/stats';
import { TraceRecord } from '../../engine/trace/schema';
import { loadModel } from '../../engine/model/registry';
import { processLogits } from '../../engine/logits/pipeline';
import { pickByDraw } from '../../engine/logits/sampler';
import { Sfc32 } from '../../engine/logits/rng';
import { logitsAt } from '../../engine/strategies/blocks';
import { summarize } from '../../engine/trace/summary';

const prompt = 'def fibonacci(n):';
const N = 8;
const greedyRequest = { method: 'autoregressive', prompt, params: { max_new_tokens: N, do_sample: false } };

describe('autoregressive decoding', () => {
  it('greedy is deterministic and writes a valid, self-describing trace', async () => {
    const a = await runToEnd(greedyRequest);
    const b = await runToEnd(greedyRequest);
    expect(a.footer.status).toBe('completed');
    expect(b.footer.summary.tokenIds).toEqual(a.footer.summary.tokenIds);
    for (const r of a.records) expect(TraceRecord.safeParse(r).success, JSON.stringify(r).slice(0, 200)).toBe(true);
    expect(undefinedTokenUses(a.records)).toEqual([]);
    const header = ofType(a.records, 'header')[0]!;
    expect(header.models[0]!.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(header.prompt.tokenIds.length).toBeGreaterThan(0);
    const s = a.footer.summary;
    if (s.finishReason === 'length') expect(s.newTokens).toBe(N);
    expect(s.targetForwardPasses).toBe(s.newTokens);
    expect(s.tau).toBe(1);
    expect(s.acceptanceRate).toBeNull();
    expect(summarize(a.records)).toEqual(s);
    // Each greedy choice is the argmax of its recorded distribution.
    const dists = new Map(ofType(a.records, 'distribution').map((d) => [d.distId, d]));
    for (const c of ofType(a.records, 'choice')) {
      expect(c.rule).toBe('argmax');
      expect(c.tokenId).toBe(dists.get(c.distId)!.processed.topk[0]!.id);
    }
  });

  it('sampling with top_k=1 equals greedy', async () => {
    const greedy = await runToEnd(greedyRequest);
    const topk1 = await runToEnd({ ...greedyRequest, params: { max_new_tokens: N, do_sample: true, top_k: 1, temperature: 0.7, seed: 3 } });
    expect(topk1.footer.summary.tokenIds).toEqual(greedy.footer.summary.tokenIds);
    expect(ofType(topk1.records, 'rng_draw').length).toBe(topk1.footer.summary.newTokens);
  });

  it('a sampled run replays exactly from its recorded draws', async () => {
    const params = { max_new_tokens: 12, do_sample: true, temperature: 1.3, top_k: 40, top_p: 0.95, seed: 1234 };
    const first = await runToEnd({ ...greedyRequest, params });
    const draws = ofType(first.records, 'rng_draw');
    expect(draws.map((d) => d.index)).toEqual(draws.map((_, i) => i));
    const replay = await runToEnd({ ...greedyRequest, params: { ...params, seed: 999 } }, { replayDraws: draws.map((d) => d.u) });
    expect(replay.footer.summary.tokenIds).toEqual(first.footer.summary.tokenIds);
    const choices = ofType(first.records, 'choice');
    choices.forEach((c, i) => {
      expect(c.u).toBe(draws[i]!.u);
      expect(c.u! >= c.cumBefore! && c.u! < c.cumBefore! + c.prob + 1e-9).toBe(true);
    });
    // Same seed, no replay: the same run again.
    const again = await runToEnd({ ...greedyRequest, params });
    expect(again.footer.summary.tokenIds).toEqual(first.footer.summary.tokenIds);
  });

  it('sampled frequencies match a real model step’s processed distribution (chi-square)', async () => {
    const m = await loadModel('target');
    const ids = m.tokenizer.encode(prompt);
    const out = await m.primary.forward({ inputIds: [ids], cache: m.primary.emptyCache(), logits: 'last' });
    const p = processLogits(logitsAt(out, 0), ids, { doSample: true, temperature: 2, topK: 12 });
    const support = [...p.scores.keys()].filter((i) => p.scores[i] !== -Infinity);
    const rng = new Sfc32(77);
    const n = 30000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const t = pickByDraw(p.scores, p.logsumexp, rng.uniform()).tokenId;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const expected = support.map((id) => Math.exp(p.scores[id]! - p.logsumexp) * n);
    expect(chiSquare(support.map((id) => counts.get(id) ?? 0), expected)).toBeLessThan(CHI2_CRITICAL_1E4[support.length - 1]!);
  });

  it('forced tokens are committed where asked and the run continues from them', async () => {
    const m = await loadModel('target');
    const forcedId = m.tokenizer.encode(' x')[0]!;
    const r = await runToEnd({ ...greedyRequest, params: { max_new_tokens: 5, do_sample: false }, forced: [{ outputIndex: 1, tokenId: forcedId }] });
    const commits = ofType(r.records, 'commit');
    expect(commits[1]!.tokens[0]).toMatchObject({ id: forcedId, source: 'forced' });
    expect(ofType(r.records, 'note').some((n) => n.kind === 'forced')).toBe(true);
    expect(r.footer.summary.tokenIds[1]).toBe(forcedId);
  });
});

describe('beam search and contrastive search', () => {
  it('beam search with one beam equals greedy', async () => {
    const greedy = await runToEnd(greedyRequest);
    const beam = await runToEnd({ method: 'beam_search', prompt, params: { max_new_tokens: N, do_sample: false, num_beams: 1 } });
    expect(beam.footer.status).toBe('completed');
    expect(beam.footer.summary.tokenIds).toEqual(greedy.footer.summary.tokenIds);
  });

  it('beam search records a beam table per step and reorders the cache rows', async () => {
    const r = await runToEnd({ method: 'beam_search', prompt, params: { max_new_tokens: 5, do_sample: false, num_beams: 3 } });
    expect(r.footer.status).toBe('completed');
    const beams = ofType(r.records, 'beam');
    expect(beams.length).toBeGreaterThan(0);
    for (const b of beams) expect(b.beams.length).toBeLessThanOrEqual(3);
    expect(ofType(r.records, 'cache_op').some((c) => c.op === 'reorder' || c.op === 'expand')).toBe(true);
    for (const rec of r.records) expect(TraceRecord.safeParse(rec).success).toBe(true);
    expect(undefinedTokenUses(r.records)).toEqual([]);
  });

  it('contrastive search with penalty_alpha=0 equals greedy', async () => {
    const greedy = await runToEnd(greedyRequest);
    const cs = await runToEnd({ method: 'contrastive_search', prompt, params: { max_new_tokens: N, do_sample: false, penalty_alpha: 0, top_k: 4 } });
    expect(cs.footer.status).toBe('completed');
    expect(cs.footer.summary.tokenIds).toEqual(greedy.footer.summary.tokenIds);
  });

  it('contrastive search records candidates with confidence, degeneration penalty and score', async () => {
    const alpha = 0.6;
    const r = await runToEnd({ method: 'contrastive_search', prompt, params: { max_new_tokens: 4, do_sample: false, penalty_alpha: alpha, top_k: 3 } });
    const recs = ofType(r.records, 'contrastive');
    expect(recs.length).toBe(r.footer.summary.newTokens);
    recs.forEach((c, i) => {
      expect(c.candidates.length).toBe(3);
      for (const x of c.candidates) expect(x.score).toBeCloseTo((1 - alpha) * x.prob - alpha * x.penalty, 6);
      const best = c.candidates.reduce((a, b) => (b.score > a.score ? b : a));
      expect(c.chosen).toBe(best.tokenId);
      expect(r.footer.summary.tokenIds[i]).toBe(c.chosen);
    });
  });
});
