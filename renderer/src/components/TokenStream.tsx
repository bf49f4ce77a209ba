/**
 * The token stream: prompt in grey, output tokens as chips coloured by source or by probability.
 * Virtualised by chunks of tokens: chunks far from the viewport render as empty blocks of their last
 * measured height, so a 10,000-token run costs a few hundred chips. Chunks are memoised on what they
 * actually show, so a step forward re-renders one or two of them.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useApp, appStore } from '../store/store';
import type { TraceIndex } from '../trace/trace-index';
import { visibleOutputCount } from '../trace/cursor';
import type { ColorMode } from '../store/store';
import { TokenText, SOURCE_BADGE, SOURCE_LABEL } from './TokenText';
import { probColor, probInk, viridisGradient } from '../format/colors';
import { formatProb } from '../format/format';
import { useWalkLit } from '../walkthrough/highlight';

// Small chunks: a step re-renders only the chunk holding the cursor (and a neighbour when it moves on).
const CHUNK = 64;

interface ChunkProps {
  trace: TraceIndex;
  start: number;
  end: number;
  /** Tokens of this chunk that are visible at the cursor (0..end-start). */
  shown: number;
  /** Output range of the current step, relative to this chunk (or -1). */
  curFrom: number;
  curTo: number;
  selected: number;
  colorMode: ColorMode;
  version: number;
  /** Walkthrough highlight: output indices of this chunk the current beat talks about ("" = none). */
  lit?: string;
}

const Chunk = memo(function Chunk({ trace, start, end, shown, curFrom, curTo, selected, colorMode, lit }: ChunkProps) {
  const chips = [];
  const litSet = new Set(lit ? lit.split(',').map(Number) : []);
  for (let i = start; i < end; i++) {
    const t = trace.output[i];
    if (!t) break;
    const entry = trace.tokenText(t.id);
    const rel = i - start;
    let cls = `chip src-${t.source}`;
    if (rel >= shown) cls += ' future';
    if (rel >= curFrom && rel < curTo) cls += ' current';
    if (i === selected) cls += ' selected';
    if (entry.special) cls += ' special';
    let style: React.CSSProperties | undefined;
    if (colorMode === 'probability' && rel < shown) {
      const p = trace.probOf(t);
      style = { background: probColor(p), color: probInk(p), borderColor: 'transparent' };
    }
    chips.push(
      <span key={i} className={cls} data-i={i} style={style} aria-label={`${SOURCE_LABEL[t.source]} token ${i}`} data-walk-lit={litSet.has(i) ? 'true' : undefined}>
        <TokenText entry={entry} />
        {SOURCE_BADGE[t.source] ? <span className="badge">{SOURCE_BADGE[t.source]}</span> : null}
      </span>,
    );
  }
  return <>{chips}</>;
});

function PromptChips({ trace, version }: { trace: TraceIndex; version: number }) {
  const ids = trace.header?.prompt.tokenIds ?? [];
  return useMemo(
    () => (
      <>
        {ids.map((id, i) => (
          <span key={i} className="chip prompt" title="prompt token">
            <TokenText entry={trace.tokenText(id)} />
          </span>
        ))}
      </>
    ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [trace, version, ids],
  );
}

export function StreamLegend() {
  const colorMode = useApp((s) => s.colorMode);
  const setColorMode = useApp((s) => s.setColorMode);
  return (
    <div className="stream-legend">
      {colorMode === 'source' ? (
        <>
          <span className="legend-item"><span className="legend-swatch" style={{ background: 'var(--c-target-bg)', borderColor: 'var(--line-strong)' }} />target</span>
          <span className="legend-item"><span className="legend-swatch" style={{ background: 'var(--c-accepted-bg)', borderColor: 'var(--c-accepted)' }} />✓ accepted</span>
          <span className="legend-item"><span className="legend-swatch" style={{ background: 'var(--c-resampled-bg)', borderColor: 'var(--c-resampled)', borderStyle: 'dashed' }} />↻ resampled</span>
          <span className="legend-item"><span className="legend-swatch" style={{ background: 'var(--c-bonus-bg)', borderColor: 'var(--c-bonus)', borderLeftWidth: 3 }} />★ bonus</span>
        </>
      ) : (
        <span className="legend-item">
          p 0 <span className="ramp" style={{ background: viridisGradient() }} /> 1
        </span>
      )}
      <div className="seg" role="group" aria-label="colour tokens by">
        <button data-testid="color-source" className={colorMode === 'source' ? 'on' : ''} onClick={() => setColorMode('source')}>source</button>
        <button data-testid="color-probability" className={colorMode === 'probability' ? 'on' : ''} onClick={() => setColorMode('probability')}>probability</button>
      </div>
    </div>
  );
}

export function TokenStream() {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const colorMode = useApp((s) => s.colorMode);
  const selection = useApp((s) => s.locked);
  const source = useApp((s) => s.source);
  const body = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<number, number>());
  const [visibleChunks, setVisibleChunks] = useState<Set<number>>(() => new Set([0]));
  const [tip, setTip] = useState<{ i: number; x: number; y: number } | null>(null);

  const total = trace.output.length;
  const chunkCount = Math.ceil(total / CHUNK);
  const shownCount = visibleOutputCount(trace, cursor);
  const step = trace.steps[cursor.stepIdx];
  const curFrom = step ? step.outStart : -1;
  const curTo = step ? step.outStart + step.outCount : -1;
  const cursorChunk = curFrom >= 0 ? Math.floor(curFrom / CHUNK) : 0;
  const selected = selection?.kind === 'token' ? selection.outputIndex : -1;
  const walkLit = useWalkLit('token');

  // Which chunks are near the viewport.
  useEffect(() => {
    const root = body.current;
    if (!root) return;
    const io = new IntersectionObserver(
      (entries) => {
        setVisibleChunks((prev) => {
          const next = new Set(prev);
          for (const e of entries) {
            const c = Number((e.target as HTMLElement).dataset.chunk);
            if (e.isIntersecting) next.add(c);
            else next.delete(c);
          }
          return next.size === prev.size && [...next].every((c) => prev.has(c)) ? prev : next;
        });
      },
      // More than a wheel notch of margin each way, and no more: every live chip costs paint on every step
      // (300 px kept 13 chunks live on a 10,000-token run; 150 px keeps 8, a step 1.5 ms cheaper).
      { root, rootMargin: '150px 0px' },
    );
    root.querySelectorAll('[data-chunk]').forEach((el) => io.observe(el));
    return () => io.disconnect();
  }, [chunkCount, trace]);

  // Remember rendered chunk heights so placeholders keep the scroll geometry.
  useLayoutEffect(() => {
    body.current?.querySelectorAll<HTMLElement>('[data-chunk][data-live="1"]').forEach((el) => {
      heights.current.set(Number(el.dataset.chunk), el.offsetHeight);
    });
    // Measured only when what is rendered changes, not on every step (that would force a layout per step).
  }, [visibleChunks, chunkCount, version, colorMode, trace]);

  // Keep the current step in view (nearest edge only: no jumping while the user reads).
  useEffect(() => {
    const el = body.current?.querySelector<HTMLElement>('.chip.current');
    if (el && body.current) {
      const r = el.getBoundingClientRect();
      const b = body.current.getBoundingClientRect();
      if (r.top < b.top || r.bottom > b.bottom) el.scrollIntoView({ block: 'nearest' });
    }
  }, [cursor, version]);

  const chunks = [];
  for (let c = 0; c < chunkCount; c++) {
    const start = c * CHUNK;
    const end = Math.min(total, start + CHUNK);
    const live = visibleChunks.has(c) || c === cursorChunk || (selected >= start && selected < end);
    chunks.push(
      <div key={c} data-chunk={c} data-live={live ? 1 : 0} className="stream-chunk-block" style={live ? undefined : { height: heights.current.get(c) ?? 26 * 3 }}>
        {c === 0 ? <PromptChips trace={trace} version={version} /> : null}
        {live ? (
          <Chunk
            trace={trace}
            start={start}
            end={end}
            shown={Math.max(0, Math.min(end - start, shownCount - start))}
            curFrom={curFrom >= start && curFrom < end ? curFrom - start : -1}
            curTo={curFrom >= start && curFrom < end ? curTo - start : -1}
            selected={selected >= start && selected < end ? selected : -1}
            colorMode={colorMode}
            lit={walkLit.any ? Array.from({ length: end - start }, (_, k) => start + k).filter((i) => walkLit.has(`token:${i}`)).join(',') : ''}
            version={end > trace.output.length - 1 - CHUNK ? version : 0}
          />
        ) : null}
      </div>,
    );
  }

  const indexAt = (target: EventTarget | null): number | null => {
    const el = (target as HTMLElement | null)?.closest?.('[data-i]') as HTMLElement | null;
    return el ? Number(el.dataset.i) : null;
  };

  const tipToken = tip ? trace.output[tip.i] : undefined;
  return (
    <section className="panel stream" aria-label="token stream">
      <div className="panel-head">
        Token stream
        <span className="source-tag" data-testid="source-tag" title={source.warnings.join('\n') || `${source.kind}: ${source.name}`}>
          {source.kind === 'none' ? 'nothing open' : `${source.kind === 'live' ? '● live' : source.kind} · ${source.name}`}
          {source.warnings.length ? ' ⚠' : ''}
        </span>
        <span className="head-note">
          {total > 0 ? `${shownCount} / ${total} tokens` : 'no output yet'}
        </span>
        <span className="spacer" />
        <StreamLegend />
      </div>
      <div
        className="stream-body"
        ref={body}
        data-testid="token-stream"
        onMouseOver={(e) => {
          const i = indexAt(e.target);
          const cur = appStore.getState().hover;
          if (i === null) {
            if (cur) appStore.getState().setHover(null);
            setTip(null);
            return;
          }
          if (cur?.kind !== 'token' || cur.outputIndex !== i) appStore.getState().setHover({ kind: 'token', outputIndex: i });
          const r = (e.target as HTMLElement).closest('[data-i]')!.getBoundingClientRect();
          setTip({ i, x: r.left, y: r.bottom + 6 });
        }}
        onMouseLeave={() => {
          appStore.getState().setHover(null);
          setTip(null);
        }}
        onClick={(e) => {
          const i = indexAt(e.target);
          if (i === null) return;
          const s = appStore.getState();
          const t = s.trace.output[i];
          if (!t) return;
          s.lock({ kind: 'token', outputIndex: i });
          s.gotoStep(t.stepIdx);
        }}
      >
        {chunks}
        {total === 0 && !trace.header ? <span className="muted">Open a trace, pick a demo, or start a run.</span> : null}
      </div>
      {tip && tipToken ? (
        <div className="tooltip" style={{ left: Math.min(tip.x, window.innerWidth - 240), top: tip.y }}>
          <div className="mono">#{tip.i} · step {tipToken.step}</div>
          <div>
            {SOURCE_LABEL[tipToken.source]} · p = <span className="mono">{formatProb(trace.probOf(tipToken))}</span>
          </div>
          <div className="muted">click to lock · Esc clears</div>
        </div>
      ) : null}
    </section>
  );
}
