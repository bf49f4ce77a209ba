/**
 * Draft trees and the inputs one verification pass needs (decoding-algorithms §1.3).
 *
 * Conventions used by every tree module:
 *  - Nodes are numbered 0..n-1 in topological order (parent < child). parent = -1 means the root, i.e. the
 *    last committed token, whose KV is not in the cache yet (same as the trace's DraftRecord).
 *  - The verification pass feeds n+1 tokens: the root at fed index 0, node i at fed index i+1.
 *  - depth counts edges from the root: the root has depth 0, its children depth 1. A fed token sits at
 *    position = cacheLength + depth, where cacheLength is the number of positions already in the KV cache.
 *  - logits at fed index f predict the child of that fed token; so the distribution for node i's token
 *    comes from its parent's fed index.
 */

export interface DraftNodeSpec {
  /** Parent node index, or -1 for a child of the root. Must be smaller than this node's index. */
  parent: number;
  token: number;
  /** Draft probability of this token under the distribution it was proposed from. */
  q?: number;
  /** Cumulative score used to shape the tree (log-prob of the path, or path probability). */
  score?: number;
  /** The full draft distribution this node was drawn from (needed for recursive rejection). null = point mass. */
  proposal?: Float32Array | null;
  /** Which drafter produced it: 'draft', 'head 2', 'n-gram', … */
  source?: string;
}

export interface DraftNode extends DraftNodeSpec {
  id: number;
  depth: number;
}

export interface DraftTree {
  nodes: DraftNode[];
  /** children[i + 1] lists the children of node i; children[0] lists the root's children. In index order. */
  children: number[][];
}

/** Validate topological order and compute depths and child lists. */
export function buildTree(specs: readonly DraftNodeSpec[]): DraftTree {
  const nodes: DraftNode[] = [];
  const children: number[][] = [[]];
  specs.forEach((spec, id) => {
    if (!Number.isInteger(spec.parent) || spec.parent < -1 || spec.parent >= id) {
      throw new Error(`draft tree node ${id}: parent ${spec.parent} must be -1 (root) or an earlier node index`);
    }
    if (!Number.isInteger(spec.token) || spec.token < 0) throw new Error(`draft tree node ${id}: token ${spec.token} is not a token id`);
    const depth = spec.parent === -1 ? 1 : nodes[spec.parent].depth + 1;
    nodes.push({ ...spec, id, depth });
    children.push([]);
    children[spec.parent + 1].push(id);
  });
  return { nodes, children };
}

/** A chain d_1..d_γ as a tree (each node the child of the previous). */
export function chainTree(tokens: readonly number[], extra?: (i: number) => Partial<DraftNodeSpec>): DraftTree {
  return buildTree(tokens.map((token, i) => ({ parent: i - 1, token, ...(extra ? extra(i) : {}) })));
}

export function childrenOf(tree: DraftTree, node: number): number[] {
  return tree.children[node + 1];
}

/** Node ids from the root's child down to `node` (inclusive). */
export function pathTo(tree: DraftTree, node: number): number[] {
  const path: number[] = [];
  for (let cur = node; cur !== -1; cur = tree.nodes[cur].parent) path.push(cur);
  return path.reverse();
}

/** Root-to-leaf paths (node ids, root excluded), one per leaf, leaves in index order. */
export function rootToLeafPaths(tree: DraftTree): number[][] {
  return tree.nodes.filter((n) => childrenOf(tree, n.id).length === 0).map((leaf) => pathTo(tree, leaf.id));
}

export function maxDepth(tree: DraftTree): number {
  return tree.nodes.reduce((m, n) => Math.max(m, n.depth), 0);
}

/** For each fed index, the fed indices it may attend to besides the cache (itself and its ancestors, root included). */
export function visibleFedIndices(tree: DraftTree): number[][] {
  const rows: number[][] = [[0]];
  for (const node of tree.nodes) rows.push([...rows[node.parent + 1], node.id + 1]);
  return rows;
}

export interface TreeVerifyInputs {
  /** Fed tokens: root, then the nodes in index order. */
  inputIds: number[];
  /** Absolute positions: cacheLength + depth. */
  positionIds: number[];
  /** 4-D float mask [1, 1, n, cacheLength + n] flattened row-major: 1 attend, 0 masked. */
  mask: Float32Array;
  maskDims: [1, 1, number, number];
  /** Per fed index, the fed indices it sees (for the trace's maskParents). */
  visible: number[][];
}

/** Inputs for verifying the whole tree in one pass on a model with a 4-D mask input. */
export function treeVerifyInputs(tree: DraftTree, rootToken: number, cacheLength: number): TreeVerifyInputs {
  const n = tree.nodes.length + 1;
  const width = cacheLength + n;
  const mask = new Float32Array(n * width);
  const visible = visibleFedIndices(tree);
  for (let row = 0; row < n; row++) {
    const base = row * width;
    mask.fill(1, base, base + cacheLength);
    for (const fed of visible[row]) mask[base + cacheLength + fed] = 1;
  }
  return {
    inputIds: [rootToken, ...tree.nodes.map((node) => node.token)],
    positionIds: [cacheLength, ...tree.nodes.map((node) => cacheLength + node.depth)],
    mask,
    maskDims: [1, 1, n, width],
    visible,
  };
}

export interface KvGather {
  /** Absolute cache positions to keep, in order (the untouched prefix, the root, then the accepted nodes). */
  keep: number[];
  /** Positions of the tree part only: where the root and accepted nodes sit after the pass. */
  treeSources: number[];
  lengthBefore: number;
  lengthAfter: number;
}

/**
 * Which KV rows survive after a tree pass, when `acceptedPath` (node ids from the root's child down) was accepted.
 * The root's KV (fed index 0) is always kept; the bonus token is not in the cache, it is the next root.
 */
export function gatherForAcceptedPath(tree: DraftTree, acceptedPath: readonly number[], cacheLength: number): KvGather {
  let expectedParent = -1;
  for (const node of acceptedPath) {
    if (tree.nodes[node]?.parent !== expectedParent) throw new Error(`accepted path ${acceptedPath.join(',')} is not a root path of the tree`);
    expectedParent = node;
  }
  const treeSources = [cacheLength, ...acceptedPath.map((node) => cacheLength + node + 1)];
  const keep = [...Array.from({ length: cacheLength }, (_, i) => i), ...treeSources];
  return { keep, treeSources, lengthBefore: cacheLength + tree.nodes.length + 1, lengthAfter: keep.length };
}

export interface PathRows {
  /** One row per root-to-leaf path: [root, path nodes…], right-padded with padToken. */
  inputIds: number[][];
  positionIds: number[][];
  /** Standard 2-D attention mask [rows, cacheLength + width]: 1 for the cache and real tokens, 0 for padding. */
  attentionMask: number[][];
  /** Real token count per row (root included). */
  lengths: number[];
  paths: number[][];
  /** For each node, the first (row, column) where it is fed; its logits (predicting its child) come from there. */
  nodeLocation: { row: number; column: number }[];
  width: number;
}

/**
 * Paths-as-batch-rows verification for standard exports without a 4-D mask input: each root-to-leaf path is
 * an ordinary causal sequence, the cache is expanded along the batch. Exact, but shared prefixes are recomputed.
 * Padding sits at the right end, so real tokens never attend to it under the causal mask.
 */
export function pathRowsInputs(tree: DraftTree, rootToken: number, cacheLength: number, padToken = 0): PathRows {
  const paths = tree.nodes.length === 0 ? [[]] : rootToLeafPaths(tree);
  const width = 1 + paths.reduce((m, p) => Math.max(m, p.length), 0);
  const nodeLocation: { row: number; column: number }[] = new Array(tree.nodes.length);
  const inputIds: number[][] = [];
  const positionIds: number[][] = [];
  const attentionMask: number[][] = [];
  const lengths: number[] = [];
  paths.forEach((path, row) => {
    const ids = [rootToken, ...path.map((node) => tree.nodes[node].token)];
    path.forEach((node, i) => {
      if (!nodeLocation[node]) nodeLocation[node] = { row, column: i + 1 };
    });
    lengths.push(ids.length);
    const padding = width - ids.length;
    inputIds.push([...ids, ...new Array(padding).fill(padToken)]);
    positionIds.push(Array.from({ length: width }, (_, j) => cacheLength + j));
    attentionMask.push([...new Array(cacheLength + ids.length).fill(1), ...new Array(padding).fill(0)]);
  });
  return { inputIds, positionIds, attentionMask, lengths, paths, nodeLocation, width };
}

/** The row whose path contains the whole accepted path (the first such row), for committing its KV. */
export function rowForAcceptedPath(rows: PathRows, acceptedPath: readonly number[]): number {
  if (acceptedPath.length === 0) return 0;
  const row = rows.paths.findIndex((path) => acceptedPath.every((node, i) => path[i] === node));
  if (row < 0) throw new Error(`accepted path ${acceptedPath.join(',')} is in no batch row`);
  return row;
}
