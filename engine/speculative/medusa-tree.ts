/**
 * Medusa static candidate trees and acceptance (Cai et al. 2024; decoding-algorithms §5.2).
 *
 * A tree is given as "choices": each node is a path of rank indices (c_1..c_d), meaning "the c_1-th token of
 * head 1, then the c_2-th token of head 2, …". Every node at depth d with the same last rank carries the same
 * token (a pruned Cartesian product of the heads' top-k lists), because heads do not see the drafted parent.
 *
 * Acceptance:
 *  - exact: greedy walk or recursive rejection with deterministic drafts (tree-verify.ts), both lossless;
 *  - typical acceptance (Medusa's default sampling mode, LOSSY): a candidate token x at a node is accepted iff
 *      p_T(x) > min(ε, δ · exp(−H(p_T)))     p_T = softmax(logits / T), ε = posterior_threshold, δ = posterior_alpha
 *    with medusa_generate's values ε = 0.09, δ = 0.3. The longest accepted root-to-leaf prefix wins; ties go to the
 *    larger Σ log p_T over the accepted prefix, then to the earlier row. The next root is the argmax of the last
 *    accepted node's logits ("fast" variant).
 */
import { argmax, entropy } from './dist';
import { buildTree, rootToLeafPaths, type DraftTree } from './tree';

export type MedusaChoices = number[][];

/**
 * A sparse tree sized to a node budget: best-first over paths by the product of per-head rank accuracies
 * (accuracy[h][r] = chance that head h's rank-r token is right). Because every factor is ≤ 1, a path never
 * outranks its prefix, so the chosen set is closed under prefixes. This is how Medusa derives its trees
 * from calibration accuracies; the table can be a prior or measured online.
 */
export function sparseChoicesForBudget(accuracy: readonly (readonly number[])[], budget: number): MedusaChoices {
  const frontier: { path: number[]; value: number }[] = accuracy[0].map((a, r) => ({ path: [r], value: a }));
  const chosen: MedusaChoices = [];
  while (chosen.length < budget && frontier.length > 0) {
    let best = 0;
    for (let i = 1; i < frontier.length; i++) if (comparePaths(frontier[i], frontier[best]) < 0) best = i;
    const [{ path, value }] = frontier.splice(best, 1);
    chosen.push(path);
    const nextHead = path.length;
    if (nextHead < accuracy.length) accuracy[nextHead].forEach((a, r) => frontier.push({ path: [...path, r], value: value * a }));
  }
  return chosen;
}

function comparePaths(a: { path: number[]; value: number }, b: { path: number[]; value: number }): number {
  return b.value - a.value || a.path.length - b.path.length || lexCompare(a.path, b.path);
}

function lexCompare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A rank-accuracy prior for heads with no calibration yet: later heads and lower ranks are less often right. */
export function priorHeadAccuracy(numHeads: number, topk: number): number[][] {
  return Array.from({ length: numHeads }, (_, h) => Array.from({ length: topk }, (_, r) => 0.6 * 0.75 ** h * 0.45 ** r));
}

export interface MedusaBuffers {
  /** Choices sorted by (length, lexicographic), the order nodes are fed. */
  choices: MedusaChoices;
  /** Per node: parent node index (-1 = root), depth (= head number), rank within that head's top-k. */
  parents: number[];
  depths: number[];
  ranks: number[];
  topk: number;
}

export function medusaBuffers(choices: MedusaChoices, topk: number): MedusaBuffers {
  const sorted = [...choices].sort((a, b) => a.length - b.length || lexCompare(a, b));
  const indexOf = new Map(sorted.map((c, i) => [c.join(','), i]));
  if (indexOf.size !== sorted.length) throw new Error('medusa choices: duplicate paths');
  const parents = sorted.map((choice, i) => {
    if (choice.length === 0) throw new Error(`medusa choices: entry ${i} is empty`);
    for (const rank of choice) if (!Number.isInteger(rank) || rank < 0 || rank >= topk) throw new Error(`medusa choices: rank ${rank} in [${choice}] is outside top-${topk}`);
    if (choice.length === 1) return -1;
    const parent = indexOf.get(choice.slice(0, -1).join(','));
    if (parent === undefined) throw new Error(`medusa choices: [${choice}] has no parent [${choice.slice(0, -1)}]`);
    return parent;
  });
  return { choices: sorted, parents, depths: sorted.map((c) => c.length), ranks: sorted.map((c) => c[c.length - 1]), topk };
}

export interface HeadTopK {
  /** Token ids by rank (length ≥ topk). */
  ids: number[];
  /** Head probabilities of those ids. */
  probs: number[];
}

/** Fill the static tree with this step's head proposals: node at depth d, rank r gets head d's rank-r token. */
export function medusaCandidateTree(buffers: MedusaBuffers, heads: readonly HeadTopK[]): DraftTree {
  return buildTree(
    buffers.choices.map((_, i) => {
      const head = heads[buffers.depths[i] - 1];
      if (!head) throw new Error(`medusa tree needs head ${buffers.depths[i]}, only ${heads.length} heads given`);
      const rank = buffers.ranks[i];
      return { parent: buffers.parents[i], token: head.ids[rank], q: head.probs[rank], proposal: null, source: `head ${buffers.depths[i]}` };
    }),
  );
}

export interface TypicalNodeDecision {
  node: number;
  token: number;
  /** p_T(x) at the node's parent. */
  p: number;
  entropy: number;
  /** min(ε, δ·exp(−H)). */
  threshold: number;
  accepted: boolean;
}

export interface TypicalAcceptance {
  rule: 'medusa-typical';
  lossless: false;
  epsilon: number;
  delta: number;
  decisions: TypicalNodeDecision[];
  rows: { path: number[]; acceptLength: number; logLikelihood: number }[];
  chosenRow: number;
  acceptedPath: number[];
  /** argmax of the last accepted node's distribution: the next root. */
  nextRoot: number;
  nextRootFedIndex: number;
  committed: number[];
}

/**
 * `targetAt(f)` is p_T at fed index f (root = 0, node i = i+1), i.e. softmax(logits / T) without other warpers.
 */
export function typicalAcceptance(
  tree: DraftTree,
  targetAt: (fedIndex: number) => Float32Array,
  epsilon = 0.09,
  delta = 0.3,
): TypicalAcceptance {
  const decisions: TypicalNodeDecision[] = tree.nodes.map((node) => {
    const dist = targetAt(node.parent + 1);
    const h = entropy(dist);
    const threshold = Math.min(epsilon, delta * Math.exp(-h));
    const p = dist[node.token];
    return { node: node.id, token: node.token, p, entropy: h, threshold, accepted: p > threshold };
  });
  const paths = tree.nodes.length === 0 ? [[]] : rootToLeafPaths(tree);
  const rows = paths.map((path) => {
    let acceptLength = 0;
    let logLikelihood = 0;
    for (const node of path) {
      if (!decisions[node].accepted) break;
      acceptLength++;
      logLikelihood += Math.log(decisions[node].p);
    }
    return { path, acceptLength, logLikelihood };
  });
  let chosenRow = 0;
  rows.forEach((row, i) => {
    const best = rows[chosenRow];
    if (row.acceptLength > best.acceptLength || (row.acceptLength === best.acceptLength && row.logLikelihood > best.logLikelihood)) chosenRow = i;
  });
  const acceptedPath = rows[chosenRow].path.slice(0, rows[chosenRow].acceptLength);
  const nextRootFedIndex = acceptedPath.length === 0 ? 0 : acceptedPath[acceptedPath.length - 1] + 1;
  const nextRoot = argmax(targetAt(nextRootFedIndex));
  return {
    rule: 'medusa-typical',
    lossless: false,
    epsilon,
    delta,
    decisions,
    rows,
    chosenRow,
    acceptedPath,
    nextRoot,
    nextRootFedIndex,
    committed: [...acceptedPath.map((n) => tree.nodes[n].token), nextRoot],
  };
}
