/**
 * For chain drafts: two rows, what the draft proposed and what the target would have picked at each
 * position (the top of its processed distribution), so a mismatch is visible at a glance.
 */
import { memo } from 'react';
import { appStore } from '../../store/store';
import type { TraceIndex } from '../../trace/trace-index';
import { formatProb, tokenLabel } from '../../format/format';
import type { DraftTreeView } from './draft-tree-model';
import { STATUS_STYLE } from './node-style';
import { useWalkLit } from '../../walkthrough/highlight';

function topOf(trace: TraceIndex, distId: string | undefined): number | undefined {
  const d = distId ? trace.dists.get(distId) : undefined;
  let best: { id: number; lp: number } | undefined;
  for (const t of d?.processed.topk ?? []) if (t.logprob !== null && (!best || t.logprob > best.lp)) best = { id: t.id, lp: t.logprob };
  return best?.id;
}

export const ChainRibbon = memo(function ChainRibbon({ trace, view }: { trace: TraceIndex; view: DraftTreeView }) {
  const drafted = view.nodes.filter((n) => n.node >= 0).sort((a, b) => a.depth - b.depth);
  const extra = view.byId.get(-2);
  // A correction sits under the draft it replaced (same depth); a bonus token gets its own column.
  const replaces = extra ? drafted.find((n) => n.depth === extra.depth) : undefined;
  const chain = extra && !replaces ? [...drafted, extra] : drafted;
  const s = appStore.getState();
  const walk = useWalkLit('draft-tree');
  return (
    <div className="spec-ribbon" data-testid="chain-ribbon">
      <div className="spec-ribbon-labels">
        <span>draft</span>
        <span>target</span>
      </div>
      {chain.map((n) => {
        const st = STATUS_STYLE[n.status];
        const draftText = n.node === -2 ? '' : tokenLabel(trace.tokenText(n.tokenId).text, trace.tokenText(n.tokenId).bytes);
        const corrected = replaces === n ? extra : undefined;
        const targetId = n.node === -2 ? n.tokenId : corrected ? corrected.tokenId : view.reveal === 'draft' ? undefined : topOf(trace, n.targetDistId);
        const cst = corrected ? STATUS_STYLE[corrected.status] : undefined;
        const targetText = targetId === undefined ? '' : tokenLabel(trace.tokenText(targetId).text, trace.tokenText(targetId).bytes);
        const sel = { kind: 'node' as const, step: view.step, node: n.node };
        return (
          <div
            key={n.node}
            className="spec-ribbon-col"
            data-walk-lit={walk.has(`draft-tree:${view.step}:${n.node}`) || (corrected && walk.has(`draft-tree:${view.step}:-2`)) ? 'true' : undefined}
            onMouseEnter={() => s.setHover(sel)}
            onMouseLeave={() => s.setHover(null)}
            onClick={() => s.lock(sel)}
            title={st.label}
          >
            <span className="spec-cell" style={{ borderColor: n.node === -2 ? 'transparent' : st.stroke, background: n.node === -2 ? 'transparent' : st.fill, borderStyle: st.dash ? 'dashed' : 'solid' }}>
              {n.node === -2 ? <span className="muted">—</span> : <>{st.icon} {draftText}</>}
            </span>
            <span className="spec-cell target" style={n.node === -2 ? { borderColor: st.stroke, background: st.fill } : cst ? { borderColor: cst.stroke, background: cst.fill } : undefined}>
              {targetText ? (n.node === -2 ? `${st.icon} ${targetText}` : cst ? `${cst.icon} ${targetText}` : targetText) : <span className="muted">·</span>}
            </span>
            <span className="spec-num mono">{n.node === -2 ? `p ${formatProb(n.p)}` : n.q !== undefined ? `q ${formatProb(n.q)}` : ''}</span>
          </div>
        );
      })}
    </div>
  );
});
