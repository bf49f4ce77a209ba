import { describe, expect, it } from 'vitest';
import {
  EAGLE1_DEFAULT_CHOICES, EAGLE1_MC_SIM_7B_63, formatChoices, growStaticTree, parseChoices, staticShape, type ChildDraft,
} from '../../engine/speculative/eagle-static-tree';
import type { FrontierNode } from '../../engine/speculative/eagle-tree';
import { pathTo } from '../../engine/speculative/tree';

/** A deterministic drafter: child r of a node is (root 7 + Σ path tokens + r + 1) mod 50. */
function drafter(calls: { frontier: FrontierNode[]; counts: number[] }[], cap = Infinity) {
  return async (frontier: readonly FrontierNode[], counts: readonly number[]): Promise<ChildDraft[][]> => {
    calls.push({ frontier: [...frontier], counts: [...counts] });
    return frontier.map((f, i) =>
      Array.from({ length: Math.min(counts[i]!, cap) }, (_, r) => ({ token: (f.pathTokens.reduce((a, b) => a + b, 7) + r + 1) % 50, q: 0.5 ** (r + 1), proposal: null })),
    );
  };
}

describe('EAGLE-1 static tree shapes', () => {
  it('the default shape is small: depth ≤ 5, ≤ 25 nodes; mc_sim_7b_63 has 25 nodes, depth 5, ≤ 4 children', () => {
    const small = staticShape(EAGLE1_DEFAULT_CHOICES);
    expect(small.choices.length).toBeLessThanOrEqual(25);
    expect(small.maxDepth).toBeLessThanOrEqual(5);
    const big = staticShape(EAGLE1_MC_SIM_7B_63);
    expect(big.choices).toHaveLength(25);
    expect(big.maxDepth).toBe(5);
    expect(Math.max(...big.draftsNeeded.values())).toBe(4);
  });
  it('parses the parameter form and rejects shapes with a missing parent or bad ranks', () => {
    expect(parseChoices('0; 1; 0,0')).toEqual([[0], [1], [0, 0]]);
    expect(formatChoices(parseChoices(formatChoices(EAGLE1_DEFAULT_CHOICES)))).toBe(formatChoices(EAGLE1_DEFAULT_CHOICES));
    expect(() => parseChoices('0;0,0,1')).toThrow(/no parent/);
    expect(() => parseChoices('0;x')).toThrow(/rank paths/);
    expect(() => parseChoices('')).toThrow(/no nodes/);
  });
});

describe('growStaticTree', () => {
  const shape = staticShape(EAGLE1_MC_SIM_7B_63);
  it('builds exactly the shape: node i sits at its choice path, rank r = the parent\'s r-th draft', async () => {
    const calls: { frontier: FrontierNode[]; counts: number[] }[] = [];
    const r = await growStaticTree(7, shape, 10, drafter(calls));
    expect(r.complete).toBe(true);
    expect(r.tree.nodes).toHaveLength(25);
    // The tree's rank paths are the shape's choices, in order.
    const rankPath = (id: number) => pathTo(r.tree, id).map((n) => shape.ranks[r.shapeIndex[n]!]!);
    expect(r.tree.nodes.map((n) => rankPath(n.id))).toEqual(shape.choices);
    for (const node of r.tree.nodes) {
      const parentTokens = node.parent === -1 ? [7] : [7, ...pathTo(r.tree, node.parent).map((n) => r.tree.nodes[n]!.token)];
      expect(node.token).toBe((parentTokens.reduce((a, b) => a + b, 0) + shape.ranks[r.shapeIndex[node.id]!]! + 1) % 50);
    }
    // One draft call per depth, expanding only nodes with children in the shape, asking for max rank + 1 drafts.
    expect(r.draftCalls).toBe(5);
    expect(calls.map((c) => c.counts)).toEqual([[4], [3, 2, 2, 1], [3, 2, 2, 1], [3], [2]]);
    expect(calls[0]!.frontier[0]!.candidate).toBe(-1);
    for (const c of calls) for (const f of c.frontier) expect(f.pathTokens).toEqual(f.pathCandidates.map((id) => r.tree.nodes[id]!.token));
  });
  it('stops at the depth limit (room) and says the shape was cut', async () => {
    const r = await growStaticTree(7, shape, 2, drafter([]));
    expect(r.complete).toBe(false);
    expect(r.tree.nodes).toHaveLength(shape.depths.filter((d) => d <= 2).length);
    expect(r.draftCalls).toBe(2);
  });
  it('leaves out nodes (and their subtrees) whose rank the drafter could not fill', async () => {
    const r = await growStaticTree(7, shape, 10, drafter([], 1));
    expect(r.complete).toBe(false);
    // only the all-zero spine survives
    expect(r.tree.nodes.map((n) => n.parent)).toEqual([-1, 0, 1, 2, 3]);
  });
});
