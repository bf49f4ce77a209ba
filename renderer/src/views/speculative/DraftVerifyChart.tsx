/**
 * Draft & Verify over the run: th_stop_draft used at each step (solid line), the confidence drafting stopped
 * on (dots: filled amber when it fell below the threshold, hollow when drafting ended otherwise — the cap or the budget),
 * and the matchness EMA after verification (dashed green). The cursor's step is marked; hover reads a
 * step's numbers, click goes there.
 */
import { useState, type ReactNode } from 'react';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { appStore } from '../../store/store';
import { formatNumber } from '../../format/format';
import type { DraftVerifyPoint } from './selfspec-model';

const PAD_L = 36;
const PAD_R = 12;
const PAD_T = 10;
const PAD_B = 18;

const stopText = (p: DraftVerifyPoint) =>
  p.stop === 'below-threshold' ? 'stopped: confidence < threshold' : p.stop === 'not-by-confidence' ? `confidence ≥ threshold: ${p.ended === 'max_step' ? 'reached max_step_draft' : p.ended === 'budget' ? 'cut short by the token budget' : 'ended by max_step_draft or the token budget'}` : 'nothing drafted';

function Swatch({ label, children }: { label: string; children: ReactNode }) {
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 5, whiteSpace: 'nowrap' }}>
      <svg width={18} height={12} aria-hidden>
        {children}
      </svg>
      {label}
    </span>
  );
}

export function readout(p: DraftVerifyPoint): string {
  return `step ${p.step} · th_stop_draft ${formatNumber(p.thStopDraft, 4)} · confidence ${p.confidence === null ? '—' : formatNumber(p.confidence, 4)} (${stopText(p)}) · ${p.accepted}/${p.drafted} accepted · matchness EMA ${formatNumber(p.matchnessEma, 3)} · next th ${formatNumber(p.nextThStopDraft, 4)}`;
}

export function DraftVerifyChart({ series, width, height, cursorStepIdx, current }: { series: DraftVerifyPoint[]; width: number; height: number; cursorStepIdx: number; current: DraftVerifyPoint | null }) {
  const [hover, setHover] = useState<DraftVerifyPoint | null>(null);
  const innerW = Math.max(60, width - PAD_L - PAD_R);
  const innerH = Math.max(60, height - PAD_T - PAD_B);
  const first = series[0]!.stepIdx;
  const last = series[series.length - 1]!.stepIdx;
  const slot = innerW / Math.max(1, last - first + 1);
  const x = scaleLinear().domain([first - 0.5, last + 0.5]).range([0, innerW]);
  const y = scaleLinear().domain([0, 1]).range([innerH, 0]);
  const thLine = line<DraftVerifyPoint>().x((p) => x(p.stepIdx)).y((p) => y(p.thStopDraft));
  const emaLine = line<DraftVerifyPoint>().x((p) => x(p.stepIdx)).y((p) => y(p.matchnessEma));
  const shown = hover ?? current;
  const r = Math.max(2.5, Math.min(4.5, slot / 3));
  const tickEvery = Math.max(1, Math.ceil(series.length / Math.max(2, innerW / 36)));
  return (
    <div data-testid="dv-chart-wrap">
      <div className="mono" data-testid="dv-readout" style={{ fontSize: 11, color: 'var(--ink-2)', minHeight: 32, lineHeight: '16px', padding: '0 0 4px 0' }}>
        {shown ? readout(shown) : 'before the first drafted step'}
      </div>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} xmlns="http://www.w3.org/2000/svg" data-testid="dv-chart" onMouseLeave={() => setHover(null)}>
        <g transform={`translate(${PAD_L}, ${PAD_T})`}>
          {[0, 0.25, 0.5, 0.75, 1].map((v) => (
            <g key={v}>
              <line x1={0} x2={innerW} y1={y(v)} y2={y(v)} style={{ stroke: v === 0 ? 'var(--line-strong)' : 'var(--line)' }} />
              <text x={-6} y={y(v) + 3} textAnchor="end" className="mono" style={{ fontSize: 9.5, fill: 'var(--ink-3)' }}>{v.toFixed(2)}</text>
            </g>
          ))}
          {cursorStepIdx >= first && cursorStepIdx <= last ? (
            <rect data-testid="dv-cursor" x={x(cursorStepIdx) - slot / 2} y={0} width={slot} height={innerH} style={{ fill: 'var(--accent-soft)' }} />
          ) : null}
          <path d={thLine(series) ?? ''} data-testid="dv-threshold" style={{ fill: 'none', stroke: 'var(--ink-2)', strokeWidth: 1.8 }} />
          <path d={emaLine(series) ?? ''} data-testid="dv-matchness" style={{ fill: 'none', stroke: 'var(--c-accepted)', strokeWidth: 1.8, strokeDasharray: '5 3' }} />
          {series.map((p, i) => (
            <g key={p.stepIdx} data-dv-point={p.step} data-stop={p.stop} style={{ cursor: 'pointer' }} onMouseEnter={() => setHover(p)} onClick={() => appStore.getState().gotoStep(p.stepIdx)}>
              <title>{readout(p)}</title>
              <rect x={x(p.stepIdx) - slot / 2} y={0} width={slot} height={innerH} style={{ fill: hover === p ? 'var(--line)' : 'transparent', opacity: 0.6 }} />
              {p.confidence !== null ? (
                <circle
                  cx={x(p.stepIdx)}
                  cy={y(p.confidence)}
                  r={r}
                  style={p.stop === 'below-threshold' ? { fill: 'var(--c-resampled)', stroke: 'var(--panel)', strokeWidth: 0.8 } : { fill: 'var(--panel)', stroke: 'var(--accent)', strokeWidth: 1.6 }}
                />
              ) : null}
              {i % tickEvery === 0 ? (
                <text x={x(p.stepIdx)} y={innerH + 12} textAnchor="middle" className="mono" style={{ fontSize: 9, fill: 'var(--ink-3)' }}>{p.step}</text>
              ) : null}
            </g>
          ))}
        </g>
      </svg>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px', paddingLeft: PAD_L, fontSize: 10.5, color: 'var(--ink-2)' }} data-testid="dv-legend">
        <Swatch label="th_stop_draft (threshold)"><line x1={1} x2={17} y1={6} y2={6} style={{ stroke: 'var(--ink-2)', strokeWidth: 1.8 }} /></Swatch>
        <Swatch label="confidence · stopped below threshold"><circle cx={9} cy={6} r={4} style={{ fill: 'var(--c-resampled)' }} /></Swatch>
        <Swatch label="confidence ≥ threshold · ended by the cap or budget"><circle cx={9} cy={6} r={4} style={{ fill: 'var(--panel)', stroke: 'var(--accent)', strokeWidth: 1.6 }} /></Swatch>
        <Swatch label="matchness EMA (dashed)"><line x1={1} x2={17} y1={6} y2={6} style={{ stroke: 'var(--c-accepted)', strokeWidth: 1.8, strokeDasharray: '5 3' }} /></Swatch>
      </div>
    </div>
  );
}
