/**
 * Two runs' outputs as two rows of token chips, one column per output position, with "=" / "≠" between them
 * and the first divergence boxed. Chips use the token stream's source colours and badges. SVG, part of the
 * compare view's export.
 */
import type { TokenSource } from '../../../engine/trace/schema';
import type { TraceIndex } from '../trace/trace-index';
import { tokenLabel } from '../format/format';
import { SOURCE_BADGE } from '../components/TokenText';
import type { Alignment } from './align';

export const ROWS_HEIGHT = 112;
const LABEL_W = 26;
const CHAR_W = 7.1;
const MAX_CHARS = 12;
const CHIP_H = 22;

export const SOURCE_STYLE: Record<TokenSource, { fill: string; stroke: string; width?: number; dash?: string }> = {
  target: { fill: 'var(--c-target-bg)', stroke: 'var(--line-strong)' },
  accepted: { fill: 'var(--c-accepted-bg)', stroke: 'var(--c-accepted)' },
  resampled: { fill: 'var(--c-resampled-bg)', stroke: 'var(--c-resampled)', dash: '3 2' },
  bonus: { fill: 'var(--c-bonus-bg)', stroke: 'var(--c-bonus)' },
  forced: { fill: 'var(--c-forced-bg)', stroke: 'var(--c-forced)', width: 2 },
  prompt: { fill: 'transparent', stroke: 'var(--line)', dash: '1.5 2' },
};

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export function chipText(trace: TraceIndex, id: number): string {
  const e = trace.tokenText(id);
  return clip(tokenLabel(e.text, e.bytes), MAX_CHARS);
}

/** Column widths: wide enough for the longer of the two tokens at each position (and its badge). */
export function columnWidths(al: Alignment, a: TraceIndex, b: TraceIndex): number[] {
  return al.rows.map((r) => {
    const la = r.a ? chipText(a, r.a.id).length + (SOURCE_BADGE[r.a.source] ? 1.6 : 0) : 1;
    const lb = r.b ? chipText(b, r.b.id).length + (SOURCE_BADGE[r.b.source] ? 1.6 : 0) : 1;
    return Math.max(26, Math.max(la, lb) * CHAR_W + 14);
  });
}

interface Props {
  al: Alignment;
  a: TraceIndex;
  b: TraceIndex;
  widths: number[];
  start: number;
  end: number;
  focus: number | null;
  onFocus(i: number): void;
}

function Chip({ trace, token, x, y, w }: { trace: TraceIndex; token: { id: number; source: TokenSource }; x: number; y: number; w: number }) {
  const st = SOURCE_STYLE[token.source];
  const badge = SOURCE_BADGE[token.source];
  return (
    <g transform={`translate(${x + 2}, ${y})`}>
      <rect width={w - 4} height={CHIP_H} rx={4} style={{ fill: st.fill, stroke: st.stroke, strokeWidth: st.width ?? 1, strokeDasharray: st.dash }} />
      <text x={(w - 4) / 2} y={15} textAnchor="middle" className="mono" style={{ fontSize: 11.5, fill: 'var(--ink)' }}>
        {chipText(trace, token.id)}
        {badge ? <tspan style={{ fontSize: 9, fill: st.stroke }}> {badge}</tspan> : null}
      </text>
    </g>
  );
}

export function TokenRows({ al, a, b, widths, start, end, focus, onFocus }: Props) {
  const yRuler = 12;
  const yA = 22;
  const yMid = yA + CHIP_H + 14;
  const yB = yMid + 10;
  const xs: number[] = [];
  let x = LABEL_W;
  for (let i = start; i < end; i++) {
    xs.push(x);
    x += widths[i]!;
  }
  const d = al.divergence;
  return (
    <g data-testid="compare-rows">
      <text x={0} y={yA + 15} style={{ fontSize: 12, fontWeight: 700, fill: 'var(--ink-2)' }}>A</text>
      <text x={0} y={yB + 15} style={{ fontSize: 12, fontWeight: 700, fill: 'var(--ink-2)' }}>B</text>
      {start > 0 ? <text x={LABEL_W - 4} y={yMid + 4} textAnchor="end" style={{ fontSize: 11, fill: 'var(--ink-3)' }}>…</text> : null}
      {al.rows.slice(start, end).map((r, k) => {
        const i = start + k;
        const w = widths[i]!;
        const cx = xs[k]!;
        const isDiv = i === d;
        const isFocus = i === focus;
        return (
          <g key={i} data-output-index={i} data-same={r.same ? 'true' : 'false'} style={{ cursor: 'pointer' }} onClick={() => onFocus(i)}>
            <title>{`output #${i}: ${r.same ? 'same token in both runs' : 'the runs differ here'} (click to compare the distributions here)`}</title>
            <rect x={cx} y={yA - 4} width={w} height={yB + CHIP_H + 4 - (yA - 4)} rx={5} style={{ fill: isDiv ? 'var(--accent-soft)' : 'transparent', stroke: isDiv || isFocus ? 'var(--accent)' : 'none', strokeWidth: isDiv ? 2 : 1, strokeDasharray: isFocus && !isDiv ? '3 2' : undefined }} data-testid={isDiv ? 'divergence-column' : undefined} />
            {i % 5 === 0 || isDiv ? (
              <text x={cx + w / 2} y={yRuler} textAnchor="middle" className="mono" style={{ fontSize: 9.5, fill: isDiv ? 'var(--accent)' : 'var(--ink-3)', fontWeight: isDiv ? 700 : 400 }}>
                {i}
              </text>
            ) : null}
            {r.a ? <Chip trace={a} token={r.a} x={cx} y={yA} w={w} /> : <text x={cx + w / 2} y={yA + 15} textAnchor="middle" style={{ fontSize: 11, fill: 'var(--ink-3)' }}>—</text>}
            <text x={cx + w / 2} y={yMid + 4} textAnchor="middle" style={{ fontSize: 11, fontWeight: 700, fill: r.same ? 'var(--ink-3)' : 'var(--c-rejected)' }}>
              {r.same ? '=' : '≠'}
            </text>
            {r.b ? <Chip trace={b} token={r.b} x={cx} y={yB} w={w} /> : <text x={cx + w / 2} y={yB + 15} textAnchor="middle" style={{ fontSize: 11, fill: 'var(--ink-3)' }}>—</text>}
          </g>
        );
      })}
      {end < al.rows.length ? <text x={x + 4} y={yMid + 4} style={{ fontSize: 11, fill: 'var(--ink-3)' }}>… {al.rows.length - end} more</text> : null}
    </g>
  );
}

/** Room the rows need to the right of their label column. */
export function rowsInnerWidth(total: number): number {
  return total - LABEL_W - 64;
}
