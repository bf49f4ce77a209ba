/**
 * Beam multinomial sampling (beam_search with do_sample): the without-replacement draw against its exact law,
 * the HF selection rules on hand-made steps, the first-step output law on the real model (chi-square), and real
 * runs that record every draw, replay from them and repeat under the same seed.
 */
import { describe, expect, it } from 'vitest';
import { runToEnd, ofType, undefinedTokenUses } from './helpers/run';
import { chiSquare, CHI2_CRITICAL_1E4 } from './helpers/stats';
import { TraceRecord, type BeamRecord } from '../../engine/trace/schema';
import { drawWithoutReplacement } from '../../engine/logits/sampler';
import { BeamSearch } from '../../engine/strategies/beam-core';
import { loadModel } from '../../engine/model/registry';
import { processLogits } from '../../engine/logits/pipeline';
import { logSoftmax } from '../../engine/logits/math';
import { Sfc32 } from '../../engine/logits/rng';
import { logitsAt } from '../../engine/strategies/blocks';
import { buildRequest } from '../../engine/cli/commands/run';
import { listMethods } from '../../engine/strategies/registry';

const prompt = 'def fibonacci(n):';
const sampled = { max_new_tokens: 10, do_sample: true, num_beams: 3, temperature: 0.9, top_k: 20, seed: 1 };
const request = (params: Record<string, unknown>) => ({ method: 'beam_search', prompt, params: { ...sampled, ...params } as typeof sampled });

/** Feeds these uniforms in order. */
const feed = (us: number[]) => {
  let i = 0;
  return () => us[i++]!;
};

describe('drawing without replacement', () => {
  it('the first two draws follow p_i · p_j / (1 − p_i) exactly (every u on a 400 × 400 grid)', () => {
    // Deliberately not in descending order: the caller's order decides the walk, the law must not care.
    const p = [0.15, 0.5, 0.05, 0.3];
    const order = [1, 3, 0, 2];
    const n = 400;
    const counts = new Map<string, number>();
    let malformed = 0;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const d = drawWithoutReplacement(p, order, 2, feed([(a + 0.5) / n, (b + 0.5) / n]));
        const located = d.every((x) => x.u * x.massLeft >= x.cumBefore - 1e-12 && x.u * x.massLeft < x.cumBefore + x.prob + 1e-12);
        if (d.length !== 2 || d[0]!.index === d[1]!.index || !located) malformed++;
        const key = `${d[0]!.index},${d[1]!.index}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    expect(malformed).toBe(0);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        const exact = (p[i]! * p[j]!) / (1 - p[i]!);
        // The first draw's intervals sit on the grid; the second's are exact to within one grid cell.
        expect(Math.abs((counts.get(`${i},${j}`) ?? 0) / n ** 2 - exact)).toBeLessThanOrEqual(p[i]! / n + 1e-9);
      }
    }
  });

  it('never draws a zero-probability entry and stops when the positive mass is used up', () => {
    const d = drawWithoutReplacement([0.7, 0, 0.3], [0, 2, 1], 3, feed([0.99, 0.99, 0.99]));
    expect(d.map((x) => x.index)).toEqual([2, 0]);
    expect(d[1]!.massLeft).toBeCloseTo(0.7, 12);
  });
});

describe('beam sampling rules (hand-made steps, V = 4, EOS = 0)', () => {
  const eos = new Set([0]);
  const lp = Float32Array.from([0.1, 0.6, 0.2, 0.1].map(Math.log));
  const search = (maxNewTokens = 5) => new BeamSearch({ numBeams: 1, lengthPenalty: 1, eos, earlyStopping: false, maxNewTokens });

  it('the best-scoring drawn non-EOS candidate runs on, whatever its draw position', () => {
    const s = search();
    // Walk order: 1 [0, .6), 2 [.6, .8), 0 [.8, .9), 3 [.9, 1). u1 = .95 → 3; then .75 · .9 = .675 → 2.
    const r = s.stepSampled([lp], feed([0.95, 0.75]));
    expect(r.candidates.map((c) => c.tokenId)).toEqual([3, 2]);
    expect(r.candidates.map((c) => c.kept)).toEqual([false, true]);
    expect(r.beams.map((b) => b.tokens)).toEqual([[2]]);
    expect(s.finished).toEqual([]);
  });

  it('an EOS candidate finishes only when drawn among the first num_beams', () => {
    const first = search();
    const r1 = first.stepSampled([lp], feed([0.85, 0.1]));
    expect(r1.candidates.map((c) => [c.tokenId, c.finished, c.kept])).toEqual([[0, true, false], [1, false, true]]);
    expect(first.finished.map((f) => f.tokens)).toEqual([[0]]);
    const second = search();
    // u1 = .1 → 1; left: 2 [0, .2), 0 [.2, .3), 3 [.3, .4); u2 = .6 → .24 → EOS, drawn second: pruned.
    const r2 = second.stepSampled([lp], feed([0.1, 0.6]));
    expect(r2.candidates.map((c) => [c.tokenId, c.finished, c.kept])).toEqual([[1, false, true], [0, false, false]]);
    expect(second.finished).toEqual([]);
  });

  it('at the length limit the first num_beams drawn finish, not the best drawn', () => {
    const s = search(1);
    const r = s.stepSampled([lp], feed([0.95, 0.1]));
    expect(r.done).toBe(true);
    expect(r.candidates.map((c) => [c.tokenId, c.finished])).toEqual([[3, true], [1, false]]);
    expect(s.best()!.tokens).toEqual([3]);
  });
});

describe('beam sampling on the real model', () => {
  it('first step, num_beams=2, one new token: the output token follows the exact law (chi-square, 20,000 seeded trials)', async () => {
    const m = await loadModel('target');
    const ids = m.tokenizer.encode(prompt);
    const out = await m.primary.forward({ inputIds: [ids], cache: m.primary.emptyCache(), logits: 'last' });
    const scores = processLogits(logSoftmax(logitsAt(out, 0)), ids, { doSample: true, temperature: 1.5, topK: 6, minKeep: 2 }).scores;
    const support = [...scores.keys()].filter((i) => scores[i] !== -Infinity);
    expect(support.length).toBe(6);
    const z = support.reduce((s, i) => s + Math.exp(scores[i]!), 0);
    const p = new Map(support.map((i) => [i, Math.exp(scores[i]!) / z]));
    // With one new token the first two drawn finish and the better-scoring one is the output:
    // P(out = i) = Σ_{j scored below i} [p_i p_j / (1 − p_i) + p_j p_i / (1 − p_j)].
    const exact = support.map((i) =>
      support.filter((j) => scores[j]! < scores[i]!).reduce((s, j) => s + (p.get(i)! * p.get(j)!) / (1 - p.get(i)!) + (p.get(j)! * p.get(i)!) / (1 - p.get(j)!), 0),
    );
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const rng = new Sfc32(2024);
    const n = 20000;
    const counts = new Map<number, number>();
    for (let t = 0; t < n; t++) {
      const s = new BeamSearch({ numBeams: 2, lengthPenalty: 1, eos: new Set(m.eosTokenIds), earlyStopping: false, maxNewTokens: 1 });
      s.stepSampled([scores], () => rng.uniform());
      const tok = s.best()!.tokens[0]!;
      counts.set(tok, (counts.get(tok) ?? 0) + 1);
    }
    const cells = support.map((id, k) => ({ observed: counts.get(id) ?? 0, expected: exact[k]! * n })).filter((c) => c.expected > 0);
    // The least likely token can never win (it is below every partner), so it has no cell.
    expect(cells.length).toBe(support.length - 1);
    expect(cells.every((c) => c.expected >= 5)).toBe(true);
    const x2 = chiSquare(cells.map((c) => c.observed), cells.map((c) => c.expected));
    expect(x2).toBeLessThan(CHI2_CRITICAL_1E4[cells.length - 1]!);
  });

  it('records each step’s drawn candidates with their draws; kept = the best num_beams non-EOS by score', async () => {
    const r = await runToEnd(request({}));
    expect(r.footer.status).toBe('completed');
    for (const rec of r.records) expect(TraceRecord.safeParse(rec).success, JSON.stringify(rec).slice(0, 200)).toBe(true);
    expect(undefinedTokenUses(r.records)).toEqual([]);
    expect(ofType(r.records, 'header')[0]!.method).toMatchObject({ name: 'beam_search', variant: 'beam_sample' });
    const beams = ofType(r.records, 'beam');
    const draws = ofType(r.records, 'rng_draw');
    const candidates = beams.flatMap((b) => b.candidates);
    // Every draw belongs to exactly one candidate, in order: the trace holds the whole random stream.
    expect(candidates.map((c) => c.u)).toEqual(draws.map((d) => d.u));
    expect(beams.map((b) => b.step)).toEqual(beams.map((_, i) => i));
    beams.forEach((b) => expect(draws.filter((d) => d.step === b.step).length).toBe(b.candidates.length));
    const eos = new Set(ofType(r.records, 'header')[0]!.tokenizer.eosTokenIds);
    for (const b of beams) {
      expect(b.candidates.length).toBeLessThanOrEqual(2 * 3);
      expect(new Set(b.candidates.map((c) => `${c.beam}:${c.tokenId}`)).size).toBe(b.candidates.length);
      for (const c of b.candidates) {
        expect(c.u! * c.massLeft! >= c.cumBefore! - 1e-12 && c.u! * c.massLeft! < c.cumBefore! + c.prob! + 1e-12).toBe(true);
      }
      // massLeft shrinks by exactly the probability of each earlier draw.
      b.candidates.slice(1).forEach((c, k) => expect(c.massLeft!).toBeCloseTo(b.candidates[k]!.massLeft! - b.candidates[k]!.prob!, 9));
      const running = b.candidates.filter((c) => !eos.has(c.tokenId)).sort((x, y) => y.score - x.score);
      const last = b === beams[beams.length - 1];
      if (!last) expect(b.candidates.filter((c) => c.kept).sort((x, y) => y.score - x.score)).toEqual(running.slice(0, 3));
      expect(b.beams.map((x) => x.score)).toEqual(b.candidates.filter((c) => c.kept).map((c) => c.score).sort((x, y) => y - x));
    }
    // HF's warpers keep min_tokens_to_keep = #eos + 1 under beam sampling.
    const stage = ofType(r.records, 'distribution')[0]!.stages.find((s) => s.name === 'top_k')!;
    expect(stage.params.min_tokens_to_keep).toBe(Math.max(2, eos.size + 1));
  });

  it('replays exactly from its recorded draws, and the same seed repeats the run', async () => {
    const first = await runToEnd(request({}));
    const draws = ofType(first.records, 'rng_draw').map((d) => d.u);
    expect(draws.length).toBeGreaterThan(0);
    const replay = await runToEnd(request({ seed: 999 }), { replayDraws: draws });
    const again = await runToEnd(request({}));
    const table = (recs: TraceRecord[]) => ofType(recs, 'beam').map((b: BeamRecord) => ({ candidates: b.candidates, beams: b.beams, finished: b.finished }));
    for (const other of [replay, again]) {
      expect(other.footer.summary.tokenIds).toEqual(first.footer.summary.tokenIds);
      expect(table(other.records)).toEqual(table(first.records));
    }
  });

  it('different seeds give different runs (the draws matter)', async () => {
    const outputs = new Set<string>();
    for (const seed of [1, 2, 3]) outputs.add(JSON.stringify((await runToEnd(request({ seed, max_new_tokens: 6 }))).footer.summary.tokenIds));
    expect(outputs.size).toBeGreaterThan(1);
  });

  it('a narrow top_k still keeps two tokens per beam; fewer candidates than 2·num_beams are drawn when that is all there is', async () => {
    const r = await runToEnd(request({ top_k: 1, max_new_tokens: 4 }));
    expect(r.footer.status).toBe('completed');
    const beams = ofType(r.records, 'beam');
    expect(beams[0]!.candidates.length).toBe(2);
    expect(beams[1]!.candidates.length).toBe(2 * beams[0]!.beams.length);
  });

  it('do_sample=false is beam search proper: no draws, no draw fields, no variant', async () => {
    const r = await runToEnd(request({ do_sample: false, max_new_tokens: 5 }));
    expect(ofType(r.records, 'rng_draw')).toEqual([]);
    expect(ofType(r.records, 'header')[0]!.method.variant).toBeUndefined();
    for (const b of ofType(r.records, 'beam')) for (const c of b.candidates) expect(c.u).toBeUndefined();
  });
});

describe('beam sampling from the CLI and the method list', () => {
  it('`run --num-beams 3 --do-sample` without --method runs beam_search with sampling', () => {
    const req = buildRequest({ 'num-beams': '3', 'do-sample': true, seed: '1', temperature: '0.9' });
    expect(req.method).toBe('beam_search');
    expect(req.params).toMatchObject({ num_beams: 3, do_sample: true, seed: 1, temperature: 0.9 });
    expect(buildRequest({}).method).toBe('autoregressive');
    expect(buildRequest({ 'num-beams': '1' }).method).toBe('autoregressive');
  });

  it('the method list says beam_search samples with do_sample', () => {
    expect(listMethods().find((m) => m.name === 'beam_search')!.description).toMatch(/do_sample/);
  });
});
