import { describe, expect, it } from 'vitest';
import { advanceWindow, initWindow, isWindowFull, verifyCandidates, type LookaheadConfig } from '../../engine/jacobi/lookahead';
import { denseMask, separatePassLayout, singlePassLayout } from '../../engine/jacobi/lookahead-layout';
import { NgramPool } from '../../engine/jacobi/ngram-pool';
import { seededUniform } from '../speculative/stats';
import { lookaheadSim } from './lookahead-sim';
import { ToyLm } from './toy-lm';

describe('n-gram pool', () => {
  it('keeps at most G n-grams per key, LRU: refresh moves to the end, a full key evicts the oldest', () => {
    const pool = new NgramPool(2, 2);
    expect(pool.insert(1, [2, 3]).action).toBe('added');
    expect(pool.insert(1, [4, 5]).action).toBe('added');
    expect(pool.insert(1, [2, 3]).action).toBe('refreshed');
    expect(pool.candidates(1)).toEqual([
      [4, 5],
      [2, 3],
    ]);
    const ins = pool.insert(1, [6, 7]);
    expect(ins.evicted).toEqual([4, 5]);
    expect(pool.candidates(1)).toEqual([
      [2, 3],
      [6, 7],
    ]);
    expect(pool.size).toBe(2);
    pool.insert(8, [1, 1]);
    expect(pool.size).toBe(3);
    expect(pool.keyCount).toBe(2);
    expect(() => pool.insert(1, [1])).toThrow(/continuations of 2 tokens/);
    expect(() => new NgramPool(0, 2)).toThrow(/G must be/);
  });
});

describe('lookahead inputs and masks', () => {
  // W=3, N=3: level 0 = [a0, a1], level 1 = [b0, b1, b2]; one candidate [g0, g1]; last token L at position p=10.
  const window = { levels: [[100, 101], [200, 201, 202]] };
  const layout = singlePassLayout(7, 10, window, [[300, 301]]);

  it('feeds [last, level 0, level 1, guesses] at the reference positions', () => {
    expect(layout.inputIds).toEqual([7, 100, 101, 200, 201, 202, 300, 301]);
    expect(layout.positionIds).toEqual([10, 11, 12, 11, 12, 13, 11, 12]);
    expect(layout.topRows).toEqual([3, 4, 5]);
    expect(layout.guessRows).toEqual([[6, 7]]);
  });

  it('lets each token see exactly its diagonal context', () => {
    expect(layout.visible).toEqual([[0], [0, 1], [0, 1, 2], [0, 3], [0, 1, 4], [0, 1, 2, 5], [0, 6], [0, 6, 7]]);
  });

  it('dense mask: whole cache visible, then the visibility lists', () => {
    const m = denseMask(layout.visible, 2);
    const row = (i: number) => Array.from(m.subarray(i * 10, i * 10 + 10));
    expect(row(0)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(row(4)).toEqual([1, 1, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(row(7)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('separate passes spell out the same contexts as causal rows', () => {
    const sep = separatePassLayout(7, 10, window, [[300, 301]]);
    expect(sep.windowRows.map((r) => r.inputIds.slice(0, r.length))).toEqual([
      [7, 200],
      [7, 100, 201],
      [7, 100, 101, 202],
    ]);
    expect(new Set(sep.windowRows.map((r) => r.inputIds.length)).size).toBe(1);
    expect(sep.topOutputs).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(sep.guessRows[0]!.inputIds).toEqual([300, 301]);
    expect(sep.guessRows[0]!.positionIds).toEqual([11, 12]);
    for (const [k, top] of layout.topRows.entries()) {
      const single = layout.visible[top]!.map((j) => layout.inputIds[j]);
      const [r, i] = sep.topOutputs[k]!;
      expect(sep.windowRows[r]!.inputIds.slice(0, i + 1)).toEqual(single);
    }
  });

  it('first warm-up step: only level 0, whose own outputs become level 1', () => {
    const l = singlePassLayout(7, 10, { levels: [[100, 101, 102]] }, []);
    expect(l.visible).toEqual([[0], [0, 1], [0, 1, 2], [0, 1, 2, 3]]);
    expect(l.topRows).toEqual([1, 2, 3]);
  });
});

describe('lookahead window', () => {
  const config: LookaheadConfig = { level: 4, window: 3, guessSetSize: 2 };

  it('warms up in N−2 steps to level 0 = W−1 and levels 1..N−2 = W tokens', () => {
    const pool = new NgramPool(2, 3);
    let { window } = initWindow(config, [5, 6, 7], seededUniform(1).next);
    expect(window.levels[0]).toHaveLength(config.window + config.level - 3);
    for (let step = 0; step < config.level - 2; step++) {
      expect(isWindowFull(window, config)).toBe(false);
      const width = window.levels.at(-1)!.length;
      const u = advanceWindow(window, config, Array.from({ length: width }, (_, i) => 50 + i), 0, pool);
      expect(u.phase).toBe('fill');
      window = u.window;
    }
    expect(isWindowFull(window, config)).toBe(true);
    expect(window.levels.map((l) => l.length)).toEqual([2, 3, 3]);
    expect(pool.size).toBe(0);
  });

  it('greedy verification: longest match wins, earliest among equals; always ≥ 1 token', () => {
    const v = verifyCandidates(4, [[4, 9, 9], [4, 5, 6], [4, 5, 0]], [[1, 1, 1], [5, 6, 8], [5, 7, 7]]);
    expect(v.checks.map((c) => c.matchLength)).toEqual([1, 3, 2]);
    expect(v.best).toBe(1);
    expect(v.committed).toEqual([4, 5, 6, 8]);
    const none = verifyCandidates(4, [[3, 3, 3]], [[0, 0, 0]]);
    expect(none).toMatchObject({ best: -1, acceptedLength: 0, committed: [4] });
  });
});

describe('lookahead decoding on a toy model', () => {
  const configs: LookaheadConfig[] = [
    { level: 3, window: 2, guessSetSize: 1 },
    { level: 4, window: 4, guessSetSize: 3 },
    { level: 5, window: 7, guessSetSize: 7 },
  ];
  for (const config of configs) {
    for (const passes of ['single', 'separate'] as const) {
      it(`N=${config.level} W=${config.window} G=${config.guessSetSize} (${passes}): output equals greedy, pool invariants hold`, () => {
        for (const [k, prompt] of [[1, 2, 3], [4], [0, 5, 5, 1, 2]].entries()) {
          const lm = new ToyLm(5, 30 + k, 1);
          const run = lookaheadSim(lm, prompt, 40, config, seededUniform(k).next, passes);
          expect(run.tokens).toEqual(lm.greedy(prompt, 40));
          for (const step of run.steps) {
            expect(step.committed.length).toBeGreaterThanOrEqual(1);
            expect(step.committed.length).toBe(step.acceptedLength + 1);
            expect(step.candidates.length).toBeLessThanOrEqual(config.guessSetSize);
            // Every inserted n-gram is a diagonal of the window that was fed plus the new top level.
            const [l0, ...upper] = step.window.levels;
            step.update.insertions.forEach((ins, i) => {
              expect(ins.key).toBe(i === 0 ? step.last : l0![i - 1]);
              expect(ins.ngram).toEqual([...upper.map((l) => l[i]), step.update.newLevel[i]]);
            });
          }
          for (const { ngrams } of run.pool.snapshot()) {
            expect(ngrams.length).toBeLessThanOrEqual(config.guessSetSize);
            expect(new Set(ngrams.map((g) => g.join(','))).size).toBe(ngrams.length);
          }
        }
      });
    }
  }

  it('compresses steps on a repetitive model (pool hits)', () => {
    const lm = new ToyLm(3, 8, 1);
    const run = lookaheadSim(lm, [1, 2], 60, { level: 4, window: 5, guessSetSize: 5 }, seededUniform(4).next, 'single');
    expect(run.tokens).toEqual(lm.greedy([1, 2], 60));
    expect(run.steps.some((s) => s.acceptedLength > 0)).toBe(true);
    expect(run.forwardPasses).toBeLessThan(60);
  });
});
