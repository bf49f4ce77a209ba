/**
 * The autoregressive main view: the next-token distribution from raw logits through each processor
 * stage to the processed distribution, then the draw. Pure SVG so the export is exactly what is seen.
 *   1. pipeline strip: one box per stage (click to show it), with what each stage removed
 *   2. bars: top candidates at the shown stage, raw probability as a ghost, removed tokens struck out
 *   3. the draw: the processed distribution laid end to end on [0, 1), u marked, the landing token lit
 * Sub-steps reveal progressively: forward → raw only, processors → stages, draw → u, commit → token.
 */
import { memo } from 'react';
import { scaleLinear } from 'd3-scale';
import { useApp, appStore, type StageKey } from '../store/store';
import type { TraceIndex } from '../trace/trace-index';
import { distributionView, drawView, type DistributionView as DView, type StageColumn } from '../trace/distribution-model';
import type { ChoiceRecord, DistributionRecord } from '../../../engine/trace/schema';
import { formatCount, formatProb, formatSigned, formatNumber, tokenLabel } from '../format/format';
import { useSize } from './use-size';
import { useWalkLit } from '../walkthrough/highlight';
import './distribution.css';

const ROW_H = 20;
const PAD = 14;

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

interface Props {
  trace: TraceIndex;
  dist: DistributionRecord;
  choice?: ChoiceRecord;
  stageKey: StageKey;
  /** How far into the step the cursor is: 0 forward, 1 processors, 2 draw, 3 commit. */
  reveal: number;
  selectedId: number | null;
  width: number;
  height: number;
}

function PipelineStrip({ view, stageKey, reveal, x0, width }: { view: DView; stageKey: StageKey; reveal: number; x0: number; width: number }) {
  const cols = view.columns;
  const gap = 18;
  const boxW = Math.max(70, (width - gap * (cols.length - 1)) / cols.length);
  const boxH = 58;
  return (
    <g transform={`translate(${x0}, 34)`} data-testid="pipeline">
      {cols.map((c, i) => {
        const x = i * (boxW + gap);
        const available = c.key === 'raw' || reveal >= 1;
        const active = c.key === stageKey;
        const top = [...c.probs.values()].filter((p): p is number => p !== null).sort((a, b) => b - a).slice(0, 12);
        // Mini bars are scaled to the column's leader: the shape matters here, the numbers are below.
        const scale = 32 / Math.max(top[0] ?? 1, 1e-9);
        const bw = (boxW - 16) / 12;
        return (
          <g
            key={c.key}
            transform={`translate(${x}, 0)`}
            className={`dv-stage${active ? ' active' : ''}${available ? '' : ' unavailable'}`}
            onClick={() => available && appStore.getState().setStage(c.key)}
            data-stage={c.key}
          >
            <title>{available ? `show the distribution after ${c.label}` : 'not computed yet at this sub-step'}</title>
            <rect width={boxW} height={boxH} rx={5} className="dv-stage-box" />
            <text x={8} y={15} className="dv-stage-label">
              {clip(c.label, Math.floor(boxW / 6.5))}
            </text>
            {c.removedCount > 0 ? (
              <text x={boxW - 7} y={15} textAnchor="end" className="mono dv-stage-removed">
                −{formatCount(c.removedCount)}
              </text>
            ) : null}
            {top.map((p, j) => (
              <rect key={j} x={8 + j * bw} y={boxH - 6 - p * scale} width={Math.max(1, bw - 1.5)} height={Math.max(0.5, p * scale)} className="dv-mini" />
            ))}
            {i < cols.length - 1 ? (
              <path d={`M${boxW + 4},${boxH / 2} l${gap - 9},0 m-4,-4 l4,4 l-4,4`} className="dv-arrow" />
            ) : null}
          </g>
        );
      })}
    </g>
  );
}

function Bars({ trace, view, column, choice, selectedId, x0, y0, width, rows }: {
  trace: TraceIndex; view: DView; column: StageColumn; choice?: ChoiceRecord; selectedId: number | null; x0: number; y0: number; width: number; rows: number;
}) {
  const raw = view.columns[0]!;
  const isRaw = column.key === 'raw';
  // Order: the shown stage's ranking, masked tokens after the survivors, in raw order.
  const ordered = [...view.rows].sort((a, b) => {
    const pa = column.probs.get(a.id) ?? -1;
    const pb = column.probs.get(b.id) ?? -1;
    return pb - pa || a.rawRank - b.rawRank;
  });
  const shown = ordered.slice(0, rows);
  if (choice && !shown.some((r) => r.id === choice.tokenId)) {
    const hit = ordered.find((r) => r.id === choice.tokenId);
    if (hit) shown[shown.length - 1] = hit;
  }
  const walk = useWalkLit('distribution');
  const labelW = Math.min(170, Math.max(110, width * 0.2));
  const numW = 150;
  const barW = Math.max(60, width - labelW - numW - 20);
  const x = scaleLinear().domain([0, 1]).range([0, barW]);
  return (
    <g transform={`translate(${x0}, ${y0})`} data-testid="bars" data-walk-dim={walk.any ? 'true' : undefined}>
      <text x={0} y={-8} className="dv-head">
        TOKEN
      </text>
      <text x={labelW} y={-8} className="dv-head">
        P AFTER {column.name === 'raw' ? 'RAW LOGITS' : column.name.toUpperCase().replace(/_/g, ' ')}{isRaw ? '' : '   (outline: raw)'}
      </text>
      <text x={labelW + barW + numW} y={-8} textAnchor="end" className="dv-head">
        P · LOG P
      </text>
      {shown.map((r, i) => {
        const y = i * ROW_H;
        const p = column.probs.get(r.id);
        const lp = column.logprobs.get(r.id);
        const rawP = raw.probs.get(r.id) ?? 0;
        const masked = p === null || p === undefined;
        const chosen = choice?.tokenId === r.id;
        const selected = selectedId === r.id;
        const entry = trace.tokenText(r.id);
        const label = clip(tokenLabel(entry.text, entry.bytes), 18);
        return (
          <g
            // Keyed by slot, not token: a step then updates a dozen rows in place instead of rebuilding them.
            key={i}
            transform={`translate(0, ${y})`}
            className={`dv-row${chosen ? ' chosen' : ''}${selected ? ' selected' : ''}${masked ? ' masked' : ''}`}
            data-token-id={r.id}
            data-chosen={chosen ? 'true' : undefined}
            data-walk-part="bar"
            data-walk-lit={walk.has(`distribution:${view.dist.distId}:${r.id}`) ? 'true' : undefined}
            onMouseEnter={() => appStore.getState().setHover({ kind: 'candidate', distId: view.dist.distId, tokenId: r.id })}
            onMouseLeave={() => appStore.getState().setHover(null)}
            onClick={() => appStore.getState().lock({ kind: 'candidate', distId: view.dist.distId, tokenId: r.id })}
          >
            <rect x={-6} y={0} width={labelW + barW + numW + 12} height={ROW_H - 2} rx={3} className="dv-row-bg" />
            <text x={0} y={13.5} className="mono dv-rank">
              {r.rawRank + 1}
            </text>
            <text x={22} y={13.5} className="mono dv-label">
              {label}
            </text>
            {!isRaw ? <rect x={labelW} y={3} width={Math.max(0.5, x(rawP))} height={ROW_H - 8} rx={2} className="dv-ghost" /> : null}
            {masked ? (
              <text x={labelW + 4} y={13.5} className="dv-removed">
                ✕ removed by {r.removedBy ?? column.label}
              </text>
            ) : (
              <rect x={labelW} y={3} width={Math.max(1, x(p))} height={ROW_H - 8} rx={2} className="dv-bar" />
            )}
            {chosen ? (
              // A long bar leaves no room after it before the numbers: the mark goes inside, at its end.
              !masked && x(p) > barW - 64 ? (
                <text x={labelW + x(p) - 6} y={13.5} textAnchor="end" className="dv-chosen-mark inside">
                  chosen
                </text>
              ) : (
                <text x={labelW + (masked ? 0 : x(p)) + 6} y={13.5} className="dv-chosen-mark">
                  ◀ chosen
                </text>
              )
            ) : null}
            <text x={labelW + barW + numW - 62} y={13.5} textAnchor="end" className="mono dv-prob">
              {masked ? '0' : formatProb(p)}
            </text>
            <text x={labelW + barW + numW} y={13.5} textAnchor="end" className="mono dv-logp">
              {formatSigned(lp ?? null)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function DrawStrip({ trace, dist, choice, reveal, x0, y0, width }: { trace: TraceIndex; dist: DistributionRecord; choice?: ChoiceRecord; reveal: number; x0: number; y0: number; width: number }) {
  const dv = drawView(dist, choice);
  const walk = useWalkLit('draw');
  const x = scaleLinear().domain([0, 1]).range([0, width]);
  const h = 22;
  const drawn = reveal >= 2;
  const sampled = choice?.u !== undefined;
  let caption: string;
  if (!drawn) caption = 'the draw happens after the processors (F11 to step into it)';
  else if (!choice) caption = 'no choice recorded for this distribution';
  else if (sampled)
    caption = `u = ${choice.u!.toFixed(4)} landed in [${(choice.cumBefore ?? dv.chosen?.start ?? 0).toFixed(4)}, ${((choice.cumBefore ?? 0) + choice.prob).toFixed(4)}) → ${tokenLabel(trace.tokenText(choice.tokenId).text, trace.tokenText(choice.tokenId).bytes)}  (rank ${choice.rank + 1}, p ${formatProb(choice.prob)})`;
  else caption = `${choice.rule}: no random draw; took rank ${choice.rank + 1} (p ${formatProb(choice.prob)})`;
  return (
    <g transform={`translate(${x0}, ${y0})`} data-testid="draw" data-walk-lit={walk.has(`draw:${dist.distId}`) ? 'true' : undefined}>
      <text x={0} y={-8} className="dv-head">
        THE DRAW · CUMULATIVE PROCESSED PROBABILITY
      </text>
      {dv.segments.map((s, i) => (
        <rect
          key={i}
          x={x(s.start)}
          y={0}
          width={Math.max(0.5, x(s.prob) - 1)}
          height={h}
          className={s.chosen && drawn ? 'dv-seg chosen' : i % 2 ? 'dv-seg' : 'dv-seg alt'}
        >
          <title>{`${tokenLabel(trace.tokenText(s.id).text)}  p ${formatProb(s.prob)}  [${s.start.toFixed(3)}, ${(s.start + s.prob).toFixed(3)})`}</title>
        </rect>
      ))}
      {dv.segments.map((s, i) =>
        x(s.prob) > 34 ? (
          <text key={`l${i}`} x={x(s.start) + 4} y={15} className={s.chosen && drawn ? 'mono dv-seg-label chosen' : 'mono dv-seg-label'}>
            {clip(tokenLabel(trace.tokenText(s.id).text), Math.floor(x(s.prob) / 7))}
          </text>
        ) : null,
      )}
      {dv.rest > 0.02 ? (
        <g>
          <rect x={x(1 - dv.rest)} y={0.5} width={Math.max(0.5, x(dv.rest) - 1)} height={h - 1} className="dv-ghost" />
          {x(dv.rest) > 60 ? (
            <text x={x(1 - dv.rest) + 5} y={15} className="dv-rest">
              rest of the vocabulary {formatProb(dv.rest)}
            </text>
          ) : null}
        </g>
      ) : null}
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <text key={t} x={x(t)} y={h + 12} textAnchor={t === 0 ? 'start' : t === 1 ? 'end' : 'middle'} className="mono dv-tick">
          {t}
        </text>
      ))}
      {drawn && sampled ? (
        <g transform={`translate(${x(choice!.u!)}, 0)`} data-testid="u-marker">
          <line y1={-4} y2={h + 4} className="dv-u-line" />
          <path d="M-5,-10 L5,-10 L0,-3 Z" className="dv-u-head" />
        </g>
      ) : null}
      <text x={0} y={h + 28} className={drawn ? 'mono dv-caption' : 'mono dv-caption pending'} data-testid="draw-caption">
        {caption}
      </text>
    </g>
  );
}

export const DistributionChart = memo(function DistributionChart({ trace, dist, choice, stageKey, reveal, selectedId, width, height }: Props) {
  const view = distributionView(dist);
  const column = view.columns.find((c) => c.key === stageKey) ?? view.columns[view.columns.length - 1]!;
  const innerW = width - PAD * 2;
  const barsY = 34 + 58 + 34;
  const drawH = 72;
  const rows = Math.max(3, Math.min(view.rows.length, Math.floor((height - barsY - drawH - 20) / ROW_H)));
  const drawY = barsY + rows * ROW_H + 30;
  const totalH = drawY + 50;
  const stepNo = dist.step;
  return (
    <svg
      width={width}
      height={Math.max(height, totalH)}
      viewBox={`0 0 ${width} ${Math.max(height, totalH)}`}
      xmlns="http://www.w3.org/2000/svg"
      data-testid="distribution-svg"
      data-export-title={`Decodescope · step ${stepNo} · ${dist.distId}`}
      role="img"
      aria-label={`next-token distribution at step ${stepNo}`}
    >
      <rect width={width} height={Math.max(height, totalH)} className="dv-backdrop" />
      <g transform={`translate(${PAD}, 20)`}>
        <text className="dv-title">
          Next-token distribution <tspan className="dv-subtitle">· step {stepNo} · position {dist.position} · {dist.model}</tspan>
        </text>
        <text x={innerW} textAnchor="end" className="mono dv-entropy" data-testid="entropy">
          H raw {formatNumber(view.rawEntropy)} → processed {formatNumber(view.entropy)} nats · support {formatCount(view.support)}
        </text>
      </g>
      <PipelineStrip view={view} stageKey={column.key} reveal={reveal} x0={PAD} width={innerW} />
      <Bars trace={trace} view={view} column={column} choice={reveal >= 2 ? choice : undefined} selectedId={selectedId} x0={PAD + 6} y0={barsY} width={innerW - 12} rows={rows} />
      <DrawStrip trace={trace} dist={dist} choice={choice} reveal={reveal} x0={PAD + 6} y0={drawY} width={innerW - 12} />
    </svg>
  );
});

/** Connects the chart to the store: the distribution of the cursor's step, the stage for the sub-step. */
export function DistributionView() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const stage = useApp((s) => s.stage);
  const locked = useApp((s) => s.locked);
  const hover = useApp((s) => s.hover);
  const [ref, size] = useSize<HTMLDivElement>();
  const dist = cursor.stepIdx >= 0 ? trace.mainDistribution(cursor.stepIdx) : undefined;
  const phase = cursor.stepIdx >= 0 ? trace.phasesOf(cursor.stepIdx)[cursor.phase] : undefined;
  const reveal = phase === 'forward' ? 0 : phase === 'processors' ? 1 : phase === 'draw' ? 2 : 3;
  const stageKey: StageKey = stage ?? (reveal === 0 ? 'raw' : 'processed');
  const sel = hover ?? locked;
  const selectedId = sel?.kind === 'candidate' && sel.distId === dist?.distId ? sel.tokenId : null;
  return (
    <div ref={ref} style={{ position: 'absolute', inset: 0 }} data-view="distribution">
      {!dist ? (
        <div className="empty">{trace.steps.length === 0 ? 'Nothing to show yet.' : 'This step recorded no distribution.'}</div>
      ) : size.width > 0 ? (
        <DistributionChart
          trace={trace}
          dist={dist}
          choice={trace.choiceByDist.get(dist.distId)}
          stageKey={reveal === 0 ? 'raw' : stageKey}
          reveal={reveal}
          selectedId={selectedId}
          width={size.width}
          height={size.height}
        />
      ) : null}
    </div>
  );
}
