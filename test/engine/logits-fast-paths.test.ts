/**
 * The shortcuts of the recording hot path give exactly what the plain computations give: top-k by insertion vs a
 * full sort, a draw walked over the top of the order vs over the fully sorted support, the argmax taken from the
 * recorded top-k, and processed summaries shared with the raw one when no processor ran. Scores come from the
 * bundled target's real logits plus adversarial vectors (ties, removed entries, long flat tails).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../engine/model/registry';
import { topKIds, sortedSupport, logSumExp, argmax } from '../../engine/logits/math';
import { processLogits, summarizeScores } from '../../engine/logits/pipeline';
import { pickArgmax, pickByDraw } from '../../engine/logits/sampler';
import { Sfc32 } from '../../engine/logits/rng';
import { expNonPositive } from '../../engine/logits/exp';

/** The draw as specified: walk the whole support in canonical order (the pre-shortcut implementation). */
function referenceDraw(s: Float32Array, lse: number, u: number) {
  const order = sortedSupport(s);
  let cum = 0;
  for (let r = 0; r < order.length; r++) {
    const id = order[r]!;
    const p = Math.exp(s[id]! - lse);
    if (u < cum + p || r === order.length - 1) return { tokenId: id, prob: p, logprob: s[id]! - lse, rank: r, cumBefore: cum };
    cum += p;
  }
  throw new Error('empty support');
}

const vectors: Float32Array[] = [];

beforeAll(async () => {
  const model = await loadModel('target');
  const session = model.primary;
  const out = await session.forward({ inputIds: [model.tokenizer.encode('def read_config(path):')], cache: session.emptyCache(), logits: 'last' });
  const real = out.logits.slice(0, out.vocab);
  vectors.push(real);
  // Sharper and flatter versions of the real scores, a tie-heavy one, and one with most entries removed.
  vectors.push(real.map((v) => v * 4), real.map((v) => v / 8));
  vectors.push(real.map((v) => Math.round(v)));
  vectors.push(real.map((v, i) => (i % 7 === 0 ? v : -Infinity)));
  // A flat tail: 70 equal scores after one leader, so draws past the first 64 entries happen.
  const flat = new Float32Array(200).fill(-Infinity);
  flat[150] = 2;
  for (let i = 0; i < 70; i++) flat[i * 2] = 0;
  vectors.push(flat);
  // Exactly 64 finite entries (the boundary of the walked head).
  const boundary = new Float32Array(100).fill(-Infinity);
  for (let i = 0; i < 64; i++) boundary[99 - i] = i % 5;
  vectors.push(boundary);
});

describe('recording fast paths', () => {
  it('expNonPositive is Math.exp bit for bit: branch edges, subnormal range, differences of real float32 logits', () => {
    const mismatches: number[] = [];
    const check = (x: number) => {
      if (!Object.is(expNonPositive(x), Math.exp(x))) mismatches.push(x);
    };
    const edge = -1.0397207708399179; // fdlibm's 1.5·ln2 branch point
    for (const x of [0, -0, -1e-300, -(2 ** -28), -0.3465735902799726, -1, edge, edge - 1e-15, edge + 1e-15, -2, -20, -88.7, -707.9, -708, -708.1, -709.78, -745.1, -746, -Infinity, NaN]) check(x);
    const rng = new Sfc32(11);
    for (let i = 0; i < 400_000; i++) check(-rng.uniform() * 760);
    for (let i = 0; i < 400_000; i++) check(-rng.uniform() * 3);
    // The production arguments: float32 score minus the float32 maximum, in double.
    for (const s of vectors) {
      const max = s[argmax(s)]!;
      for (let i = 0; i < s.length; i++) if (s[i] !== -Infinity) check(s[i]! - max);
    }
    const f32 = new Float32Array(2);
    for (let i = 0; i < 400_000; i++) {
      f32[0] = (rng.uniform() - 0.5) * 80;
      f32[1] = 40 + rng.uniform() * 10;
      check(f32[0]! - f32[1]!);
    }
    expect(mismatches).toEqual([]);
  });

  it('top-k by insertion equals the head of a full sort (ties by ascending id, removed entries skipped)', () => {
    for (const s of vectors) {
      const sorted = sortedSupport(s);
      for (const k of [1, 2, 20, 63, 64]) expect(topKIds(s, k)).toEqual(sorted.slice(0, k));
    }
  });

  it('a draw equals the walk over the fully sorted support, also for u deep in the tail and past the total', () => {
    const rng = new Sfc32(7);
    for (const s of vectors) {
      const lse = logSumExp(s);
      const us = [0, 0.5, 0.999999, 1 - 2 ** -32, ...Array.from({ length: 60 }, () => rng.uniform())];
      for (const u of us) expect(pickByDraw(s, lse, u)).toEqual(referenceDraw(s, lse, u));
      // A wrong (too small) lse pushes the cumulative mass past 1: the last entry then takes the draw.
      expect(pickByDraw(s, lse + 0.5, 0.99)).toEqual(referenceDraw(s, lse + 0.5, 0.99));
    }
  });

  it('the argmax from the recorded top-k is the scanned argmax; without the hint the scan runs', () => {
    for (const s of vectors) {
      const p = processLogits(new Float32Array(s), [], { doSample: false }, { record: true, topk: 20 });
      expect(p.best).toBe(argmax(s));
      expect(pickArgmax(p.scores, p.logsumexp, p.best)).toEqual(pickArgmax(p.scores, p.logsumexp));
    }
    // NaN makes lse NaN: the hint is ignored and the plain scan decides, as before.
    const odd = Float32Array.from([1, NaN, 3, 2]);
    expect(pickArgmax(odd, logSumExp(odd), 0).tokenId).toBe(argmax(odd));
  });

  it('with no processor the processed summary is the raw one; with processors each list is its own', () => {
    const s = vectors[0]!;
    const plain = processLogits(new Float32Array(s), [], { doSample: false }, { record: true, topk: 20 }).record!;
    expect(plain.processed.topk).toBe(plain.raw.topk);
    expect(plain.processed).toEqual({ ...plain.raw, support: s.length });
    const staged = processLogits(new Float32Array(s), [], { doSample: true, temperature: 0.7, topK: 10 }, { record: true, topk: 20 }).record!;
    expect(staged.stages.map((st) => st.name)).toEqual(['temperature', 'top_k']);
    expect(staged.processed.topk).toBe(staged.stages[1]!.topk);
    expect(staged.processed.support).toBe(10);
    expect(staged.raw.topk).not.toBe(staged.processed.topk);
  });

  it('a filter stage that removes nothing records the same summary a fresh pass gives', () => {
    const s = vectors[0]!;
    // min_p 1e-12 and top_k larger than the vocabulary keep every token; temperature changes every score.
    const p = processLogits(new Float32Array(s), [], { doSample: true, temperature: 0.9, minP: 1e-12, topK: 5000 }, { record: true, topk: 20 });
    const stages = p.record!.stages;
    expect(stages.map((st) => [st.name, st.removedCount, st.removedIds.length])).toEqual([['temperature', 0, 0], ['top_k', 0, 0], ['min_p', 0, 0]]);
    const fresh = summarizeScores(p.scores, 20);
    for (const st of stages) {
      expect(st.topk).toEqual(fresh.topk);
      expect(st.logsumexp).toBe(fresh.logsumexp);
    }
    expect(p.record!.processed).toEqual(fresh);
    // And a filter that does remove gets its own pass.
    const cut = processLogits(new Float32Array(s), [], { doSample: true, minP: 0.05 }, { record: true, topk: 20 }).record!;
    expect(cut.stages[0]!.removedCount).toBeGreaterThan(0);
    expect(cut.processed.support).toBe(s.length - cut.stages[0]!.removedCount);
  });
});
