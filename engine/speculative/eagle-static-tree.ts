/**
 * EAGLE-1's static draft tree (Li et al. 2024, decoding-algorithms §5.3). The shape is fixed in advance as
 * "choices" (as in Medusa/EAGLE `mc_sim_7b_63`): each node is a path of child ranks (c_1..c_d), "the c_1-th child
 * of the root, then the c_2-th child of that, …". Unlike Medusa, a node's children come from the draft head run
 * on that node (it sees the drafted parent), so the tree is grown one depth per head call: the nodes of a level
 * that have children in the shape are expanded together, and the rank-r child of a node is its r-th draft.
 * Pure logic over a "draft children" callback; the engine backs it with the EAGLE head (strategies/eagle-1.ts).
 */
import { medusaBuffers, type MedusaChoices } from './medusa-tree';
import { buildTree, type DraftNodeSpec, type DraftTree } from './tree';
import type { FrontierNode } from './eagle-tree';

/**
 * The default shape: 7 nodes, depth 5 — the top-2 at the root, the top-1 below each, then a spine of the top-1.
 * A pruned `mc_sim_7b_63` (25 nodes) sized for a CPU target, where a tree pass costs roughly one decode step
 * per fed token: on the bundled models it reached τ 3.00 against 3.05 for a 9-node variant that also branches
 * at depth 2 (and 2.70 for a plain 5-chain), so the extra nodes did not pay.
 */
export const EAGLE1_DEFAULT_CHOICES: MedusaChoices = [[0], [1], [0, 0], [1, 0], [0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0, 0]];

/** EAGLE-1's published tree (Spec-Bench model/eagle/choices.py `mc_sim_7b_63`): 25 nodes, depth 5, ≤ 4 children. */
export const EAGLE1_MC_SIM_7B_63: MedusaChoices = [
  [0], [1], [2], [3], [0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [2, 0], [2, 1], [3, 0], [0, 0, 0], [0, 0, 1], [0, 0, 2],
  [0, 1, 0], [0, 1, 1], [0, 2, 0], [0, 2, 1], [1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 2], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1],
];

export interface StaticShape {
  /** Choices in feeding order: by depth, then lexicographic (parents precede children). */
  choices: MedusaChoices;
  parents: number[];
  depths: number[];
  ranks: number[];
  /** Per shape node, and -1 for the root: how many drafts its children need (highest child rank + 1); 0 = leaf. */
  draftsNeeded: Map<number, number>;
  maxDepth: number;
}

/** Validates a shape (every prefix present, no duplicates) and indexes it. */
export function staticShape(choices: MedusaChoices): StaticShape {
  if (choices.length === 0) throw new Error('eagle-1 tree: the shape has no nodes');
  const maxRank = Math.max(...choices.flat());
  const b = medusaBuffers(choices, maxRank + 1);
  const draftsNeeded = new Map<number, number>();
  b.parents.forEach((parent, i) => draftsNeeded.set(parent, Math.max(draftsNeeded.get(parent) ?? 0, b.ranks[i]! + 1)));
  return { choices: b.choices, parents: b.parents, depths: b.depths, ranks: b.ranks, draftsNeeded, maxDepth: Math.max(...b.depths) };
}

/** "0;1;0,0;0,1" ↔ [[0],[1],[0,0],[0,1]] — the method parameter's text form. */
export function parseChoices(text: string): MedusaChoices {
  const choices = text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => part.split(',').map((r) => Number(r.trim())));
  for (const c of choices) {
    if (c.some((r) => !Number.isInteger(r) || r < 0 || r > 9)) throw new Error(`rank paths look like "0;1;0,0;0,1" (ranks 0..9), got '${text}'`);
  }
  staticShape(choices);
  return choices;
}

export function formatChoices(choices: MedusaChoices): string {
  return choices.map((c) => c.join(',')).join(';');
}

/** One drafted child: its token, the draft probability shown in the trace, and the proposal for verification. */
export interface ChildDraft {
  token: number;
  q: number;
  /** The distribution it was drawn from (recursive rejection), or null for a deterministic top-k draft. */
  proposal: Float32Array | null;
}

/**
 * For each frontier node (the root is candidate −1), `count[i]` drafts best/first first. Fewer may come back
 * when the draft distribution has fewer tokens; the shape's nodes at the missing ranks are then left out.
 */
export type DraftChildren = (frontier: readonly FrontierNode[], counts: readonly number[]) => Promise<ChildDraft[][]>;

export interface StaticTreeResult {
  tree: DraftTree;
  /** Shape index of each tree node. */
  shapeIndex: number[];
  draftCalls: number;
  /** True when every shape node up to the depth limit is in the tree. */
  complete: boolean;
}

/** Grows the static shape, at most `depthLimit` levels deep (the room left before the length limit). */
export async function growStaticTree(rootToken: number, shape: StaticShape, depthLimit: number, draft: DraftChildren): Promise<StaticTreeResult> {
  const specs: DraftNodeSpec[] = [];
  const shapeIndex: number[] = [];
  const nodeOfShape = new Map<number, number>(); // shape index → tree node id
  const frontierOf = new Map<number, FrontierNode>(); // tree node id (−1 root) → its frontier record
  frontierOf.set(-1, { candidate: -1, token: rootToken, pathTokens: [], pathCandidates: [], depth: 0 });
  let draftCalls = 0;
  let complete = true;
  let parents = [-1]; // tree node ids at the previous level
  const needed = (node: number) => shape.draftsNeeded.get(node === -1 ? -1 : shapeIndex[node]!) ?? 0;
  for (let depth = 1; depth <= Math.min(shape.maxDepth, depthLimit); depth++) {
    const expanding = parents.filter((node) => needed(node) > 0);
    if (expanding.length === 0) break;
    const drafts = await draft(expanding.map((node) => frontierOf.get(node)!), expanding.map(needed));
    draftCalls++;
    const draftsOf = new Map(expanding.map((node, i) => [node, drafts[i] ?? []]));
    const level: number[] = [];
    shape.choices.forEach((_, s) => {
      if (shape.depths[s] !== depth) return;
      const parentShape = shape.parents[s]!;
      const parent = parentShape === -1 ? -1 : nodeOfShape.get(parentShape);
      const child = parent === undefined ? undefined : draftsOf.get(parent)?.[shape.ranks[s]!];
      if (parent === undefined || !child) {
        complete = false;
        return;
      }
      const id = specs.length;
      specs.push({ parent, token: child.token, q: child.q, proposal: child.proposal, source: `eagle rank ${shape.ranks[s]}` });
      shapeIndex.push(s);
      nodeOfShape.set(s, id);
      const up = frontierOf.get(parent)!;
      frontierOf.set(id, { candidate: id, token: child.token, pathTokens: [...up.pathTokens, child.token], pathCandidates: [...up.pathCandidates, id], depth });
      level.push(id);
    });
    parents = level;
  }
  if (depthLimit < shape.maxDepth) complete = false;
  return { tree: buildTree(specs), shapeIndex, draftCalls, complete };
}
