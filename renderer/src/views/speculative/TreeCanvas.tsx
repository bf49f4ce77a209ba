/**
 * The draft tree drawn with d3-hierarchy (layout) and React (SVG), root on the left, depth to the right.
 * d3-zoom owns pan and zoom on the SVG; the tree refits when the step changes. Nodes carry status by
 * colour AND icon/border, probability by fill strength; the committed path is bold, rejected edges dashed.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { hierarchy, tree as d3tree, type HierarchyPointNode } from 'd3-hierarchy';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { select } from 'd3-selection';
import { appStore } from '../../store/store';
import type { TraceIndex } from '../../trace/trace-index';
import { formatProb, tokenLabel } from '../../format/format';
import { nodeProb, pathTo, EXTRA_NODE, ROOT_NODE, type DraftTreeView, type TreeNodeView } from './draft-tree-model';
import { STATUS_STYLE } from './node-style';
import { useWalkLit } from '../../walkthrough/highlight';

const NODE_W = 96;
const NODE_H = 26;
const COL_W = 136;
const ROW_H = 52;

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

interface Props {
  trace: TraceIndex;
  view: DraftTreeView;
  keep: Set<number>;
  hidden: Map<number, number>;
  highlight: number | null;
  width: number;
  height: number;
  onShowAll(): void;
}

function edgeStyle(child: TreeNodeView): { stroke: string; width: number; dash?: string } {
  if (child.onPath) return { stroke: STATUS_STYLE[child.status].stroke, width: 3 };
  if (child.status === 'rejected') return { stroke: 'var(--c-rejected)', width: 1.6, dash: '5 4' };
  if (child.status === 'skipped') return { stroke: 'var(--c-pending)', width: 1.2, dash: '1.5 3' };
  if (child.status === 'accepted') return { stroke: 'var(--c-accepted)', width: 2 };
  return { stroke: 'var(--c-pending)', width: 1.3 };
}

export const TreeCanvas = memo(function TreeCanvas({ trace, view, keep, hidden, highlight, width, height, onShowAll }: Props) {
  const svgRef = useRef<SVGSVGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const [transform, setTransform] = useState<ZoomTransform>(zoomIdentity);

  const layout = useMemo(() => {
    const root = hierarchy(view.byId.get(ROOT_NODE)!, (n) => n.children.filter((c) => keep.has(c)).map((c) => view.byId.get(c)!));
    const laid = d3tree<TreeNodeView>().nodeSize([ROW_H, COL_W]).separation((a, b) => (a.parent === b.parent ? 1 : 1.25))(root);
    const points = laid.descendants();
    let x0 = Infinity, x1 = -Infinity, y1 = 0;
    for (const p of points) {
      x0 = Math.min(x0, p.x);
      x1 = Math.max(x1, p.x);
      y1 = Math.max(y1, p.y);
    }
    return { points, links: laid.links(), bounds: { top: x0 - ROW_H / 2, bottom: x1 + ROW_H / 2, right: y1 + NODE_W + 50 } };
  }, [view, keep]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const z = d3zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.08, 4])
      .on('zoom', (e: { transform: ZoomTransform }) => setTransform(e.transform));
    select(svg).call(z).on('dblclick.zoom', null);
    zoomRef.current = z;
    return () => {
      select(svg).on('.zoom', null);
    };
  }, []);

  // Refit when the step (or the folding) changes: whole tree if it fits legibly, else the root at left.
  const fitKey = `${view.step}:${keep.size}`;
  useEffect(() => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z || width === 0) return;
    const { top, bottom, right } = layout.bounds;
    const bw = right + 40;
    const bh = bottom - top + 20;
    // Never shrink below legibility; when the tree is wider than the view, show its deep end (where
    // the decisions happened) and let the user pan back to the root.
    const k = Math.max(0.75, Math.min(1.15, (width - 20) / bw, (height - 20) / bh));
    const tx = Math.min(30, width - 20 - right * k);
    const ty = bh * k < height ? (height - (bottom + top) * k) / 2 : 10 - top * k;
    select(svg).call(z.transform, zoomIdentity.translate(tx, ty).scale(k));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fitKey, width, height]);

  const pathSet = useMemo(() => new Set(highlight !== null && view.byId.has(highlight) ? pathTo(view, highlight) : []), [view, highlight]);
  const s = appStore.getState();
  const walk = useWalkLit('draft-tree');

  return (
    <svg
      data-walk-dim={walk.any ? 'true' : undefined}
      ref={svgRef}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      xmlns="http://www.w3.org/2000/svg"
      data-testid="draft-tree-svg"
      data-export-title={`Decodescope · draft tree · step ${view.step}`}
      role="img"
      aria-label={`draft tree of step ${view.step}`}
      style={{ display: 'block', cursor: 'grab' }}
    >
      <rect width={width} height={height} style={{ fill: 'var(--panel)' }} />
      <g transform={transform.toString()}>
        {layout.links.map((l) => {
          const child = l.target.data;
          const e = edgeStyle(child);
          const lit = pathSet.has(child.node);
          const x0 = l.source.y + NODE_W, y0 = l.source.x, x1 = l.target.y, y1 = l.target.x;
          const mx = (x0 + x1) / 2;
          return (
            <path
              key={`e${child.node}`}
              d={`M${x0},${y0} C${mx},${y0} ${mx},${y1} ${x1},${y1}`}
              data-edge={child.node}
              data-edge-status={child.status}
              style={{ fill: 'none', stroke: lit ? 'var(--accent)' : e.stroke, strokeWidth: lit ? Math.max(e.width, 2.5) : e.width, strokeDasharray: e.dash }}
            />
          );
        })}
        {layout.points.map((p: HierarchyPointNode<TreeNodeView>) => {
          const n = p.data;
          const st = STATUS_STYLE[n.status];
          const entry = trace.tokenText(n.tokenId);
          const prob = nodeProb(n);
          const sel = { kind: 'node' as const, step: view.step, node: n.node };
          const lit = highlight === n.node;
          const walkLit = walk.has(`draft-tree:${view.step}:${n.node}`);
          const more = hidden.get(n.node);
          const numbers =
            n.node === ROOT_NODE ? 'context' : n.node === EXTRA_NODE ? `p ${formatProb(n.p)}` : `q ${formatProb(n.q)}${n.p !== undefined ? ` · p ${formatProb(n.p)}` : ''}`;
          return (
            <g
              key={n.node}
              transform={`translate(${p.y}, ${p.x})`}
              data-node={n.node}
              data-status={n.status}
              data-walk-part="node"
              data-walk-lit={walkLit ? 'true' : undefined}
              style={{ cursor: 'pointer', opacity: n.status === 'skipped' ? 0.6 : 1 }}
              onMouseEnter={() => s.setHover(sel)}
              onMouseLeave={() => s.setHover(null)}
              onClick={(ev) => {
                ev.stopPropagation();
                s.lock(sel);
              }}
            >
              <title>{`${tokenLabel(entry.text, entry.bytes)} · ${st.label}${n.decision ? ` · ${n.decision.reason}` : ''}`}</title>
              {walkLit ? <rect className="walk-ring" x={-7} y={-NODE_H / 2 - 7} width={NODE_W + 14} height={NODE_H + 14} rx={10} /> : null}
              {lit ? <rect x={-4} y={-NODE_H / 2 - 4} width={NODE_W + 8} height={NODE_H + 8} rx={8} style={{ fill: 'none', stroke: 'var(--accent)', strokeWidth: 2.5 }} /> : null}
              <rect x={0} y={-NODE_H / 2} width={NODE_W} height={NODE_H} rx={5} style={{ fill: 'var(--panel)', stroke: 'none' }} />
              <rect
                x={0}
                y={-NODE_H / 2}
                width={NODE_W}
                height={NODE_H}
                rx={5}
                style={{
                  fill: st.fill,
                  fillOpacity: prob === undefined ? 1 : 0.35 + 0.65 * Math.min(1, prob),
                  stroke: st.stroke,
                  strokeWidth: n.onPath ? 2.2 : 1.3,
                  strokeDasharray: st.dash,
                }}
              />
              <text x={8} y={4.5} style={{ fontSize: 11, fill: st.stroke, fontWeight: 700 }}>
                {st.icon}
              </text>
              <text x={21} y={4.5} className="mono" style={{ fontSize: 12, fill: 'var(--ink)', fontWeight: n.onPath ? 700 : 400 }}>
                {clip(tokenLabel(entry.text, entry.bytes), 9)}
              </text>
              <text x={2} y={NODE_H / 2 + 12} className="mono" style={{ fontSize: 9.5, fill: 'var(--ink-3)' }}>
                {numbers}
              </text>
              {more ? (
                <text
                  x={NODE_W + 6}
                  y={4}
                  style={{ fontSize: 10.5, fill: 'var(--accent)', cursor: 'pointer' }}
                  data-testid="folded"
                  onClick={(ev) => {
                    ev.stopPropagation();
                    onShowAll();
                  }}
                >
                  +{more} ▸
                </text>
              ) : null}
            </g>
          );
        })}
      </g>
    </svg>
  );
});
