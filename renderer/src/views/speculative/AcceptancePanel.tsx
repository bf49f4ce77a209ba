/**
 * Inspector section for a draft-tree node: p vs q, the ratio, u on a number line against min(1, p/q),
 * the decision in words, the residual distribution the correction was drawn from, and the top of the
 * target's and the draft's distributions at that position.
 */
import { useApp } from '../../store/store';
import type { TraceIndex } from '../../trace/trace-index';
import { formatNumber, formatProb, tokenLabel, tokenLiteral } from '../../format/format';
import { TokenText } from '../../components/TokenText';
import { buildDraftTree, revealOf, EXTRA_NODE, type DraftTreeView, type TreeNodeView } from './draft-tree-model';
import { acceptanceFacts } from './acceptance-model';
import { phaseName } from '../trace-extras';
import { STATUS_STYLE } from './node-style';

function label(trace: TraceIndex, id: number): string {
  const e = trace.tokenText(id);
  return tokenLabel(e.text, e.bytes);
}

function topk(trace: TraceIndex, distId: string | undefined, n: number): { id: number; prob: number }[] {
  const d = distId ? trace.dists.get(distId) : undefined;
  if (!d) return [];
  // Greedy runs may keep only the argmax after processing; the raw top-k then says more.
  const list = d.processed.topk.length >= 3 ? d.processed.topk : d.raw.topk;
  return list
    .filter((t) => t.logprob !== null)
    .map((t) => ({ id: t.id, prob: Math.exp(t.logprob!) }))
    .sort((a, b) => b.prob - a.prob)
    .slice(0, n);
}

function replacementFor(trace: TraceIndex, view: DraftTreeView, node: TreeNodeView): string | undefined {
  const extra = view.byId.get(EXTRA_NODE);
  if (extra && extra.parent === node.parent && extra.status !== 'bonus') return label(trace, extra.tokenId);
  const top = topk(trace, node.targetDistId, 1)[0];
  return top ? label(trace, top.id) : undefined;
}

function Bars({ rows }: { rows: { key: string; label: string; value?: number; colour: string }[] }) {
  return (
    <div className="acc-bars">
      {rows.map((r) => (
        <div key={r.key} className="acc-bar-row" data-testid={`acc-${r.key}`}>
          <span className="acc-bar-label">{r.label}</span>
          <span className="acc-bar-track">
            <span className="acc-bar-fill" style={{ width: `${Math.max(0.5, (r.value ?? 0) * 100)}%`, background: r.colour }} />
          </span>
          <span className="mono acc-bar-num">{formatProb(r.value)}</span>
        </div>
      ))}
    </div>
  );
}

/** u on [0, 1]: the accept region [0, min(1, p/q)) shaded green, the rest red. */
function NumberLine({ threshold, u, accepted }: { threshold: number; u?: number; accepted?: boolean }) {
  const W = 280;
  const x = (v: number) => 8 + v * (W - 16);
  return (
    <svg width="100%" viewBox={`0 0 ${W} 46`} className="ustrip" data-testid="acc-number-line" role="img" aria-label="u against min(1, p/q)">
      <rect x={x(0)} y={12} width={x(threshold) - x(0)} height={10} style={{ fill: 'var(--c-accepted)', opacity: 0.55 }} />
      <rect x={x(threshold)} y={12} width={x(1) - x(threshold)} height={10} style={{ fill: 'var(--c-rejected)', opacity: 0.35 }} />
      <line x1={x(threshold)} x2={x(threshold)} y1={8} y2={26} style={{ stroke: 'var(--ink)', strokeWidth: 1.5 }} />
      <text x={x(threshold)} y={38} textAnchor={threshold < 0.3 ? 'start' : threshold > 0.7 ? 'end' : 'middle'} className="mono" style={{ fontSize: 9.5, fill: 'var(--ink-2)' }}>
        min(1,p/q) {threshold.toFixed(3)}
      </text>
      {threshold >= 0.3 ? <text x={x(0)} y={38} className="mono" style={{ fontSize: 9, fill: 'var(--ink-3)' }}>0</text> : null}
      {threshold <= 0.7 ? <text x={x(1)} y={38} textAnchor="end" className="mono" style={{ fontSize: 9, fill: 'var(--ink-3)' }}>1</text> : null}
      {u !== undefined ? (
        <g transform={`translate(${x(u)}, 0)`}>
          <path d="M-5,1 L5,1 L0,9 Z" style={{ fill: accepted ? 'var(--c-accepted)' : 'var(--u-marker)' }} />
          <line y1={8} y2={26} style={{ stroke: accepted ? 'var(--c-accepted)' : 'var(--u-marker)', strokeWidth: 2 }} />
        </g>
      ) : null}
    </svg>
  );
}

export function NodeDetails({ trace, step, node: nodeId }: { trace: TraceIndex; step: number; node: number }) {
  const cursor = useApp((s) => s.cursor);
  const stepIdx = trace.stepIndexOf(step);
  // Show what is known at the cursor's sub-step when the node is in the cursor's step; else everything.
  const reveal = stepIdx === cursor.stepIdx ? revealOf(phaseName(trace, stepIdx, cursor.phase)) : 'commit';
  const view = stepIdx >= 0 ? buildDraftTree(trace, stepIdx, reveal) : null;
  const node = view?.byId.get(nodeId);
  if (!view || !node) return <p className="muted">That node is not in this trace.</p>;
  const st = STATUS_STYLE[node.status];
  const text = label(trace, node.tokenId);
  const replacement = node.status === 'rejected' ? replacementFor(trace, view, node) : undefined;
  // Under recursive rejection a later sibling was examined after this one.
  const order = view.verify?.decisions.map((d) => d.node) ?? [];
  const nextSiblingTried =
    node.status === 'rejected' && order.slice(order.indexOf(node.node) + 1).some((id) => view.byId.get(id)?.parent === node.parent);
  const f = acceptanceFacts(node, view.rule, text, replacement, nextSiblingTried);
  const isResidualNode = node.status === 'resampled';
  const rejectedHere = node.status === 'rejected' && view.byId.get(EXTRA_NODE)?.parent === node.parent;
  const residual = (isResidualNode || rejectedHere) && view.residual ? view.residual : undefined;
  const correction = view.byId.get(EXTRA_NODE);
  const targetTop = topk(trace, node.targetDistId, 5);
  const draftTop = topk(trace, node.draftDistId, 5);
  return (
    <div data-testid="acceptance-panel" data-status={node.status}>
      <div className="insp-token">
        <span className="chip" style={{ background: st.fill, borderColor: st.stroke, borderStyle: st.dash ? 'dashed' : 'solid', cursor: 'default' }}>
          <TokenText entry={trace.tokenText(node.tokenId)} />
        </span>
        <span style={{ color: st.stroke, fontWeight: 600 }}>
          {st.icon} {st.label}
        </span>
      </div>
      <p className="acc-sentence" data-testid="acc-sentence">{f.sentence}</p>
      <dl className="kv">
        <dt>step · node · depth</dt>
        <dd>{view.step} · {node.node === EXTRA_NODE ? 'target' : node.node < 0 ? 'root' : node.node} · {node.depth}</dd>
        <dt>id · text</dt>
        <dd>{node.tokenId} · {tokenLiteral(trace.tokenText(node.tokenId).text)}</dd>
        {view.rule ? (
          <>
            <dt>rule</dt>
            <dd>{view.rule}</dd>
          </>
        ) : null}
        {f.ratio !== undefined ? (
          <>
            <dt>ratio p/q</dt>
            <dd data-testid="acc-ratio">{formatNumber(f.ratio, 3)}</dd>
          </>
        ) : null}
        {f.u !== undefined ? (
          <>
            <dt>draw u</dt>
            <dd data-testid="acc-u">{f.u.toFixed(4)}</dd>
          </>
        ) : null}
      </dl>
      {node.node >= 0 && (f.p !== undefined || f.q !== undefined) ? (
        <>
          <div className="insp-section">Target p vs draft q of {text}</div>
          <Bars
            rows={[
              { key: 'p', label: 'target p', value: f.p, colour: 'var(--bar)' },
              { key: 'q', label: 'draft q', value: f.q, colour: 'var(--ink-3)' },
            ]}
          />
        </>
      ) : null}
      {f.threshold !== undefined && node.decision ? (
        <>
          <div className="insp-section">The draw against min(1, p/q)</div>
          <NumberLine threshold={f.threshold} u={f.u} accepted={node.decision.accepted} />
          {f.u === undefined ? <p className="muted">Greedy verification: no random draw; accept when the draft equals the target's argmax.</p> : null}
        </>
      ) : null}
      {residual ? (
        <>
          <div className="insp-section">Residual norm(max(0, p − q))</div>
          <table className="mini-table" data-testid="acc-residual">
            <tbody>
              {residual.slice(0, 8).map((r) => (
                <tr key={r.id} className={correction && r.id === correction.tokenId ? 'hl' : ''}>
                  <td className="mono">{label(trace, r.id)}</td>
                  <td>
                    <span className="acc-bar-track small">
                      <span className="acc-bar-fill" style={{ width: `${Math.max(0.5, r.prob * 100)}%`, background: 'var(--c-resampled)' }} />
                    </span>
                  </td>
                  <td className="mono">{formatProb(r.prob)}</td>
                  <td>{correction && r.id === correction.tokenId ? '↻ drawn' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {targetTop.length || draftTop.length ? (
        <>
          <div className="insp-section">Top of target · draft at this position</div>
          <table className="mini-table" data-testid="acc-topk">
            <thead>
              <tr><th>target</th><th>p</th><th>draft</th><th>q</th></tr>
            </thead>
            <tbody>
              {Array.from({ length: Math.max(targetTop.length, draftTop.length) }, (_, i) => (
                <tr key={i}>
                  <td className={`mono ${targetTop[i]?.id === node.tokenId ? 'acc-self' : ''}`}>{targetTop[i] ? label(trace, targetTop[i]!.id) : ''}</td>
                  <td className="mono">{targetTop[i] ? formatProb(targetTop[i]!.prob) : ''}</td>
                  <td className={`mono ${draftTop[i]?.id === node.tokenId ? 'acc-self' : ''}`}>{draftTop[i] ? label(trace, draftTop[i]!.id) : ''}</td>
                  <td className="mono">{draftTop[i] ? formatProb(draftTop[i]!.prob) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
