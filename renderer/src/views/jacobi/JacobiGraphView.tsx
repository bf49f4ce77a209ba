/**
 * Jacobi dependency graph: iterations × block positions for the block around the cursor's step. Each
 * cell shows the guessed token; a ✓ marks cells equal to the final output, green cells are inside the
 * converged (proven) prefix, and the staircase line traces how that prefix grew. ◆ marks a cell that
 * was right although its context was still wrong. Hover a cell: the cells it was computed from
 * (previous row, to its left) fill blue, the cells computed from it get a dashed outline. ▶ plays the rows.
 */
import { useEffect, useMemo, useState } from 'react';
import { useApp, appStore } from '../../store/store';
import { useTraceDerived } from '../use-trace-derived';
import type { TraceIndex } from '../../trace/trace-index';
import { useElementSize } from '../use-element-size';
import { formatProb, tokenLabel } from '../../format/format';
import { traceExtras } from '../trace-extras';
import { useWalkLit } from '../../walkthrough/highlight';
import { blockForStep, dependents, dependsOn, jacobiBlocks, jacobiGrid, type JacobiCell } from './jacobi-model';

const LABEL_W = 92;
const ROW_H = 32;
const TOP = 34;

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, Math.max(1, n - 1)) + '…' : s;
}

function cellStyle(c: JacobiCell): { fill: string; stroke: string; dash?: string; ink: string } {
  if (c.state === 'cached') return { fill: 'var(--panel-2)', stroke: 'var(--line)', ink: 'var(--ink-3)' };
  if (c.converged) return { fill: 'var(--c-accepted-bg)', stroke: 'var(--c-accepted)', ink: 'var(--ink)' };
  if (c.final) return { fill: 'var(--panel)', stroke: 'var(--c-accepted)', dash: '4 2', ink: 'var(--ink)' };
  return { fill: 'var(--panel)', stroke: 'var(--line-strong)', ink: 'var(--ink-3)' };
}

const blocksOf = (trace: TraceIndex) => jacobiBlocks(traceExtras(trace).jacobi);

export function JacobiGraphView() {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const hover = useApp((s) => s.hover);
  const locked = useApp((s) => s.locked);
  const [ref, size] = useElementSize<HTMLDivElement>();
  const walk = useWalkLit('jacobi-cell');
  const blocks = useTraceDerived(blocksOf);
  const step = trace.steps[cursor.stepIdx]?.step ?? 0;
  const block = blockForStep(blocks, step);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const grid = useMemo(() => (block ? jacobiGrid(block, (i) => trace.output[block.blockStart + i]?.id) : null), [block, trace, version]);
  // Rows the cursor has reached; the play control animates within them.
  const reached = block ? Math.max(1, block.rows.filter((r) => r.step <= step).length) : 0;
  const [shown, setShown] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    setShown(null);
    setPlaying(false);
  }, [block?.firstStep, reached]);
  useEffect(() => {
    if (!playing || !grid) return;
    const id = setInterval(() => {
      setShown((s) => {
        const next = (s ?? 0) + 1;
        if (next >= grid.cells.length) setPlaying(false);
        return Math.min(next, grid.cells.length);
      });
    }, 450);
    return () => clearInterval(id);
  }, [playing, grid]);
  if (!block || !grid) {
    return (
      <div className="jac-view" data-view="jacobi-graph">
        <div className="spec-body" ref={ref}>
          <div className="empty">{trace.steps.length === 0 ? 'Nothing to show yet.' : 'No Jacobi iterations in this trace.'}</div>
        </div>
      </div>
    );
  }

  const visibleRows = shown ?? reached;
  const sel = hover ?? locked;
  const focus = sel?.kind === 'cell' && sel.blockStart === block.blockStart ? grid.cells.find((r) => r[0]?.iteration === sel.iteration)?.[sel.position] : undefined;
  const deps = new Set(focus ? dependsOn(grid, focus.row, focus.position).map(([t, i]) => `${t}:${i}`) : []);
  const feeds = new Set(focus ? dependents(grid, focus.row, focus.position).map(([t, i]) => `${t}:${i}`) : []);
  const width = size.width;
  const cellW = Math.max(30, Math.min(66, Math.floor((width - LABEL_W - 20) / grid.columns)));
  const svgW = Math.max(width, LABEL_W + cellW * grid.columns + 20);
  const svgH = TOP + ROW_H * grid.cells.length + 46;
  const chars = Math.max(2, Math.floor((cellW - 8) / 7));
  const stair = grid.staircase.slice(0, visibleRows);
  let stairPath = '';
  stair.forEach((cp, t) => {
    const x = LABEL_W + cp * cellW;
    stairPath += `${t === 0 ? 'M' : 'L'}${x},${TOP + t * ROW_H} L${x},${TOP + (t + 1) * ROW_H} `;
  });
  const s = appStore.getState();
  const init = block.rows[0]?.init;
  const method = trace.header?.method.name ?? '';
  return (
    <div className="jac-view" data-view="jacobi-graph">
      <div className="spec-head">
        <span className="spec-title">
          Block at output {block.blockStart} · {block.blockSize} positions · iterations {block.rows[0]!.iteration}–{block.rows.at(-1)!.iteration}
        </span>
        <span className="muted">steps {block.firstStep}–{block.lastStep}{init ? ` · initial guess: ${init}` : ''}</span>
        <span className="spacer" />
        <span className="jac-play" data-testid="jacobi-play">
          <button className="btn small" aria-label="first iteration" onClick={() => { setPlaying(false); setShown(1); }}>↺</button>
          <button className="btn small" aria-label={playing ? 'pause iterations' : 'play iterations'} data-testid="jacobi-play-button" onClick={() => {
            if (playing) return setPlaying(false);
            if ((shown ?? reached) >= grid.cells.length) setShown(1);
            setPlaying(true);
          }}>{playing ? '⏸' : '▶'}</button>
          <input type="range" min={1} max={grid.cells.length} value={visibleRows} aria-label="iterations shown" onChange={(e) => { setPlaying(false); setShown(Number(e.target.value)); }} />
          <span className="mono muted" data-testid="jacobi-rows-shown">{visibleRows}/{grid.cells.length}</span>
        </span>
      </div>
      <div className="spec-controls">
        <span className="legend-item"><span className="legend-swatch" style={{ background: 'var(--c-accepted-bg)', borderColor: 'var(--c-accepted)' }} />converged (proven)</span>
        <span className="legend-item"><span className="legend-swatch" style={{ borderColor: 'var(--c-accepted)', borderStyle: 'dashed' }} />✓ equals final output</span>
        <span className="legend-item"><span className="legend-swatch" style={{ borderColor: 'var(--line-strong)' }} />wrong guess</span>
        <span className="legend-item">◆ right despite wrong context</span>
        <span className="legend-item">• changed</span>
        <span className="legend-item"><span style={{ width: 16, height: 3, background: 'var(--c-accepted)', display: 'inline-block' }} />staircase</span>
        {method === 'jacobi_kv' ? <span className="muted">CLLM's reported speedups come from a consistency-trained model; this one is not.</span> : null}
      </div>
      <div className="spec-body" ref={ref} style={{ overflow: 'auto' }}>
        {width > 0 ? (
          <svg width={svgW} height={svgH} viewBox={`0 0 ${svgW} ${svgH}`} xmlns="http://www.w3.org/2000/svg" data-testid="jacobi-svg" data-walk-dim={walk.any ? 'true' : undefined} data-export-title={`Decodescope · Jacobi block at ${block.blockStart}`}>
            <rect width={svgW} height={svgH} style={{ fill: 'var(--panel)' }} />
            {Array.from({ length: grid.columns }, (_, i) => (
              <text key={i} x={LABEL_W + i * cellW + cellW / 2} y={TOP - 8} textAnchor="middle" className="mono" style={{ fontSize: 9.5, fill: 'var(--ink-3)' }}>
                {i}
              </text>
            ))}
            <text x={8} y={TOP - 8} style={{ fontSize: 9.5, fill: 'var(--ink-3)' }}>iteration \ position</text>
            {grid.cells.slice(0, visibleRows).map((row, t) => (
              <g key={t} data-row={t}>
                <text x={8} y={TOP + t * ROW_H + ROW_H / 2 + 4} style={{ fontSize: 11, fill: 'var(--ink-2)' }}>
                  {t === 0 && block.rows[0]!.iteration === 0 ? 'init' : `iter ${row[0]!.iteration}`}
                  <tspan className="mono" style={{ fontSize: 9.5, fill: 'var(--ink-3)' }}> · s{row[0]!.step}</tspan>
                </text>
                {row.map((c) => {
                  if (c.tokenId === undefined) return null;
                  const st = cellStyle(c);
                  const key = `${t}:${c.position}`;
                  const isFocus = focus === c;
                  const entry = trace.tokenText(c.tokenId);
                  const cellSel = { kind: 'cell' as const, step: c.step, blockStart: block.blockStart, iteration: c.iteration, position: c.position };
                  const x = LABEL_W + c.position * cellW;
                  const y = TOP + t * ROW_H;
                  return (
                    <g
                      key={c.position}
                      transform={`translate(${x}, ${y})`}
                      data-cell={key}
                      data-final={c.final ? 'true' : undefined}
                      data-converged={c.converged ? 'true' : undefined}
                      data-walk-part="cell"
                      data-walk-lit={walk.has(`jacobi-cell:${block.blockStart}:${c.iteration}:${c.position}`) ? 'true' : undefined}
                      style={{ cursor: 'pointer' }}
                      onMouseEnter={() => s.setHover(cellSel)}
                      onMouseLeave={() => s.setHover(null)}
                      onClick={() => s.lock(cellSel)}
                    >
                      <title>{`${tokenLabel(entry.text, entry.bytes)} · iteration ${c.iteration}, position ${c.position}${c.final ? ' · equals the final output' : ''}${c.converged ? ' · converged' : ''}${c.prob !== undefined ? ` · p ${formatProb(c.prob)}` : ''}`}</title>
                      <rect x={2} y={3} width={cellW - 4} height={ROW_H - 6} rx={4} style={{ fill: deps.has(key) ? 'var(--accent-soft)' : st.fill, stroke: isFocus || deps.has(key) ? 'var(--accent)' : feeds.has(key) ? 'var(--accent)' : st.stroke, strokeWidth: isFocus ? 2.5 : deps.has(key) || feeds.has(key) ? 1.8 : 1, strokeDasharray: feeds.has(key) ? '3 2' : st.dash }} />
                      <text x={cellW / 2} y={ROW_H / 2 + 4} textAnchor="middle" className="mono" style={{ fontSize: 11, fill: st.ink, fontWeight: c.converged ? 600 : 400 }}>
                        {c.state === 'cached' ? 'kv' : clip(tokenLabel(entry.text, entry.bytes), chars)}
                      </text>
                      {c.final && c.state === 'guess' ? <text x={cellW - 5} y={12} textAnchor="end" style={{ fontSize: 8.5, fill: 'var(--c-accepted)' }}>✓</text> : null}
                      {c.rightDespiteWrongContext ? <text x={5} y={12} style={{ fontSize: 8.5, fill: 'var(--accent)' }}>◆</text> : null}
                      {c.changed ? <circle cx={cellW - 6} cy={ROW_H - 8} r={2} style={{ fill: 'var(--accent)' }} /> : null}
                    </g>
                  );
                })}
              </g>
            ))}
            <path d={stairPath} style={{ fill: 'none', stroke: 'var(--c-accepted)', strokeWidth: 3, strokeLinejoin: 'round' }} data-testid="staircase" />
            <text x={LABEL_W} y={TOP + visibleRows * ROW_H + 20} style={{ fontSize: 11, fill: 'var(--ink-2)' }}>
              converged prefix per row: {stair.join(' → ')} of {grid.columns}
              {block.rows.slice(0, visibleRows).some((r) => r.committed?.length) ? ` · committed ${block.rows.slice(0, visibleRows).reduce((a, r) => a + (r.committed?.length ?? 0), 0)} tokens` : ''}
            </text>
          </svg>
        ) : null}
      </div>
    </div>
  );
}
