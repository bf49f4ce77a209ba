import { describe, expect, it } from 'vitest';
import { entropy } from '../../engine/speculative/dist';
import {
  medusaBuffers, medusaCandidateTree, priorHeadAccuracy, sparseChoicesForBudget, typicalAcceptance,
} from '../../engine/speculative/medusa-tree';
import { greedyTreeVerify } from '../../engine/speculative/tree-verify';
import { normalized } from './stats';

describe('sparse Medusa choices sized to a budget', () => {
  const accuracy = priorHeadAccuracy(4, 10);
  const choices = sparseChoicesForBudget(accuracy, 40);
  it('has exactly the budget, no duplicates, every prefix present', () => {
    expect(choices).toHaveLength(40);
    const keys = new Set(choices.map((c) => c.join(',')));
    expect(keys.size).toBe(40);
    for (const c of choices) if (c.length > 1) expect(keys.has(c.slice(0, -1).join(','))).toBe(true);
  });
  it('picks the paths with the highest product of accuracies', () => {
    const value = (c: number[]) => c.reduce((v, r, h) => v * accuracy[h][r], 1);
    const minChosen = Math.min(...choices.map(value));
    // Every one-step extension that was left out is worth no more than the weakest chosen path.
    const keys = new Set(choices.map((c) => c.join(',')));
    for (const c of [...choices, []]) {
      if (c.length >= 4) continue;
      for (let r = 0; r < 10; r++) {
        const ext = [...c, r];
        if (!keys.has(ext.join(','))) expect(value(ext)).toBeLessThanOrEqual(minChosen + 1e-12);
      }
    }
  });
});

describe('Medusa buffers and candidates', () => {
  const buffers = medusaBuffers([[1], [0, 0], [0], [0, 1], [0, 0, 0]], 3);
  it('sorts by length then lexicographically and links parents', () => {
    expect(buffers.choices).toEqual([[0], [1], [0, 0], [0, 1], [0, 0, 0]]);
    expect(buffers.parents).toEqual([-1, -1, 0, 0, 2]);
    expect(buffers.ranks).toEqual([0, 1, 0, 1, 0]);
  });
  it('fills tokens from head top-k: same depth and rank ⇒ same token', () => {
    const heads = [
      { ids: [10, 11, 12], probs: [0.5, 0.3, 0.1] },
      { ids: [20, 21, 22], probs: [0.4, 0.2, 0.1] },
      { ids: [30, 31, 32], probs: [0.3, 0.2, 0.1] },
    ];
    const tree = medusaCandidateTree(buffers, heads);
    expect(tree.nodes.map((n) => n.token)).toEqual([10, 11, 20, 21, 30]);
    expect(tree.nodes.map((n) => n.source)).toEqual(['head 1', 'head 1', 'head 2', 'head 2', 'head 3']);
    expect(tree.nodes[3].q).toBe(0.2);
  });
  it('refuses a choice without its parent and out-of-range ranks', () => {
    expect(() => medusaBuffers([[0, 1]], 3)).toThrow(/has no parent \[0\]/);
    expect(() => medusaBuffers([[5]], 3)).toThrow(/outside top-3/);
  });
  it('exact acceptance on a Medusa tree is the greedy walk', () => {
    const tree = medusaCandidateTree(buffers, [
      { ids: [1, 2, 3], probs: [1, 0, 0] },
      { ids: [4, 5, 6], probs: [1, 0, 0] },
      { ids: [7, 0, 0], probs: [1, 0, 0] },
    ]);
    const one = (t: number) => { const d = new Float32Array(8); d[t] = 1; return d; };
    // root → 1 (node 0) → 5 (node 3) → leaf; bonus from node 3's logits
    const dists: Record<number, Float32Array> = { 0: one(1), 1: one(5), 4: one(6) };
    const r = greedyTreeVerify(tree, (f) => dists[f] ?? one(0));
    expect(r.acceptedPath).toEqual([0, 3]);
    expect(r.committed).toEqual([1, 5, 6]);
  });
});

describe('typical acceptance (lossy): p_T(x) > min(ε, δ·exp(−H))', () => {
  const buffers = medusaBuffers([[0], [1], [0, 0], [1, 0]], 2);
  const tree = medusaCandidateTree(buffers, [
    { ids: [2, 3], probs: [0.6, 0.3] },
    { ids: [4, 5], probs: [0.6, 0.3] },
  ]);
  const rootDist = normalized([0.05, 0.05, 0.4, 0.38, 0.05, 0.05, 0.01, 0.01]);
  const childDist = normalized([0.02, 0.02, 0.02, 0.02, 0.5, 0.3, 0.06, 0.06]);
  const lowDist = normalized([0.3, 0.3, 0.1, 0.1, 0.02, 0.08, 0.05, 0.05]);
  const at = (f: number) => (f === 0 ? rootDist : f === 1 ? childDist : f === 2 ? lowDist : childDist);

  it('applies the threshold rule to every node', () => {
    const r = typicalAcceptance(tree, at);
    for (const d of r.decisions) {
      const dist = at(tree.nodes[d.node].parent + 1);
      const threshold = Math.min(0.09, 0.3 * Math.exp(-entropy(dist)));
      expect(d.threshold).toBeCloseTo(threshold, 12);
      expect(d.accepted).toBe(dist[d.token] > threshold);
    }
    // node 0 (tok 2, p .4) and node 2 (tok 4 under childDist, p .5) pass; node 3 (tok 4 under lowDist, p .02) fails
    expect(r.acceptedPath).toEqual([0, 2]);
    expect(r.committed).toEqual([2, 4, 4]); // next root = argmax of node 2's logits (childDist → 4)
  });
  it('breaks equal accept lengths by the larger log-likelihood', () => {
    const r = typicalAcceptance(tree, (f) => (f === 0 ? rootDist : childDist));
    // both rows accept 2 tokens; row via token 2 (p .4) beats row via token 3 (p .38)
    expect(r.rows.map((x) => x.acceptLength)).toEqual([2, 2]);
    expect(r.acceptedPath).toEqual([0, 2]);
  });
  it('accepts every candidate with p > 0 as ε, δ → 0 and nothing when the threshold reaches 1', () => {
    const all = typicalAcceptance(tree, at, 1e-12, 1e-12);
    expect(all.decisions.every((d) => d.accepted === d.p > 0)).toBe(true);
    const none = typicalAcceptance(tree, at, 1, 1e9);
    expect(none.acceptedPath).toEqual([]);
    expect(none.committed).toEqual([2]);
  });
});
