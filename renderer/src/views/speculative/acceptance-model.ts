/**
 * The numbers behind one acceptance decision, and the sentence that explains it. Speculative sampling
 * accepts draft token x with probability min(1, p(x)/q(x)): the draw u accepts when u < min(1, p/q)
 * (the engine records u and its own verdict; the sentence follows the verdict). Greedy verification
 * accepts when the draft equals the target's argmax. Pure, so the wording is unit-tested.
 */
import type { Decision, TreeNodeView } from './draft-tree-model';

export interface AcceptanceFacts {
  p?: number;
  q?: number;
  ratio?: number;
  /** min(1, p/q): the probability of accepting. */
  threshold?: number;
  u?: number;
  sampled: boolean;
  sentence: string;
}

/** `nextSiblingTried`: recursive rejection (SpecInfer) goes on to a sibling against the updated residual. */
export function acceptanceFacts(node: TreeNodeView, rule: string | undefined, token: string, replacement?: string, nextSiblingTried = false): AcceptanceFacts {
  const d: Decision | undefined = node.decision;
  const p = d?.p ?? node.p;
  const q = d?.q ?? node.q;
  const ratio = d?.ratio ?? (p !== undefined && q !== undefined && q > 0 ? p / q : undefined);
  const threshold = ratio === undefined ? undefined : Math.min(1, ratio);
  const u = d?.u;
  const sampled = u !== undefined;
  let sentence: string;
  if (node.status === 'root') sentence = 'The last committed token: the draft continues from here.';
  else if (node.status === 'pending') sentence = `Drafted ${token}; the target has not verified it yet at this sub-step.`;
  else if (node.status === 'skipped') sentence = `${token} was never examined: an earlier node on its path was rejected, so everything after it is discarded.`;
  else if (node.status === 'resampled')
    sentence = `The target supplied ${token} in place of the rejected draft${sampled || rule?.includes('sampl') ? ', drawn from the residual norm(max(0, p − q))' : ' (its own choice at that position)'}.`;
  else if (node.status === 'bonus') sentence = `Every draft on the path was accepted, so the same target pass gives ${token} for free: the bonus token.`;
  else if (node.status === 'target') sentence = `The target produced ${token} itself.`;
  else if (!d) sentence = '';
  else if (sampled && threshold !== undefined) {
    const cmp = d.accepted ? '<' : '≥';
    sentence = `${d.accepted ? 'Accepted' : 'Rejected'}: u = ${u!.toFixed(3)} ${cmp} min(1, p/q) = ${threshold.toFixed(3)}.${
      d.accepted
        ? ''
        : nextSiblingTried
          ? ' Its probability is removed from the residual and the next sibling is tried against it.'
          : ` The correction${replacement ? ` ${replacement}` : ''} is drawn from the residual.`
    }`;
  } else if (d.accepted) sentence = `Accepted: ${token} is what the target picks here (${d.reason}).`;
  else sentence = `Rejected: the target picks ${replacement ?? 'another token'} here, not ${token} (${d.reason}).`;
  return { p, q, ratio, threshold, u, sampled, sentence };
}
