/** Beam search bookkeeping equals exhaustive search on a tiny vocabulary (synthetic, deterministic "model"). */
import { describe, expect, it } from 'vitest';
import { BeamSearch } from '../../engine/strategies/beam-core';

const V = 4; // id 0 = EOS
const EOS = new Set([0]);

/** A deterministic toy LM: log-probabilities from a hash of the context. */
function toyLogprobs(context: number[], salt = 0): Float32Array {
  let h = (2166136261 ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  for (const t of context) h = Math.imul(h ^ (t + 7), 16777619) >>> 0;
  const logits = Array.from({ length: V }, (_, v) => (((Math.imul(h ^ (v * 2654435761), 2246822519) >>> 0) % 1000) / 150) - 3);
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, x) => s + Math.exp(x - m), 0));
  return Float32Array.from(logits.map((x) => x - lse));
}

function exhaustive(maxLen: number, lp: number, salt = 0): { tokens: number[]; score: number } {
  let best = { tokens: [] as number[], score: -Infinity };
  const visit = (seq: number[], sum: number) => {
    const len = seq.length;
    const last = seq[len - 1];
    if (len > 0 && (EOS.has(last!) || len === maxLen)) {
      const score = sum / len ** lp;
      if (score > best.score) best = { tokens: seq, score };
      return;
    }
    const lps = toyLogprobs(seq, salt);
    for (let v = 0; v < V; v++) visit([...seq, v], sum + lps[v]!);
  };
  visit([], 0);
  return best;
}

function beam(numBeams: number, maxLen: number, lp: number, salt = 0) {
  const search = new BeamSearch({ numBeams, lengthPenalty: lp, eos: EOS, earlyStopping: false, maxNewTokens: maxLen });
  let guard = 0;
  while (!search.done && guard++ < 100) search.step(search.running.map((b) => toyLogprobs(b.tokens, salt)));
  return search.best()!;
}

describe('beam search core', () => {
  for (const lp of [1, 0.5, 2, 0, -1]) {
    for (const L of [2, 3, 4]) {
      it(`with numBeams >= V^L equals exhaustive search (L=${L}, length_penalty=${lp}, 8 toy models)`, () => {
        for (let salt = 0; salt < 8; salt++) {
          const want = exhaustive(L, lp, salt);
          const got = beam(V ** L, L, lp, salt);
          expect(got.tokens).toEqual(want.tokens);
          expect(got.score).toBeCloseTo(want.score, 5);
        }
      });
    }
  }

  it('with one beam is greedy until EOS', () => {
    const got = beam(1, 6, 1);
    const greedy: number[] = [];
    for (let i = 0; i < 6; i++) {
      const lps = toyLogprobs(greedy);
      let b = 0;
      for (let v = 1; v < V; v++) if (lps[v]! > lps[b]!) b = v;
      greedy.push(b);
      if (b === 0) break;
    }
    expect(got.tokens).toEqual(greedy);
  });

  it('keeps at most numBeams finished hypotheses, each scored sum / length ** length_penalty', () => {
    const search = new BeamSearch({ numBeams: 2, lengthPenalty: 1, eos: EOS, earlyStopping: false, maxNewTokens: 4 });
    const table = [];
    while (!search.done) table.push(search.step(search.running.map((b) => toyLogprobs(b.tokens))));
    expect(search.finished.length).toBeLessThanOrEqual(2);
    for (const step of table) {
      expect(step.beams.length).toBeLessThanOrEqual(2);
      for (const c of step.candidates) if (c.finished) expect(c.tokenId).toBe(0);
    }
  });
});

describe('the exhaustive comparison can fail', () => {
  it('a single beam misses the exhaustive optimum in at least one setting', () => {
    const misses = [1, 0.5, 2, 0, -1].flatMap((lp) => [2, 3, 4].flatMap((L) => [0, 1, 2, 3, 4, 5, 6, 7].map((salt) => beam(1, L, lp, salt).score < exhaustive(L, lp, salt).score - 1e-9)));
    expect(misses.some(Boolean)).toBe(true);
  });
});
