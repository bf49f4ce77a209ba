import { describe, expect, it } from 'vitest';
import { initialGuesses, isBlockDone, iterate, jacobiDecode, release, startBlock, type JacobiInitPolicy } from '../../engine/jacobi/jacobi';
import { analyseBlock, dependents, dependsOn, type GridRow } from '../../engine/jacobi/dependency-graph';
import { seededUniform } from '../speculative/stats';
import { ToyLm } from './toy-lm';

const pickAllWith = (lm: ToyLm) => (context: readonly number[], guesses: readonly number[]) => guesses.map((_, i) => lm.pick([...context, ...guesses.slice(0, i)]));

const prompts = [[1, 2, 3], [5], [0, 0, 7, 1], [9, 4, 4, 2, 8], [3, 3, 3]];

describe('Jacobi iteration on a deterministic toy model', () => {
  const policies: JacobiInitPolicy[] = ['repeat-last', 'pad', 'random-context'];
  for (const vocab of [4, 12]) {
    for (const policy of policies) {
      it(`V=${vocab}, init ${policy}: commits greedy, prefix grows by ≥1 per pass, ≤ block size passes`, () => {
        for (const [k, prompt] of prompts.entries()) {
          const lm = new ToyLm(vocab, 17 + k, 2);
          for (const blockSize of [1, 3, 8]) {
            for (const reuse of [false, true]) {
              const run = jacobiDecode(prompt, 20, blockSize, pickAllWith(lm), { policy, padTokenId: 0, uniform: seededUniform(k).next }, { reuse });
              expect(run.tokens).toEqual(lm.greedy(prompt, 20));
              for (const rows of run.iterations) {
                expect(rows.length).toBeLessThanOrEqual(blockSize);
                for (const r of rows) {
                  expect(r.provenAfter).toBeGreaterThanOrEqual(r.provenBefore + 1);
                  expect(r.frozenDisagreements).toEqual([]);
                }
                expect(rows.at(-1)!.done).toBe(true);
              }
            }
          }
        }
      });
    }
  }

  it('needs fewer passes than tokens when the model copies (fast-forwarding)', () => {
    // order-1 model on a tiny vocabulary quickly enters a cycle that repeat-last/random guesses hit early.
    const lm = new ToyLm(3, 5, 1);
    const run = jacobiDecode([1], 32, 8, pickAllWith(lm), { policy: 'random-context', uniform: seededUniform(3).next }, { reuse: true });
    expect(run.tokens).toEqual(lm.greedy([1], 32));
    expect(run.forwardPasses).toBeLessThan(32);
  });

  it('stops at EOS inside a block', () => {
    const lm = new ToyLm(6, 2, 2);
    const greedy = lm.greedy([4, 1], 40);
    const eos = greedy[5]!;
    const cut = greedy.indexOf(eos);
    const run = jacobiDecode([4, 1], 40, 4, pickAllWith(lm), { policy: 'repeat-last' }, { eos: [eos] });
    expect(run.tokens).toEqual(greedy.slice(0, cut + 1));
  });

  it('freezes proven tokens when the model disagrees with them, so the prefix never shrinks', () => {
    let block = startBlock(0, [7, 7, 7]);
    let step = iterate(block, [1, 2, 9]); // f = 0 → proven 1
    expect(step.result.provenAfter).toBe(1);
    block = step.block;
    step = iterate(block, [5, 2, 3]); // position 0 flipped (a float tie): kept as 1
    expect(step.result.output[0]).toBe(1);
    expect(step.result.frozenDisagreements).toEqual([0]);
    expect(step.result.provenAfter).toBe(3); // 2 unchanged → proven through position 2
    expect(isBlockDone(step.block)).toBe(true);
  });

  it('proves through the first changed position: min(size, f + 1)', () => {
    const block = startBlock(10, [4, 5, 6, 7]);
    const { result } = iterate(block, [4, 5, 1, 2]);
    expect(result.firstDifference).toBe(2);
    expect(result.provenAfter).toBe(3);
    expect(result.changed).toEqual([false, false, true, true]);
    const fixed = iterate(startBlock(0, [4, 5]), [4, 5]).result;
    expect(fixed.provenAfter).toBe(2);
    expect(fixed.done).toBe(true);
  });

  it('release() hands out the proven prefix and keeps iterating only the suffix', () => {
    const { block } = iterate(startBlock(0, [4, 5, 6, 7]), [4, 5, 1, 2]);
    const r = release(block);
    expect(r.tokens).toEqual([4, 5, 1]);
    expect(r.block.offset).toBe(3);
    expect(r.block.guesses).toEqual([2]);
    expect(() => iterate(r.block, [2, 3])).toThrow(/needs 1 picks/);
  });

  it('initial guesses: policies and clear errors', () => {
    expect(initialGuesses(3, { policy: 'repeat-last', context: [1, 2] }).tokens).toEqual([2, 2, 2]);
    expect(initialGuesses(2, { policy: 'pad', padTokenId: 0, context: [] }).tokens).toEqual([0, 0]);
    const r = initialGuesses(4, { policy: 'random-context', context: [10, 20, 30], uniform: seededUniform(1).next });
    expect(r.draws).toHaveLength(4);
    for (const d of r.draws) expect(d.tokenId).toBe([10, 20, 30][d.contextIndex]);
    expect(() => initialGuesses(2, { policy: 'pad', context: [1] })).toThrow(/padTokenId/);
    expect(() => initialGuesses(2, { policy: 'random-context', context: [1] })).toThrow(/uniform/);
  });
});

describe('dependency graph', () => {
  // Final [1, 2, 3, 4]; row 1 gets position 3 right although position 2 (its context) was wrong.
  const rows: GridRow[] = [
    { iteration: 0, offset: 0, tokens: [9, 9, 9, 9], proven: 0 },
    { iteration: 1, offset: 0, tokens: [1, 9, 8, 4], proven: 1 },
    { iteration: 2, offset: 0, tokens: [1, 2, 8, 4], proven: 2 },
    { iteration: 3, offset: 0, tokens: [1, 2, 3, 4], proven: 4 },
  ];
  const final = [1, 2, 3, 4];

  it('cells depend on earlier positions of the previous row, and feed later positions of the next', () => {
    expect(dependsOn(rows, 2, 2)).toEqual([
      { iteration: 1, position: 0 },
      { iteration: 1, position: 1 },
    ]);
    expect(dependsOn(rows, 0, 3)).toEqual([]);
    expect(dependents(rows, 1, 1)).toEqual([
      { iteration: 2, position: 2 },
      { iteration: 2, position: 3 },
    ]);
    expect(dependents(rows, 3, 0)).toEqual([]);
  });

  it('marks the staircase and cells right despite a wrong context', () => {
    const a = analyseBlock(rows, final);
    expect(a.staircase).toEqual([0, 1, 2, 4]);
    expect(a.cells[1]!.map((c) => c.status)).toEqual(['converged', 'wrong', 'wrong', 'correct-despite-wrong-context']);
    expect(a.cells[2]![1]!.status).toBe('converged');
    expect(a.firstCorrect).toEqual([1, 2, 3, 1]);
    expect(a.fixedFrom).toEqual([1, 2, 3, 1]);
  });

  it('handles rows that shrink as converged tokens leave the block (KV reuse)', () => {
    const shrinking: GridRow[] = [
      { iteration: 0, offset: 0, tokens: [9, 9, 9], proven: 0 },
      { iteration: 1, offset: 0, tokens: [1, 9, 3], proven: 1 },
      { iteration: 2, offset: 1, tokens: [2, 3], proven: 3 },
    ];
    const a = analyseBlock(shrinking, [1, 2, 3]);
    expect(a.cells[1]![2]!.status).toBe('correct-despite-wrong-context');
    expect(a.cells[2]!.map((c) => c.position)).toEqual([1, 2]);
    expect(dependents(shrinking, 1, 0)).toEqual([
      { iteration: 2, position: 1 },
      { iteration: 2, position: 2 },
    ]);
  });
});
