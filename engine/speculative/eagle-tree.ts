/**
 * Dynamic draft trees shaped by draft confidence: EAGLE-2 (Li et al. 2024, §5.4) and OPT-Tree (Wang et al., §5.6).
 * Pure logic over a "propose children" callback, so the engine can back it with an EAGLE head, a draft model
 * with a tree mask, or anything else that returns top-k children for a batch of frontier nodes.
 */
import { buildTree, type DraftTree } from './tree';

export interface FrontierNode {
  /** Candidate index (-1 = root). */
  candidate: number;
  token: number;
  /** Tokens from the root's child down to this node (empty for the root). */
  pathTokens: number[];
  /** Candidate indices along the same path. */
  pathCandidates: number[];
  depth: number;
}

export interface ProposedChild {
  token: number;
  /** EAGLE-2: log-probability of the token under the draft; OPT-Tree: its probability. */
  value: number;
}

/** For each frontier node, its proposed children, best first. */
export type ProposeChildren = (frontier: readonly FrontierNode[]) => Promise<ProposedChild[][]>;

export interface Candidate {
  index: number;
  parent: number;
  token: number;
  depth: number;
  /** This token's own draft value (log-prob for EAGLE-2, prob for OPT-Tree). */
  value: number;
  /** Cumulative score: sum of log-probs (EAGLE-2) or product of probs (OPT-Tree) along the path. */
  score: number;
  expanded: boolean;
  selected: boolean;
}

export interface DynamicTree {
  tree: DraftTree;
  /** Every candidate recorded during expansion, with whether it was expanded and selected. */
  candidates: Candidate[];
  /** Candidate index of each tree node. */
  nodeCandidates: number[];
  /** Lowest score that made the cut. */
  cutScore: number;
  draftCalls: number;
}

export interface Eagle2Options {
  /** Children kept per frontier node and frontier size (EAGLE default 10). */
  topK: number;
  /** Expansion rounds after the first (EAGLE: 5 in Spec-Bench, 7 in the main repo); levels 1..depth+1. */
  depth: number;
  /** Tree size including the root (EAGLE total_token, default 60); depth+1 levels below the root at most. */
  totalTokens: number;
}

/** Stable "best first": higher score, then earlier candidate — so a parent always precedes a tied child. */
function byScore(candidates: readonly Candidate[]) {
  return (a: number, b: number) => candidates[b].score - candidates[a].score || a - b;
}

function frontierOf(candidates: readonly Candidate[], index: number): FrontierNode {
  const pathCandidates: number[] = [];
  for (let c = index; c !== -1; c = candidates[c].parent) pathCandidates.push(c);
  pathCandidates.reverse();
  return { candidate: index, token: candidates[index].token, pathTokens: pathCandidates.map((c) => candidates[c].token), pathCandidates, depth: candidates[index].depth };
}

const ROOT_FRONTIER = (rootToken: number): FrontierNode => ({ candidate: -1, token: rootToken, pathTokens: [], pathCandidates: [], depth: 0 });

function record(candidates: Candidate[], parent: number, children: ProposedChild[], k: number, combine: (parentScore: number, value: number) => number, rootScore: number): void {
  const parentScore = parent === -1 ? rootScore : candidates[parent].score;
  const depth = parent === -1 ? 1 : candidates[parent].depth + 1;
  for (const child of children.slice(0, k)) {
    candidates.push({ index: candidates.length, parent, token: child.token, depth, value: child.value, score: combine(parentScore, child.value), expanded: false, selected: false });
  }
}

function assembleTree(candidates: Candidate[], selected: number[], draftCalls: number, scoreName: 'logprob' | 'prob'): DynamicTree {
  selected.sort((a, b) => a - b);
  const position = new Map(selected.map((c, i) => [c, i]));
  const specs = selected.map((c) => {
    const cand = candidates[c];
    cand.selected = true;
    const parent = cand.parent === -1 ? -1 : position.get(cand.parent);
    if (parent === undefined) throw new Error(`dynamic tree: candidate ${c} selected without its parent ${cand.parent}`);
    const q = scoreName === 'logprob' ? Math.exp(cand.value) : cand.value;
    return { parent, token: cand.token, q, score: cand.score, proposal: null, source: 'draft' };
  });
  const cutScore = selected.length ? Math.min(...selected.map((c) => candidates[c].score)) : Infinity;
  return { tree: buildTree(specs), candidates, nodeCandidates: selected, cutScore, draftCalls };
}

/**
 * EAGLE-2: expand a beam-like frontier of topK nodes per depth by cumulative log-prob, then rerank ALL recorded
 * candidates and keep the best totalTokens−1. Scores only fall along a path, so the kept set is a connected tree.
 */
export async function eagle2Tree(rootToken: number, options: Eagle2Options, propose: ProposeChildren): Promise<DynamicTree> {
  const { topK, depth, totalTokens } = options;
  if (topK < 1 || depth < 0 || totalTokens < 1) throw new Error(`eagle2Tree: bad options topK=${topK} depth=${depth} totalTokens=${totalTokens}`);
  const candidates: Candidate[] = [];
  const add = (parentScore: number, value: number) => parentScore + value;
  const [rootChildren] = await propose([ROOT_FRONTIER(rootToken)]);
  let draftCalls = 1;
  record(candidates, -1, rootChildren, topK, add, 0);
  let frontier = candidates.map((c) => c.index);
  for (let round = 0; round < depth && frontier.length > 0; round++) {
    for (const c of frontier) candidates[c].expanded = true;
    const proposals = await propose(frontier.map((c) => frontierOf(candidates, c)));
    draftCalls++;
    const firstNew = candidates.length;
    frontier.forEach((c, i) => record(candidates, c, proposals[i] ?? [], topK, add, 0));
    const layer = Array.from({ length: candidates.length - firstNew }, (_, i) => firstNew + i);
    frontier = layer.sort(byScore(candidates)).slice(0, topK);
  }
  const ranked = candidates.map((c) => c.index).sort(byScore(candidates));
  return assembleTree(candidates, ranked.slice(0, totalTokens - 1), draftCalls, 'logprob');
}

export interface OptTreeOptions {
  /** Node budget n (also the layer width and children per node). README default 60. */
  nodes: number;
  /** Keep drafting while the expected accepted length grows by more than δ (default 0.5). */
  threshold: number;
  /** Maximum number of layers (default 10). */
  maxDepth: number;
}

export interface OptTreeResult extends DynamicTree {
  /** E(T) after each added layer, with the stop decision — the δ rule the UI plots. */
  expectations: { layers: number; expected: number; gain: number; continued: boolean }[];
}

/**
 * OPT-Tree: grow layers of the n best nodes by path probability; after adding a layer, E = sum of the n best
 * weights over the layers before it (as in the reference tree.py); stop when E grows by ≤ δ or at maxDepth,
 * and keep the n best nodes of those layers — the tree maximising Σ_v Π_{u∈path(v)} p̂(u) under the budget.
 */
export async function optTree(rootToken: number, options: OptTreeOptions, propose: ProposeChildren): Promise<OptTreeResult> {
  const { nodes: n, threshold, maxDepth } = options;
  if (n < 1 || maxDepth < 1) throw new Error(`optTree: bad options nodes=${n} maxDepth=${maxDepth}`);
  const candidates: Candidate[] = [];
  const multiply = (parentScore: number, value: number) => parentScore * value;
  const layers: number[][] = [];
  const [rootChildren] = await propose([ROOT_FRONTIER(rootToken)]);
  let draftCalls = 1;
  record(candidates, -1, rootChildren, n, multiply, 1);
  layers.push(candidates.map((c) => c.index));
  const expectations: OptTreeResult['expectations'] = [];
  let previous = 0;
  for (;;) {
    const last = layers[layers.length - 1];
    for (const c of last) candidates[c].expanded = true;
    const proposals = await propose(last.map((c) => frontierOf(candidates, c)));
    draftCalls++;
    const pool: Candidate[] = [];
    last.forEach((c, i) => {
      const before = candidates.length;
      record(candidates, c, proposals[i] ?? [], n, multiply, 1);
      pool.push(...candidates.splice(before));
    });
    // Only the n best of the n² children become the new layer; the rest are dropped, as in the reference.
    pool.sort((a, b) => b.score - a.score || a.depth - b.depth);
    const layer: number[] = [];
    for (const cand of pool.slice(0, n)) {
      cand.index = candidates.length;
      candidates.push(cand);
      layer.push(cand.index);
    }
    layers.push(layer);
    const considered = layers.slice(0, -1).flat().sort(byScore(candidates));
    const expected = considered.slice(0, n).reduce((s, c) => s + candidates[c].score, 0);
    const gain = expected - previous;
    const continued = gain > threshold && layers.length < maxDepth && layer.length > 0;
    expectations.push({ layers: layers.length - 1, expected, gain, continued });
    if (!continued) {
      const result = assembleTree(candidates, considered.slice(0, n), draftCalls, 'prob');
      return { ...result, expectations };
    }
    previous = expected;
  }
}
