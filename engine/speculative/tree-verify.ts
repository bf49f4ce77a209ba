/**
 * Verifying a draft tree against the target distributions of one tree pass (decoding-algorithms §1.3, §5.1).
 *
 * `targetAt(f)` is the processed target distribution at fed index f (f = 0 for the root, node i at i+1); it
 * predicts the children of that fed token. Three rules:
 *  - greedy walk: move to the child whose token is the target argmax (lowest id wins ties; among duplicate
 *    children the lowest node index wins), else emit the argmax;
 *  - recursive rejection sampling (SpecInfer multi-step speculative sampling): try the children in index order;
 *    accept child c with prob min(1, P(x)/Q_c(x)); on rejection P ← norm(max(0, P − Q_c)); if no child is
 *    accepted, draw from the final residual. Q_c is the child's `proposal` — the distribution it was drawn
 *    from. `null` marks a deterministic (top-k) draft: Q_c is a point mass, so the ratio is P(x) and the
 *    residual is P with x removed (EAGLE-2 `qx = 1`). Duplicate deterministic siblings are skipped, as in EAGLE;
 *  - sample-then-match (OPT-Tree): sample t ~ P at each visited node, move to the child equal to t, else emit t.
 * All three are exact for the right drafts: i.i.d. children (proposal = q), children drawn without replacement
 * (proposal = the conditional q, see `withoutReplacementProposals`), deterministic children (proposal = null).
 */
import { argmax, removeToken, residualDistribution, sampleFromDistribution, type Residual, type SampledToken, type UniformSource } from './dist';
import { childrenOf, type DraftTree } from './tree';

export type TreeRule = 'greedy-walk' | 'recursive-rejection' | 'sample-then-match';

export interface NodeDecision {
  node: number;
  token: number;
  /** Target probability of the token under the (possibly residual-updated) P at that moment. */
  p: number;
  q?: number;
  ratio?: number;
  u?: number;
  accepted: boolean;
  reason: string;
  /** Fed index whose target distribution was used (the parent's). */
  targetFedIndex: number;
}

export interface TreeFinalToken {
  token: number;
  /** 'bonus' when the walk ended at a leaf; 'resampled' when every child of the last node was rejected. */
  source: 'bonus' | 'resampled';
  /** Fed index of the distribution it came from (the last accepted node's, or the root's). */
  fedIndex: number;
  rule: 'argmax' | 'sample' | 'residual';
  draw?: SampledToken;
  residual?: Residual;
}

export interface TreeVerification {
  rule: TreeRule;
  decisions: NodeDecision[];
  /** Accepted node ids from the root's child down. */
  acceptedPath: number[];
  final: TreeFinalToken;
  /** Tokens of the accepted path, then the final token. */
  committed: number[];
}

export type TargetLookup = (fedIndex: number) => Float32Array;

export function greedyTreeVerify(tree: DraftTree, targetAt: TargetLookup): TreeVerification {
  const decisions: NodeDecision[] = [];
  const acceptedPath: number[] = [];
  let current = -1;
  for (;;) {
    const fed = current + 1;
    const P = targetAt(fed);
    const best = argmax(P);
    let next = -1;
    for (const child of childrenOf(tree, current)) {
      const token = tree.nodes[child].token;
      const accepted = next === -1 && token === best;
      const reason = accepted ? 'accepted: token = target argmax' : token === best ? 'rejected: duplicate of an accepted sibling' : 'rejected: token != target argmax';
      decisions.push({ node: child, token, p: P[token], accepted, reason, targetFedIndex: fed });
      if (accepted) next = child;
    }
    if (next === -1) {
      const source = childrenOf(tree, current).length === 0 ? 'bonus' : 'resampled';
      return done('greedy-walk', tree, decisions, acceptedPath, { token: best, source, fedIndex: fed, rule: 'argmax' });
    }
    acceptedPath.push(next);
    current = next;
  }
}

export function recursiveRejectionVerify(tree: DraftTree, targetAt: TargetLookup, uniform: UniformSource): TreeVerification {
  const decisions: NodeDecision[] = [];
  const acceptedPath: number[] = [];
  let current = -1;
  for (;;) {
    const fed = current + 1;
    const kids = childrenOf(tree, current);
    let P: Float32Array = targetAt(fed);
    if (kids.length === 0) {
      const draw = sampleFromDistribution(P, uniform('sample'));
      return done('recursive-rejection', tree, decisions, acceptedPath, { token: draw.token, source: 'bonus', fedIndex: fed, rule: 'sample', draw });
    }
    let next = -1;
    let residual: Residual | undefined;
    const triedPointMasses = new Set<number>();
    for (const child of kids) {
      const node = tree.nodes[child];
      const x = node.token;
      const proposal = node.proposal;
      if (proposal === undefined) throw new Error(`draft tree node ${child}: recursive rejection needs a proposal (distribution or null for a deterministic draft)`);
      if (proposal === null && triedPointMasses.has(x)) {
        decisions.push({ node: child, token: x, p: P[x], accepted: false, reason: 'skipped: duplicate deterministic sibling', targetFedIndex: fed });
        continue;
      }
      const qx = proposal === null ? 1 : proposal[x];
      const px = P[x];
      const ratio = qx > 0 ? px / qx : px > 0 ? Infinity : 0;
      const u = uniform('accept');
      const accepted = px > 0 && u <= ratio;
      decisions.push({
        node: child,
        token: x,
        p: px,
        q: qx,
        ratio,
        u,
        accepted,
        reason: accepted ? 'accepted: u <= p/q' : px > 0 ? 'rejected: u > p/q' : 'rejected: p = 0',
        targetFedIndex: fed,
      });
      if (accepted) {
        next = child;
        break;
      }
      residual = proposal === null ? removeToken(P, x) : residualDistribution(P, proposal);
      if (proposal === null) triedPointMasses.add(x);
      P = residual.dist;
    }
    if (next === -1) {
      const draw = sampleFromDistribution(P, uniform('residual'));
      return done('recursive-rejection', tree, decisions, acceptedPath, { token: draw.token, source: 'resampled', fedIndex: fed, rule: 'residual', draw, residual });
    }
    acceptedPath.push(next);
    current = next;
  }
}

export function sampleThenMatchTreeVerify(tree: DraftTree, targetAt: TargetLookup, uniform: UniformSource): TreeVerification {
  const decisions: NodeDecision[] = [];
  const acceptedPath: number[] = [];
  let current = -1;
  for (;;) {
    const fed = current + 1;
    const P = targetAt(fed);
    const draw = sampleFromDistribution(P, uniform('sample'));
    let next = -1;
    for (const child of childrenOf(tree, current)) {
      const token = tree.nodes[child].token;
      const accepted = next === -1 && token === draw.token;
      const reason = accepted ? 'accepted: target sample = token' : 'rejected: target sample != token';
      decisions.push({ node: child, token, p: P[token], u: draw.u, accepted, reason, targetFedIndex: fed });
      if (accepted) next = child;
    }
    if (next === -1) {
      const source = childrenOf(tree, current).length === 0 ? 'bonus' : 'resampled';
      return done('sample-then-match', tree, decisions, acceptedPath, { token: draw.token, source, fedIndex: fed, rule: 'sample', draw });
    }
    acceptedPath.push(next);
    current = next;
  }
}

/**
 * EAGLE-1 correction for siblings drawn without replacement from q: the j-th sibling was drawn from q with the
 * earlier siblings' tokens removed and renormalised, so that conditional q is its proposal.
 */
export function withoutReplacementProposals(q: Float32Array, siblingTokens: readonly number[]): Float32Array[] {
  const proposals: Float32Array[] = [];
  const current = Float32Array.from(q);
  for (const token of siblingTokens) {
    const total = current.reduce((a, b) => a + b, 0);
    proposals.push(current.map((v) => v / total));
    current[token] = 0;
  }
  return proposals;
}

function done(
  rule: TreeRule,
  tree: DraftTree,
  decisions: NodeDecision[],
  acceptedPath: number[],
  final: TreeFinalToken,
): TreeVerification {
  return { rule, decisions, acceptedPath, final, committed: [...acceptedPath.map((n) => tree.nodes[n].token), final.token] };
}
