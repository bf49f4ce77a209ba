import { describe, expect, it } from 'vitest';
import { softmax } from '../../engine/speculative/dist';
import { eagle2Tree, optTree, type FrontierNode, type ProposedChild } from '../../engine/speculative/eagle-tree';

const V = 16;

/** A deterministic "draft": a peaked distribution that depends on the whole path (hash of the tokens). */
function pathDistribution(path: readonly number[], rootToken: number): Float32Array {
  let h = 2166136261 ^ rootToken;
  for (const t of path) h = Math.imul(h ^ (t + 1), 16777619) >>> 0;
  const logits = Array.from({ length: V }, (_, i) => {
    h = Math.imul(h ^ (i + 7), 2246822519) >>> 0;
    return ((h % 1000) / 1000) * 6;
  });
  return softmax(logits);
}

function topChildren(dist: Float32Array, k: number, asLog: boolean): ProposedChild[] {
  return Array.from(dist, (prob, token) => ({ token, prob }))
    .sort((a, b) => b.prob - a.prob || a.token - b.token)
    .slice(0, k)
    .map(({ token, prob }) => ({ token, value: asLog ? Math.log(prob) : prob }));
}

function proposer(k: number, asLog: boolean, calls: FrontierNode[][]) {
  return async (frontier: readonly FrontierNode[]) => {
    calls.push([...frontier]);
    return frontier.map((f) => topChildren(pathDistribution(f.pathTokens, 3), k, asLog));
  };
}

describe('EAGLE-2 dynamic tree', () => {
  const options = { topK: 4, depth: 3, totalTokens: 25 };
  it('keeps the top totalTokens−1 candidates by cumulative score as a connected tree', async () => {
    const calls: FrontierNode[][] = [];
    const result = await eagle2Tree(3, options, proposer(4, true, calls));
    expect(result.tree.nodes).toHaveLength(24);
    expect(result.draftCalls).toBe(4);
    expect(result.candidates).toHaveLength(4 + 3 * 16);
    // connected: every node's parent is in the tree; parents precede children
    for (const node of result.tree.nodes) expect(node.parent).toBeLessThan(node.id);
    const selected = new Set(result.nodeCandidates);
    for (const c of result.nodeCandidates) {
      const parent = result.candidates[c].parent;
      if (parent !== -1) expect(selected.has(parent)).toBe(true);
    }
    // rerank: nothing left out scores above anything kept
    for (const cand of result.candidates) if (!cand.selected) expect(cand.score).toBeLessThanOrEqual(result.cutScore);
    // scores are cumulative log-probs along the path
    for (const cand of result.candidates) {
      const parentScore = cand.parent === -1 ? 0 : result.candidates[cand.parent].score;
      expect(cand.score).toBeCloseTo(parentScore + cand.value, 10);
    }
  });
  it('expands exactly the top-k candidates of each depth', async () => {
    const calls: FrontierNode[][] = [];
    const result = await eagle2Tree(3, options, proposer(4, true, calls));
    for (let depth = 2; depth <= 3; depth++) {
      const atDepth = result.candidates.filter((c) => c.depth === depth);
      const best = [...atDepth].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 4).map((c) => c.index);
      expect(atDepth.filter((c) => c.expanded).map((c) => c.index).sort()).toEqual(best.sort());
      expect(calls[depth].map((f) => f.candidate).sort()).toEqual(best.sort());
    }
    // frontier nodes carry their full path
    const f = calls[2][0];
    expect(f.pathTokens).toEqual(f.pathCandidates.map((c) => result.candidates[c].token));
  });
  it('stays connected when child log-probs are 0 (score ties with the parent)', async () => {
    const certain = async (frontier: readonly FrontierNode[]) => frontier.map(() => [{ token: 1, value: 0 }, { token: 2, value: -50 }]);
    const result = await eagle2Tree(0, { topK: 2, depth: 4, totalTokens: 4 }, certain);
    expect(result.tree.nodes.map((n) => n.parent)).toEqual([-1, 0, 1]);
  });
});

describe('OPT-Tree', () => {
  it('stops when E grows by ≤ δ and keeps the n best nodes of the earlier layers', async () => {
    const calls: FrontierNode[][] = [];
    const result = await optTree(3, { nodes: 8, threshold: 0.05, maxDepth: 10 }, proposer(8, false, calls));
    const last = result.expectations[result.expectations.length - 1];
    expect(last.continued).toBe(false);
    for (const e of result.expectations.slice(0, -1)) expect(e.gain).toBeGreaterThan(0.05);
    expect(last.gain <= 0.05 || result.expectations.length + 1 >= 10).toBe(true);
    expect(result.tree.nodes).toHaveLength(8);
    expect(result.tree.nodes.reduce((s, n) => s + (n.score ?? 0), 0)).toBeCloseTo(last.expected, 10);
    const selected = new Set(result.nodeCandidates);
    for (const c of result.nodeCandidates) {
      const parent = result.candidates[c].parent;
      if (parent !== -1) expect(selected.has(parent)).toBe(true);
    }
    for (const cand of result.candidates) expect(cand.score).toBeCloseTo((cand.parent === -1 ? 1 : result.candidates[cand.parent].score) * cand.value, 12);
  });
  it('respects maxDepth', async () => {
    const result = await optTree(3, { nodes: 4, threshold: -1, maxDepth: 3 }, proposer(4, false, []));
    expect(result.expectations.map((e) => e.continued)).toEqual([true, false]);
    expect(Math.max(...result.tree.nodes.map((n) => n.depth))).toBeLessThanOrEqual(2);
  });
});
