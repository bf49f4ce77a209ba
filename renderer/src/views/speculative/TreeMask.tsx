/**
 * Tree-attention mask for the drafted nodes: row i = node i as a query, filled cells = the nodes it may
 * see (its ancestors and itself; every row also sees the committed context). Linked to the tree: hovering
 * a node lights its row and the ancestors it attends to; hovering a row previews that node everywhere.
 */
import { memo, useMemo } from 'react';
import { appStore } from '../../store/store';
import type { TraceIndex } from '../../trace/trace-index';
import { tokenLabel } from '../../format/format';
import { treeMask, type DraftTreeView } from './draft-tree-model';
import { STATUS_STYLE } from './node-style';

interface Props {
  trace: TraceIndex;
  view: DraftTreeView;
  highlight: number | null;
  width: number;
  maskNote: string;
}

export const TreeMask = memo(function TreeMask({ trace, view, highlight, width, maskNote }: Props) {
  const { order, attends } = useMemo(() => treeMask(view), [view]);
  const n = order.length;
  const labelW = n <= 40 ? 64 : 0;
  const cell = Math.max(2, Math.min(18, Math.floor((width - labelW - 16) / Math.max(1, n))));
  const size = cell * n;
  const row = highlight !== null ? order.indexOf(highlight) : -1;
  const lit = row >= 0 ? attends.get(order[row]!)! : new Set<number>();
  const s = appStore.getState();
  return (
    <div className="spec-mask" data-testid="tree-mask">
      <div className="spec-sub">Tree attention mask</div>
      <svg width={labelW + size + 8} height={size + 8} xmlns="http://www.w3.org/2000/svg" role="img" aria-label="tree attention mask">
        <g transform={`translate(${labelW}, 4)`}>
          <rect width={size} height={size} style={{ fill: 'var(--panel-2)', stroke: 'var(--line)' }} />
          {order.map((q, i) => {
            const node = view.byId.get(q)!;
            const entry = trace.tokenText(node.tokenId);
            return (
              <g
                key={q}
                data-mask-row={q}
                onMouseEnter={() => s.setHover({ kind: 'node', step: view.step, node: q })}
                onMouseLeave={() => s.setHover(null)}
                onClick={() => s.lock({ kind: 'node', step: view.step, node: q })}
                style={{ cursor: 'pointer' }}
              >
                <rect x={-labelW} y={i * cell} width={labelW + size} height={cell} style={{ fill: i === row ? 'var(--accent-soft)' : 'transparent' }} />
                {labelW > 0 && cell >= 12 ? (
                  <text x={-4} y={i * cell + cell / 2 + 3.5} textAnchor="end" className="mono" style={{ fontSize: Math.min(10.5, cell - 2), fill: STATUS_STYLE[node.status].stroke }}>
                    {STATUS_STYLE[node.status].icon} {tokenLabel(entry.text, entry.bytes).slice(0, 6)}
                  </text>
                ) : null}
                {order.map((k, j) =>
                  attends.get(q)!.has(k) ? (
                    <rect
                      key={k}
                      x={j * cell + 0.5}
                      y={i * cell + 0.5}
                      width={cell - 1}
                      height={cell - 1}
                      data-attends={i === row ? 'lit' : undefined}
                      style={{ fill: i === row ? 'var(--accent)' : lit.has(k) && i > row && row >= 0 ? 'var(--ink-3)' : 'var(--bar)' , opacity: i === row ? 1 : row >= 0 ? 0.35 : 0.8 }}
                    />
                  ) : null,
                )}
              </g>
            );
          })}
        </g>
      </svg>
      <p className="muted spec-note">
        {n} drafted node{n === 1 ? '' : 's'}; row = query, filled = may attend. Every row also sees the committed context. {maskNote}
      </p>
    </div>
  );
});
