/** Logit processors against hand-computed Hugging Face semantics; sampler, RNG and replay. */
import { describe, expect, it } from 'vitest';
import * as P from '../../engine/logits/processors';
import { processLogits, activeStages } from '../../engine/logits/pipeline';
import { topKIds, logSumExp, argmax, entropy } from '../../engine/logits/math';
import { pickByDraw, pickArgmax } from '../../engine/logits/sampler';
import { Sfc32, RecordingRng, ReplayRng } from '../../engine/logits/rng';
import { chiSquare, CHI2_CRITICAL_1E4 } from './helpers/stats';

const logs = (probs: number[]) => Float32Array.from(probs.map(Math.log));
const kept = (s: Float32Array) => [...s.keys()].filter((i) => s[i] !== -Infinity);

describe('processors (HF semantics)', () => {
  it('repetition penalty divides positive and multiplies negative scores, once per id, prompt included', () => {
    const s = Float32Array.from([2, -1, 0.5, 3]);
    P.repetitionPenalty(s, [0, 1, 1, 0], 2);
    expect([...s]).toEqual([1, -2, 0.5, 3]);
  });

  it('temperature divides every score', () => {
    const s = Float32Array.from([2, -1, 0.5]);
    P.temperature(s, 0.5);
    expect([...s]).toEqual([4, -2, 1]);
    expect(() => P.temperature(s, 0)).toThrow(/do_sample=false/);
  });

  it('top-k keeps ties with the k-th score and honours min_tokens_to_keep', () => {
    const s = Float32Array.from([1, 3, 3, 2, 3]);
    expect(P.topK(s, 2)).toBe(2);
    expect(kept(s)).toEqual([1, 2, 4]);
    const t = Float32Array.from([1, 4, 3, 2]);
    P.topK(t, 1, 2);
    expect(kept(t)).toEqual([1, 2]);
  });

  it('top-p removes the tail whose cumulative mass is <= 1 - p, keeping min_tokens_to_keep', () => {
    const probs = [0.5, 0.3, 0.15, 0.05];
    let s = logs(probs);
    P.topP(s, 0.75);
    expect(kept(s)).toEqual([0, 1]);
    s = logs(probs);
    P.topP(s, 0.9);
    expect(kept(s)).toEqual([0, 1, 2]);
    s = logs(probs);
    P.topP(s, 0.1);
    expect(kept(s)).toEqual([0]);
    s = logs(probs);
    P.topP(s, 0.1, 2);
    expect(kept(s)).toEqual([0, 1]);
  });

  it('min-p removes tokens below min_p times the top probability', () => {
    const s = logs([0.5, 0.3, 0.15, 0.05]);
    P.minP(s, 0.2);
    expect(kept(s)).toEqual([0, 1, 2]);
  });

  it('typical keeps the tokens closest to the entropy until the mass is reached', () => {
    // H = 1.27985; |−ln p − H| = [0.3635, 0.0758, 0.3296, 1.0227]; sorted ids 1,2,0,3 with cumulative 0.3,0.5,0.9,1.0
    let s = logs([0.4, 0.3, 0.2, 0.1]);
    P.typical(s, 0.6);
    expect(kept(s)).toEqual([0, 1, 2]);
    s = logs([0.4, 0.3, 0.2, 0.1]);
    P.typical(s, 0.4);
    expect(kept(s)).toEqual([1, 2]);
  });

  it('adds no stage for no-op settings, and only repetition penalty when not sampling', () => {
    expect(activeStages({ doSample: true, temperature: 1, topK: 0, topP: 1, minP: 0, typicalP: 1, repetitionPenalty: 1 })).toEqual([]);
    expect(activeStages({ doSample: false, temperature: 0.5, topK: 3, repetitionPenalty: 1.3 }).map((s) => s.name)).toEqual(['repetition_penalty']);
    expect(activeStages({ doSample: true, temperature: 0.5, topK: 3, topP: 0.9, minP: 0.1, typicalP: 0.9, repetitionPenalty: 1.3 }).map((s) => s.name)).toEqual([
      'repetition_penalty',
      'temperature',
      'top_k',
      'top_p',
      'min_p',
      'typical_p',
    ]);
  });

  it('records which raw top-k ids each stage removed, the top-k after it and the log-sum-exp', () => {
    const raw = logs([0.4, 0.3, 0.2, 0.06, 0.04]);
    const p = processLogits(raw, [], { doSample: true, topK: 3, topP: 0.6 }, { record: true, topk: 5 });
    const [k, tp] = p.record!.stages;
    expect(k!.name).toBe('top_k');
    expect(k!.removedIds.sort()).toEqual([3, 4]);
    expect(k!.removedCount).toBe(2);
    expect(tp!.name).toBe('top_p');
    // renormalised over {0,1,2}: 0.444, 0.333, 0.222 -> tail cum 0.222 <= 0.4 removed
    expect(tp!.removedIds).toEqual([2]);
    expect(p.record!.processed.support).toBe(2);
    expect(p.record!.processed.topk.filter((e) => e.logit !== null).map((e) => e.id)).toEqual([0, 1]);
    expect(p.record!.processed.logsumexp).toBeCloseTo(Math.log(0.7), 5);
    expect(p.record!.raw.logsumexp).toBeCloseTo(0, 5);
    expect(raw[3]).toBeCloseTo(Math.log(0.06), 6); // the raw vector is left untouched
  });
});

describe('math and sampler', () => {
  it('top-k ids come in descending order with ties by ascending id, without sorting the vocabulary', () => {
    const s = Float32Array.from([1, 5, 3, 5, -Infinity, 3, 0]);
    expect(topKIds(s, 4)).toEqual([1, 3, 2, 5]);
    expect(topKIds(s, 100)).toEqual([1, 3, 2, 5, 0, 6]);
    expect(argmax(s)).toBe(1);
  });

  it('log-sum-exp and entropy ignore removed entries', () => {
    const s = Float32Array.from([Math.log(0.5), Math.log(0.5), -Infinity]);
    expect(logSumExp(s)).toBeCloseTo(0, 6);
    expect(entropy(s, 0)).toBeCloseTo(Math.log(2), 6);
  });

  it('a draw u lands in [cumBefore, cumBefore + prob) in descending-probability order', () => {
    const s = logs([0.2, 0.5, 0.3]);
    expect(pickByDraw(s, 0, 0)).toMatchObject({ tokenId: 1, rank: 0, cumBefore: 0 });
    expect(pickByDraw(s, 0, 0.5)).toMatchObject({ tokenId: 2, rank: 1 });
    expect(pickByDraw(s, 0, 0.79).tokenId).toBe(2);
    const last = pickByDraw(s, 0, 0.81);
    expect(last).toMatchObject({ tokenId: 0, rank: 2 });
    expect(last.cumBefore).toBeCloseTo(0.8, 6);
    expect(pickArgmax(s, 0)).toMatchObject({ tokenId: 1, rank: 0 });
  });

  it('sampled frequencies match the processed distribution (chi-square, fixed seed)', () => {
    const probs = [0.31, 0.22, 0.17, 0.12, 0.1, 0.05, 0.03];
    const s = logs(probs);
    const rng = new Sfc32(12345);
    const counts = new Array(probs.length).fill(0);
    const n = 40000;
    for (let i = 0; i < n; i++) counts[pickByDraw(s, logSumExp(s), rng.uniform()).tokenId]++;
    expect(chiSquare(counts, probs.map((p) => p * n))).toBeLessThan(CHI2_CRITICAL_1E4[probs.length - 1]!);
  });
});

describe('rng', () => {
  it('is deterministic per seed, differs across seeds, and stays in [0, 1)', () => {
    const a = new Sfc32(42);
    const b = new Sfc32(42);
    const c = new Sfc32(43);
    const xa = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xa);
    const big = new Sfc32(2 ** 40 + 7);
    for (let i = 0; i < 1000; i++) {
      const u = big.uniform();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('records every draw, and a replay feeds the same values back', () => {
    const drawn: number[] = [];
    const rec = new RecordingRng(9, (u) => drawn.push(u));
    const values = [rec.next('sample'), rec.next('accept'), rec.next('sample')];
    expect(drawn).toEqual(values);
    const replay = new ReplayRng(JSON.parse(JSON.stringify(drawn)) as number[]);
    expect([replay.next('sample'), replay.next('accept'), replay.next('sample')]).toEqual(values);
    expect(() => replay.next('sample')).toThrow(/ran out/);
  });
});
