/**
 * The draft tree of one speculative step as the views draw it: the root (the last committed token),
 * the drafted nodes with their verification status, and the token the target supplied itself (the
 * correction drawn from the residual, or the bonus token after a fully accepted path). Pure, so the
 * status rules are unit-tested; what is known depends on the sub-step the cursor is on.
 */
import type { TraceIndex } from '../../trace/trace-index';
import type { VerifyRecord } from '../../../../engine/trace/schema';

export type NodeStatus = 'root' | 'pending' | 'accepted' | 'rejected' | 'skipped' | 'resampled' | 'bonus' | 'target';
export type Decision = VerifyRecord['decisions'][number];
/** What the cursor's sub-step lets us know: drafted only, decided, or committed. */
export type Reveal = 'draft' | 'verify' | 'commit';

export const ROOT_NODE = -1;
/** The token the target supplied after the accepted path (resampled correction or bonus). */
export const EXTRA_NODE = -2;

export interface TreeNodeView {
  node: number;
  parent: number | null;
  tokenId: number;
  depth: number;
  status: NodeStatus;
  /** Draft probability of this token (absent for drafters without one, e.g. prompt lookup). */
  q?: number;
  /** Target probability (after verification). */
  p?: number;
  score?: number;
  decision?: Decision;
  draftDistId?: string;
  targetDistId?: string;
  /** On the committed path (accepted nodes and the extra token). */
  onPath: boolean;
  children: number[];
}

export interface DraftTreeView {
  step: number;
  stepIdx: number;
  kind: 'chain' | 'tree';
  source: string;
  model: string;
  rule?: string;
  reveal: Reveal;
  /** Root first, then drafted nodes in record order, then the extra node when revealed. */
  nodes: TreeNodeView[];
  byId: Map<number, TreeNodeView>;
  drafted: number;
  acceptedLength: number;
  residual?: { id: number; prob: number }[];
  verify?: VerifyRecord;
}

/** Status of a drafted node given the decisions known at this sub-step. */
export function statusOf(decision: Decision | undefined, reveal: Reveal): NodeStatus {
  if (reveal === 'draft') return 'pending';
  if (!decision) return 'skipped';
  return decision.accepted ? 'accepted' : 'rejected';
}

export function revealOf(phase: string): Reveal {
  return phase === 'draft' ? 'draft' : phase === 'verify' ? 'verify' : 'commit';
}

export function buildDraftTree(trace: TraceIndex, stepIdx: number, reveal: Reveal): DraftTreeView | null {
  const entry = trace.steps[stepIdx];
  const draft = entry?.drafts[entry.drafts.length - 1];
  if (!entry || !draft) return null;
  const verify = reveal === 'draft' ? undefined : entry.verify;
  const decisions = new Map<number, Decision>();
  for (const d of verify?.decisions ?? []) decisions.set(d.node, d);

  const rootToken = entry.outStart > 0 ? trace.output[entry.outStart - 1]?.id : trace.header?.prompt.tokenIds.at(-1);
  const root: TreeNodeView = { node: ROOT_NODE, parent: null, tokenId: rootToken ?? 0, depth: 0, status: 'root', onPath: true, children: [] };
  const nodes: TreeNodeView[] = [root];
  const byId = new Map<number, TreeNodeView>([[ROOT_NODE, root]]);
  for (const n of draft.nodes) {
    const d = decisions.get(n.node);
    const status = statusOf(d, reveal);
    const v: TreeNodeView = {
      node: n.node,
      parent: n.parent,
      tokenId: n.tokenId,
      depth: n.depth,
      status,
      q: d?.q ?? n.q,
      p: d?.p,
      score: n.score,
      decision: d,
      draftDistId: n.distId,
      targetDistId: d?.targetDistId,
      onPath: reveal === 'commit' && status === 'accepted',
      children: [],
    };
    nodes.push(v);
    byId.set(n.node, v);
  }
  for (const v of nodes) if (v.parent !== null) (byId.get(v.parent) ?? root).children.push(v.node);

  // The target's own token: the commit's first token not taken from the draft.
  if (reveal === 'commit' && entry.commit) {
    const accepted = verify?.acceptedLength ?? 0;
    const extra = entry.commit.tokens.slice(accepted).find((t) => t.source !== 'accepted');
    if (extra) {
      // It hangs off the deepest accepted node (the end of the committed path).
      let tip = root;
      for (const v of nodes) if (v.onPath && v.depth > tip.depth) tip = v;
      const choice = extra.distId ? trace.choiceByDist.get(extra.distId) : undefined;
      const ev: TreeNodeView = {
        node: EXTRA_NODE,
        parent: tip.node,
        tokenId: extra.id,
        depth: tip.depth + 1,
        status: extra.source === 'bonus' ? 'bonus' : extra.source === 'resampled' ? 'resampled' : 'target',
        p: choice?.prob,
        targetDistId: extra.distId,
        onPath: true,
        children: [],
      };
      nodes.push(ev);
      byId.set(EXTRA_NODE, ev);
      tip.children.push(EXTRA_NODE);
    }
  }
  return {
    step: entry.step,
    stepIdx,
    kind: draft.kind,
    source: draft.source,
    model: draft.model,
    rule: verify?.rule,
    reveal,
    nodes,
    byId,
    drafted: draft.nodes.length,
    acceptedLength: verify?.acceptedLength ?? 0,
    residual: verify?.residual,
    verify,
  };
}

/** A node's probability for sizing and collapsing: the draft's q, else its score, else the target's p. */
export function nodeProb(n: TreeNodeView): number | undefined {
  return n.q ?? (n.score !== undefined && n.score <= 1 && n.score >= 0 ? n.score : undefined) ?? n.p;
}

/** The nodes from the root down to `node` (inclusive), root first. */
export function pathTo(view: DraftTreeView, node: number): number[] {
  const out: number[] = [];
  let cur = view.byId.get(node);
  while (cur) {
    out.push(cur.node);
    cur = cur.parent === null ? undefined : view.byId.get(cur.parent);
  }
  return out.reverse();
}

export interface CollapseOptions {
  /** Hide subtrees whose node probability is below this (nodes on the committed path always stay). */
  minProb: number;
  /** Keep only the committed path, the examined nodes and the path nodes' direct children. */
  focusPath: boolean;
}

/** Which nodes to draw, and per kept node how many descendants were folded away under it. */
export function collapseTree(view: DraftTreeView, opts: CollapseOptions): { keep: Set<number>; hidden: Map<number, number> } {
  const keep = new Set<number>();
  const hidden = new Map<number, number>();
  const countSubtree = (id: number): number => {
    const n = view.byId.get(id);
    return n ? 1 + n.children.reduce((a, c) => a + countSubtree(c), 0) : 0;
  };
  const visit = (id: number, parentOnPath: boolean) => {
    const n = view.byId.get(id)!;
    keep.add(id);
    for (const c of n.children) {
      const child = view.byId.get(c)!;
      const important = child.onPath || child.decision !== undefined || child.node === EXTRA_NODE;
      const prob = nodeProb(child);
      const probable = prob === undefined || prob >= opts.minProb;
      const ok = opts.focusPath ? important || (n.onPath && parentOnPath && probable) : important || probable;
      if (ok) visit(c, n.onPath);
      else hidden.set(id, (hidden.get(id) ?? 0) + countSubtree(c));
    }
  };
  visit(ROOT_NODE, true);
  return { keep, hidden };
}

/** The ancestors each drafted node attends to under tree attention (itself included), root excluded. */
export function treeMask(view: DraftTreeView): { order: number[]; attends: Map<number, Set<number>> } {
  const order = view.nodes.filter((n) => n.node >= 0).map((n) => n.node);
  const attends = new Map<number, Set<number>>();
  for (const id of order) attends.set(id, new Set(pathTo(view, id).filter((x) => x >= 0)));
  return { order, attends };
}
