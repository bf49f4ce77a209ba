/**
 * Both runs' distributions at one output position, side by side: the top processed candidates as bars, each
 * run's own token marked like the distribution view marks the chosen one, the other run's token highlighted.
 */
import { scaleLinear } from 'd3-scale';
import type { TraceIndex } from '../trace/trace-index';
import { formatProb } from '../format/format';
import { SOURCE_BADGE } from '../components/TokenText';
import type { DivergenceSide } from './align';
import { chipText, SOURCE_STYLE } from './TokenRows';

const ROW_H = 20;
export const PANEL_HEAD = 62;

export function panelHeight(bars: number): number {
  return PANEL_HEAD + Math.max(bars, 2) * ROW_H + 30;
}

function ruleOf(trace: TraceIndex, outputIndex: number): string {
  const t = trace.output[outputIndex];
  const c = t ? trace.choiceFor(t) : undefined;
  if (!t) return '';
  if (t.source === 'forced') return 'forced';
  if (t.source === 'accepted') return 'accepted draft';
  return c?.rule === 'sample' ? 'sampled' : c?.rule ?? t.source;
}

interface Props {
  trace: TraceIndex;
  side: DivergenceSide;
  /** "A" or "B". */
  letter: string;
  other: string;
  name: string;
  outputIndex: number;
  x: number;
  y: number;
  width: number;
}

export function DistributionPanel({ trace, side, letter, other, name, outputIndex, x, y, width }: Props) {
  const labelW = Math.min(120, width * 0.3);
  const numW = 52;
  const barW = Math.max(40, width - labelW - numW - 70);
  const sx = scaleLinear().domain([0, Math.max(0.05, ...side.bars.map((b) => b.prob))]).range([0, barW]).clamp(true);
  const tok = side.token;
  const st = tok ? SOURCE_STYLE[tok.source] : null;
  return (
    <g transform={`translate(${x}, ${y})`} data-testid={`compare-panel-${letter.toLowerCase()}`}>
      <rect x={-8} y={-6} width={width + 16} height={panelHeight(side.bars.length) - 4} rx={6} style={{ fill: 'var(--panel-2)', stroke: 'var(--line)' }} />
      <text x={0} y={12} style={{ fontSize: 12, fontWeight: 700, fill: 'var(--ink)' }}>
        {letter} <tspan style={{ fontWeight: 400, fill: 'var(--ink-2)' }}>· {name.length > 48 ? name.slice(0, 47) + '…' : name}</tspan>
      </text>
      {tok && st ? (
        <g transform="translate(0, 22)">
          <rect width={Math.max(40, chipText(trace, tok.id).length * 7.4 + 22)} height={24} rx={4} style={{ fill: st.fill, stroke: st.stroke, strokeWidth: st.width ?? 1, strokeDasharray: st.dash }} />
          <text x={8} y={16.5} className="mono" style={{ fontSize: 12.5, fill: 'var(--ink)', fontWeight: 600 }} data-testid={`compare-token-${letter.toLowerCase()}`} data-token-id={tok.id}>
            {chipText(trace, tok.id)}
            {SOURCE_BADGE[tok.source] ? <tspan style={{ fontSize: 10, fill: st.stroke }}> {SOURCE_BADGE[tok.source]}</tspan> : null}
          </text>
          <text x={Math.max(40, chipText(trace, tok.id).length * 7.4 + 22) + 10} y={16.5} style={{ fontSize: 12, fill: 'var(--ink-2)' }} data-testid={`compare-prob-${letter.toLowerCase()}`}>
            p <tspan className="mono" style={{ fill: 'var(--ink)', fontWeight: 600 }}>{formatProb(tok.prob)}</tspan> · {ruleOf(trace, outputIndex)}
            {side.otherProb !== null ? ` · ${other}'s token here: p ${formatProb(side.otherProb)}` : ''}
          </text>
        </g>
      ) : (
        <text x={0} y={38} style={{ fontSize: 12, fill: 'var(--ink-3)' }}>
          no token at #{outputIndex}: the run {side.ended}
        </text>
      )}
      {side.bars.length === 0 && tok ? (
        <text x={0} y={PANEL_HEAD + 12} style={{ fontSize: 11.5, fill: 'var(--ink-3)' }}>
          this token was not picked from a recorded distribution
        </text>
      ) : null}
      {side.bars.map((b, k) => {
        const ry = PANEL_HEAD + k * ROW_H;
        const label = chipText(trace, b.id);
        return (
          <g key={b.id} transform={`translate(0, ${ry})`} data-token-id={b.id} data-chosen={b.chosen ? 'true' : undefined} data-other={b.other ? 'true' : undefined}>
            <rect x={-4} y={0} width={width + 8} height={ROW_H - 2} rx={3} style={{ fill: b.other ? 'var(--accent-soft)' : b.chosen ? 'var(--c-resampled-bg)' : 'transparent' }} />
            <text x={0} y={13.5} className="mono" style={{ fontSize: 11.5, fill: 'var(--ink)', fontWeight: b.chosen ? 700 : 400 }}>
              {label}
            </text>
            <rect x={labelW} y={3} width={Math.max(1, sx(b.prob))} height={ROW_H - 8} rx={2} style={{ fill: b.chosen ? 'var(--chosen)' : 'var(--bar)' }} />
            <text x={labelW + sx(b.prob) + 6} y={13.5} style={{ fontSize: 10.5, fontWeight: 700, fill: b.chosen ? 'var(--chosen)' : 'var(--accent)' }}>
              {b.chosen ? `◀ ${letter}'s token` : b.other ? `◀ ${other}'s token` : ''}
            </text>
            <text x={width} y={13.5} textAnchor="end" className="mono" style={{ fontSize: 11.5, fill: 'var(--ink)' }}>
              {formatProb(b.prob)}
            </text>
          </g>
        );
      })}
      {tok && side.dist && side.bars.length > 0 && !side.bars.some((b) => b.chosen) ? (
        <text x={0} y={PANEL_HEAD + side.bars.length * ROW_H + 12} style={{ fontSize: 11, fill: 'var(--ink-3)' }}>
          {letter}'s token is outside the recorded top-{side.dist.processed.topk.length}
        </text>
      ) : null}
    </g>
  );
}
