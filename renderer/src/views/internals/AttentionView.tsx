/**
 * Attention maps at the cursor's step: small multiples (layer × head) and one zoomed canvas heatmap of the
 * chosen layer and head (viridis), rows = queries over every call so far, the current query row outlined,
 * masked cells hatched from the call's mask (causal / tree parents). Hover a cell for both tokens and the weight.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../../store/store';
import { useTraceDerived } from '../use-trace-derived';
import { tokenLabel } from '../../format/format';
import { viridisGradient } from '../../format/colors';
import type { TraceIndex } from '../../trace/trace-index';
import { attentionMatrix, internalsOf, type AttentionMatrix } from './internals-model';
import { drawHeatmap, tokenAtPosition } from './heatmap';
import './internals.css';

function Heatmap({ m, cell, testId, onHover }: { m: AttentionMatrix; cell: number; testId?: string; onHover?: (h: { row: number; key: number } | null) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawHeatmap(ref.current, m, cell, !!onHover);
  }, [m, cell, onHover]);
  const rows = m.queryPositions.length;
  return (
    <canvas
      ref={ref}
      data-testid={testId}
      style={{ width: m.size * cell, height: rows * cell }}
      onMouseMove={onHover ? (e) => {
        const r = e.currentTarget.getBoundingClientRect();
        const key = Math.floor((e.clientX - r.left) / cell), row = Math.floor((e.clientY - r.top) / cell);
        onHover(row >= 0 && row < rows && key >= 0 && key < m.size ? { row, key } : null);
      } : undefined}
      onMouseLeave={onHover ? () => onHover(null) : undefined}
    />
  );
}

function tok(trace: TraceIndex, pos: number): string {
  const id = tokenAtPosition(trace, pos);
  if (id === undefined) return '?';
  const e = trace.tokenText(id);
  return tokenLabel(e.text, e.bytes);
}

export function AttentionView() {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const [sel, setSel] = useState({ layer: 0, head: 0 });
  const [hover, setHover] = useState<{ row: number; key: number } | null>(null);
  const data = useTraceDerived(internalsOf);
  const step = trace.steps[cursor.stepIdx]?.step ?? -1;
  const first = data.attention[0];
  const layers = data.attention.reduce((n, a) => Math.max(n, a.layer + 1), 0);
  const heads = first?.heads ?? 0;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const big = useMemo(() => attentionMatrix(trace, data, step, sel.layer, sel.head), [trace, data, step, sel, version]);
  const minis = useMemo(() => {
    const out: AttentionMatrix[] = [];
    for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) {
      const m = attentionMatrix(trace, data, step, l, h);
      if (m) out.push(m);
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [trace, data, step, layers, heads, version]);
  if (!big) return <div className="empty">No attention records: start a live run with “record internals” ticked (needs a model with attentions.* outputs).</div>;
  const cell = Math.max(4, Math.min(18, Math.floor(520 / Math.max(big.size, big.queryPositions.length))));
  const mini = Math.max(1, Math.min(3, Math.floor(90 / big.size)));
  const hv = hover ? { q: big.queryPositions[hover.row]!, k: hover.key, w: big.weights[hover.row * big.size + hover.key]!, allowed: big.allowed[hover.row * big.size + hover.key] === 1 } : null;
  return (
    <div className="att-view" data-view="attention">
      <div className="spec-head">
        <span className="spec-title">Attention · step {cursor.stepIdx + 1} · layer {big.layer} head {big.head}</span>
        <span className="muted">rows: queries (every call so far), columns: keys (cache positions) · mask: {big.maskKinds.join(', ') || 'causal'}</span>
      </div>
      <div className="att-controls">
        <label>layer <select className="input" data-testid="att-layer" value={sel.layer} onChange={(e) => setSel({ ...sel, layer: Number(e.target.value) })}>
          {Array.from({ length: layers }, (_, l) => <option key={l} value={l}>{l}</option>)}
        </select></label>
        <label>head <select className="input" data-testid="att-head" value={sel.head} onChange={(e) => setSel({ ...sel, head: Number(e.target.value) })}>
          {Array.from({ length: heads }, (_, h) => <option key={h} value={h}>{h}</option>)}
        </select></label>
        <span className="lens-legend">weight <span className="lens-ramp" style={{ background: viridisGradient() }} /> 0 → 1</span>
        <span className="lens-legend"><span className="lens-swatch att-masked-swatch" /> masked</span>
        <span className="lens-legend"><span className="lens-swatch att-current-swatch" /> current query</span>
      </div>
      <div className="att-body">
        <div className="att-minis" style={{ gridTemplateColumns: `auto repeat(${heads}, auto)` }}>
          <span />
          {Array.from({ length: heads }, (_, h) => <span key={h} className="lens-h">head {h}</span>)}
          {Array.from({ length: layers }, (_, l) => (
            <div key={l} style={{ display: 'contents' }}>
              <span className="lens-h">L{l}</span>
              {minis.filter((m) => m.layer === l).map((m) => (
                <button key={m.head} className={`att-mini ${m.layer === big.layer && m.head === big.head ? 'att-mini-on' : ''}`} title={`layer ${m.layer} head ${m.head}`} data-testid={`att-mini-${m.layer}-${m.head}`} onClick={() => setSel({ layer: m.layer, head: m.head })}>
                  <Heatmap m={m} cell={mini} />
                </button>
              ))}
            </div>
          ))}
        </div>
        <div className="att-zoom">
          <Heatmap m={big} cell={cell} testId="att-heatmap" onHover={setHover} />
          <div className="att-hover mono" data-testid="att-hover">
            {hv ? <>query {hv.q} “{tok(trace, hv.q)}” → key {hv.k} “{tok(trace, hv.k)}”: {hv.allowed ? hv.w.toFixed(4) : 'masked'}</> : 'hover a cell: query token → key token, weight'}
          </div>
        </div>
      </div>
    </div>
  );
}
