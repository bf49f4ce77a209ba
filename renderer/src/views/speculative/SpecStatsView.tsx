/**
 * Speculation over the run: per step, draft cost vs verify cost (stacked, ms) and tokens committed
 * (accepted drafts vs the target's own token); below, the running τ and acceptance rate. The cursor's
 * step is marked; click a step to go there.
 */
import { scaleBand, scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { useApp, appStore } from '../../store/store';
import { useTraceDerived } from '../use-trace-derived';
import { useElementSize } from '../use-element-size';
import { formatMs, formatNumber, formatPercent } from '../../format/format';
import { stepStats } from './spec-stats-model';

const PAD_L = 46;
const PAD_R = 46;

export function SpecStatsView() {
  const cursor = useApp((s) => s.cursor);
  const [ref, size] = useElementSize<HTMLDivElement>();
  const stats = useTraceDerived(stepStats);
  const w = size.width;
  const h = Math.max(320, size.height);
  if (stats.length === 0) {
    return (
      <div ref={ref} style={{ position: 'absolute', inset: 0 }} data-view="spec-stats">
        <div className="empty">Nothing to show yet.</div>
      </div>
    );
  }
  const innerW = Math.max(100, w - PAD_L - PAD_R);
  const x = scaleBand<number>().domain(stats.map((s) => s.stepIdx)).range([0, innerW]).paddingInner(0.15);
  const bandH = (h - 100) / 3;
  const maxMs = Math.max(1e-6, ...stats.map((s) => s.draftMs + s.verifyMs));
  const maxTok = Math.max(1, ...stats.map((s) => s.committed));
  const yMs = scaleLinear().domain([0, maxMs]).range([bandH, 0]);
  const yTok = scaleLinear().domain([0, maxTok]).range([bandH, 0]);
  const maxTau = Math.max(1, ...stats.map((s) => s.tau ?? 0));
  const yTau = scaleLinear().domain([0, maxTau * 1.1]).range([bandH, 0]);
  const yAcc = scaleLinear().domain([0, 1]).range([bandH, 0]);
  const cx = (i: number) => (x(i) ?? 0) + x.bandwidth() / 2;
  const tauLine = line<(typeof stats)[number]>().defined((s) => s.tau !== null).x((s) => cx(s.stepIdx)).y((s) => yTau(s.tau ?? 0));
  const accLine = line<(typeof stats)[number]>().defined((s) => s.acceptance !== null).x((s) => cx(s.stepIdx)).y((s) => yAcc(s.acceptance ?? 0));
  const cur = stats[cursor.stepIdx];
  const totals = stats.reduce((a, s) => ({ d: a.d + s.draftMs, v: a.v + s.verifyMs }), { d: 0, v: 0 });
  const last = stats[stats.length - 1]!;
  const bands = [
    { y: 24, title: `Cost per step · draft ${formatMs(totals.d)} vs verify ${formatMs(totals.v)} in all` },
    { y: 24 + bandH + 24, title: 'Tokens committed per step · accepted drafts + the target’s own' },
    { y: 24 + 2 * (bandH + 24), title: `Running τ ${formatNumber(last.tau)} (tokens / target pass) · acceptance ${formatPercent(last.acceptance)}` },
  ];
  return (
    <div ref={ref} style={{ position: 'absolute', inset: 0 }} data-view="spec-stats">
      {w > 0 ? (
        <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} xmlns="http://www.w3.org/2000/svg" data-testid="spec-stats-svg" data-export-title="Decodescope · speculation over the run">
          <rect width={w} height={h} style={{ fill: 'var(--panel)' }} />
          {bands.map((b) => (
            <text key={b.y} x={PAD_L} y={b.y - 8} style={{ fontSize: 11, fill: 'var(--ink-2)', fontWeight: 600 }}>
              {b.title}
            </text>
          ))}
          <g transform={`translate(${PAD_L}, 0)`}>
            {cur ? <rect x={x(cur.stepIdx)! - 1} y={14} width={x.bandwidth() + 2} height={bands[2]!.y + bandH - 14} style={{ fill: 'var(--accent-soft)' }} /> : null}
            {stats.map((s) => (
              <g key={s.stepIdx} style={{ cursor: 'pointer' }} onClick={() => appStore.getState().gotoStep(s.stepIdx)}>
                <title>{`step ${s.step}: draft ${formatMs(s.draftMs)} (${s.draftCalls} passes), verify ${formatMs(s.verifyMs)} (${s.targetCalls}); accepted ${s.accepted}/${s.drafted}, committed ${s.committed}`}</title>
                <rect x={x(s.stepIdx)} y={14} width={x.bandwidth()} height={bands[2]!.y + bandH - 14} style={{ fill: 'transparent' }} />
                <rect x={x(s.stepIdx)} y={bands[0]!.y + yMs(s.verifyMs)} width={x.bandwidth()} height={bandH - yMs(s.verifyMs)} style={{ fill: 'var(--bar)' }} />
                <rect x={x(s.stepIdx)} y={bands[0]!.y + yMs(s.verifyMs + s.draftMs)} width={x.bandwidth()} height={yMs(s.verifyMs) - yMs(s.verifyMs + s.draftMs)} style={{ fill: 'var(--bar-muted)', stroke: 'var(--ink-3)', strokeWidth: 0.5 }} />
                <rect x={x(s.stepIdx)} y={bands[1]!.y + yTok(s.accepted)} width={x.bandwidth()} height={bandH - yTok(s.accepted)} style={{ fill: 'var(--c-accepted)' }} />
                <rect x={x(s.stepIdx)} y={bands[1]!.y + yTok(s.committed)} width={x.bandwidth()} height={Math.max(0, yTok(s.accepted) - yTok(s.committed))} style={{ fill: 'var(--c-target-bg)', stroke: 'var(--c-target)', strokeWidth: 0.6 }} />
              </g>
            ))}
            {stats.map((s, i) =>
              i % Math.max(1, Math.ceil(stats.length / 24)) === 0 ? (
                <text key={`t${i}`} x={cx(s.stepIdx)} y={bands[2]!.y + bandH + 12} textAnchor="middle" className="mono" style={{ fontSize: 9, fill: 'var(--ink-3)' }}>
                  {s.step}
                </text>
              ) : null,
            )}
            {bands.map((b) => (
              <line key={b.y} x1={0} x2={innerW} y1={b.y + bandH} y2={b.y + bandH} style={{ stroke: 'var(--line-strong)' }} />
            ))}
            <text x={-6} y={bands[0]!.y + 8} textAnchor="end" className="mono" style={{ fontSize: 9.5, fill: 'var(--ink-3)' }}>{formatMs(maxMs)}</text>
            <text x={-6} y={bands[1]!.y + 8} textAnchor="end" className="mono" style={{ fontSize: 9.5, fill: 'var(--ink-3)' }}>{maxTok}</text>
            <g transform={`translate(0, ${bands[2]!.y})`}>
              <path d={tauLine(stats) ?? ''} style={{ fill: 'none', stroke: 'var(--accent)', strokeWidth: 2 }} data-testid="tau-line" />
              <path d={accLine(stats) ?? ''} style={{ fill: 'none', stroke: 'var(--c-accepted)', strokeWidth: 2, strokeDasharray: '5 3' }} data-testid="acceptance-line" />
              <text x={-6} y={8} textAnchor="end" className="mono" style={{ fontSize: 9.5, fill: 'var(--accent)' }}>τ {formatNumber(maxTau * 1.1, 1)}</text>
              <text x={innerW + 6} y={8} className="mono" style={{ fontSize: 9.5, fill: 'var(--c-accepted)' }}>100%</text>
              <text x={innerW + 6} y={bandH} className="mono" style={{ fontSize: 9.5, fill: 'var(--c-accepted)' }}>0%</text>
            </g>
          </g>
          <g transform={`translate(${w - PAD_R - 330}, ${h - 8})`} style={{ fontSize: 10.5, fill: 'var(--ink-2)' }}>
            <rect x={0} y={-9} width={10} height={10} style={{ fill: 'var(--bar-muted)', stroke: 'var(--ink-3)', strokeWidth: 0.5 }} />
            <text x={14}>draft</text>
            <rect x={52} y={-9} width={10} height={10} style={{ fill: 'var(--bar)' }} />
            <text x={66}>verify</text>
            <rect x={110} y={-9} width={10} height={10} style={{ fill: 'var(--c-accepted)' }} />
            <text x={124}>accepted</text>
            <line x1={180} x2={198} y1={-4} y2={-4} style={{ stroke: 'var(--accent)', strokeWidth: 2 }} />
            <text x={202}>τ</text>
            <line x1={220} x2={238} y1={-4} y2={-4} style={{ stroke: 'var(--c-accepted)', strokeWidth: 2, strokeDasharray: '5 3' }} />
            <text x={242}>acceptance (dashed)</text>
          </g>
        </svg>
      ) : null}
    </div>
  );
}
