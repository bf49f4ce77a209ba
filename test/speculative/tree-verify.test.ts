import { describe, expect, it } from 'vitest';
import { sampleFromDistribution, topEntries } from '../../engine/speculative/dist';
import { buildTree, type DraftNodeSpec } from '../../engine/speculative/tree';
import {
  greedyTreeVerify, recursiveRejectionVerify, sampleThenMatchTreeVerify, withoutReplacementProposals,
} from '../../engine/speculative/tree-verify';
import { chiSquareTest, normalized, seededUniform } from './stats';

const N = 100_000;
const FLOOR = 1e-4;
const p = normalized([0.3, 0.22, 0.15, 0.1, 0.1, 0.08, 0.05, 0]);
const q = normalized([0.1, 0.3, 0.05, 0.2, 0.05, 0.1, 0.1, 0.1]);

type SiblingMode = 'iid' | 'without-replacement' | 'deterministic-topk';

function drawSiblings(mode: SiblingMode, k: number, uniform: ReturnType<typeof seededUniform>): DraftNodeSpec[] {
  if (mode === 'deterministic-topk') return topEntries(q, k).map((e) => ({ parent: -1, token: e.id, proposal: null }));
  if (mode === 'iid') return Array.from({ length: k }, () => ({ parent: -1, token: sampleFromDistribution(q, uniform('draft')).token, proposal: q }));
  const tokens: number[] = [];
  const remaining = Float32Array.from(q);
  for (let j = 0; j < k; j++) {
    const t = sampleFromDistribution(remaining, uniform('draft')).token;
    tokens.push(t);
    remaining[t] = 0;
  }
  const proposals = withoutReplacementProposals(q, tokens);
  return tokens.map((token, j) => ({ parent: -1, token, proposal: proposals[j] }));
}

describe('multi-draft recursive rejection (SpecInfer) keeps the target distribution', () => {
  for (const mode of ['iid', 'without-replacement', 'deterministic-topk'] as SiblingMode[]) {
    for (const k of [2, 3]) {
      it(`${mode}, ${k} siblings: first committed token ~ p`, () => {
        const uniform = seededUniform(17 + k);
        const counts = new Float64Array(p.length);
        const child = normalized([1, 1, 1, 1, 1, 1, 1, 1]);
        for (let i = 0; i < N; i++) {
          const tree = buildTree(drawSiblings(mode, k, uniform));
          const r = recursiveRejectionVerify(tree, (f) => (f === 0 ? p : child), uniform);
          counts[r.committed[0]]++;
        }
        expect(chiSquareTest(counts, p).pValue).toBeGreaterThan(FLOOR);
      });
    }
  }

  it('naively reusing q for siblings drawn without replacement is caught', () => {
    // Guards the test: without the conditional-q correction the output is biased.
    const uniform = seededUniform(5);
    const counts = new Float64Array(p.length);
    for (let i = 0; i < N; i++) {
      const specs = drawSiblings('without-replacement', 3, uniform).map((s) => ({ ...s, proposal: q }));
      counts[recursiveRejectionVerify(buildTree(specs), () => p, uniform).committed[0]]++;
    }
    expect(chiSquareTest(counts, p).pValue).toBeLessThan(FLOOR);
  });

  it('two levels: the second token, given the first draft level was accepted, follows that node\'s p', () => {
    const uniform = seededUniform(23);
    const pChild = normalized([0.05, 0.05, 0.4, 0.2, 0.1, 0.1, 0.05, 0.05]);
    const counts = new Float64Array(p.length);
    let reachedSecond = 0;
    for (let i = 0; i < N; i++) {
      const top = drawSiblings('iid', 2, uniform);
      const specs: DraftNodeSpec[] = [...top];
      for (const parent of [0, 1]) {
        for (let j = 0; j < 2; j++) specs.push({ parent, token: sampleFromDistribution(q, uniform('draft')).token, proposal: q });
      }
      const r = recursiveRejectionVerify(buildTree(specs), (f) => (f === 0 ? p : pChild), uniform);
      if (r.acceptedPath.length >= 1) {
        counts[r.committed[1]]++;
        reachedSecond++;
      }
    }
    expect(reachedSecond).toBeGreaterThan(N / 2);
    expect(chiSquareTest(counts, pChild).pValue).toBeGreaterThan(FLOOR);
  });

  it('skips duplicate deterministic siblings without drawing', () => {
    const tree = buildTree([
      { parent: -1, token: 1, proposal: null },
      { parent: -1, token: 1, proposal: null },
    ]);
    const draws = [0.99, 0.0];
    let used = 0;
    const r = recursiveRejectionVerify(tree, () => p, () => draws[used++]);
    expect(r.decisions.map((d) => d.reason)).toEqual(['rejected: u > p/q', 'skipped: duplicate deterministic sibling']);
    expect(used).toBe(2); // one accept draw, one residual draw
    expect(r.final.source).toBe('resampled');
    expect(r.final.residual!.dist[1]).toBe(0);
  });
});

describe('greedy tree walk', () => {
  // root → {0: tok 0, 1: tok 1 (dup below), 2: tok 1}; node 1 → {3: tok 2}; node 2 → {4: tok 3}
  const tree = buildTree([
    { parent: -1, token: 0 },
    { parent: -1, token: 1 },
    { parent: -1, token: 1 },
    { parent: 1, token: 2 },
    { parent: 2, token: 3 },
  ]);
  const one = (t: number) => { const d = new Float32Array(8); d[t] = 1; return d; };
  it('follows the argmax child, lowest node index among duplicates, then emits the bonus', () => {
    const dists = [one(1), one(0), one(2), one(3), one(5), one(4)];
    const r = greedyTreeVerify(tree, (f) => dists[f]);
    expect(r.acceptedPath).toEqual([1, 3]);
    expect(r.final).toMatchObject({ token: 5, source: 'bonus', fedIndex: 4 });
    expect(r.committed).toEqual([1, 2, 5]);
    expect(r.decisions.find((d) => d.node === 2)?.reason).toBe('rejected: duplicate of an accepted sibling');
  });
  it('emits a correction when no child matches; ties go to the lowest id', () => {
    const tie = normalized([0, 0, 0, 0, 0.5, 0.5, 0, 0]);
    const r = greedyTreeVerify(tree, () => tie);
    expect(r.acceptedPath).toEqual([]);
    expect(r.final).toMatchObject({ token: 4, source: 'resampled' });
  });
  it('sample-then-match commits target samples (first token ~ p)', () => {
    const uniform = seededUniform(31);
    const counts = new Float64Array(8);
    for (let i = 0; i < N; i++) counts[sampleThenMatchTreeVerify(tree, () => p, uniform).committed[0]]++;
    expect(chiSquareTest(counts, p).pValue).toBeGreaterThan(FLOOR);
  });
});
