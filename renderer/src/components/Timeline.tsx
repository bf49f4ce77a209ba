/**
 * Timeline: one tick per step (height = tokens committed), drawn on a canvas and aggregated per pixel
 * column when there are more steps than pixels. The cursor is a separate element, so stepping moves one
 * div and never redraws the ticks.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useApp, appStore } from '../store/store';
import type { TraceIndex } from '../trace/trace-index';
import { Icon } from './Icons';
import { BreakpointMarks } from '../debug/BreakpointMarks';

function cssVar(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || '#888';
}

function drawTicks(canvas: HTMLCanvasElement, trace: TraceIndex, width: number, height: number): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const n = trace.steps.length;
  const base = height - 6;
  ctx.fillStyle = cssVar(canvas, '--line');
  ctx.fillRect(0, base, width, 1);
  if (n === 0) return;
  let maxCommit = 1;
  for (const s of trace.steps) maxCommit = Math.max(maxCommit, s.outCount);
  const unit = (base - 6) / Math.max(maxCommit, 4);
  const colour = {
    target: cssVar(canvas, '--bar'),
    accepted: cssVar(canvas, '--c-accepted'),
    note: cssVar(canvas, '--ink-3'),
    empty: cssVar(canvas, '--c-pending'),
  };
  const perStep = width / n;
  if (perStep >= 2) {
    const w = Math.max(1, Math.min(perStep - 1, 10));
    trace.steps.forEach((s, i) => {
      const x = (i + 0.5) * perStep - w / 2;
      const h = Math.max(2, s.outCount * unit);
      ctx.fillStyle = s.outCount === 0 ? colour.empty : s.outCount > 1 ? colour.accepted : colour.target;
      ctx.fillRect(x, base - h, w, h);
      if (s.notes.length) {
        ctx.fillStyle = colour.note;
        ctx.beginPath();
        ctx.arc(x + w / 2, 4, 2.5, 0, Math.PI * 2);
        ctx.fill();
      }
    });
  } else {
    // More steps than pixels: one column per pixel showing the max committed in it.
    const cols = Math.floor(width);
    for (let c = 0; c < cols; c++) {
      const a = Math.floor((c / cols) * n);
      const b = Math.max(a + 1, Math.floor(((c + 1) / cols) * n));
      let m = 0;
      let notes = false;
      for (let i = a; i < b; i++) {
        const s = trace.steps[i]!;
        if (s.outCount > m) m = s.outCount;
        if (s.notes.length) notes = true;
      }
      const h = Math.max(2, m * unit);
      ctx.fillStyle = m > 1 ? colour.accepted : colour.target;
      ctx.fillRect(c, base - h, 1, h);
      if (notes) {
        ctx.fillStyle = colour.note;
        ctx.fillRect(c, 2, 1, 4);
      }
    }
  }
}

const SPEEDS = [1, 2, 4, 8, 16, 32, 64];

/** The cursor line: the only part of the track a step moves. */
function TimelineCursor({ width }: { width: number }) {
  const n = useApp((s) => s.trace.steps.length);
  const stepIdx = useApp((s) => s.cursor.stepIdx);
  const left = n > 0 && stepIdx >= 0 ? ((stepIdx + 0.5) / n) * width - 1 : -10;
  return <div className="timeline-cursor" style={{ transform: `translateX(${left}px)` }} />;
}

/** Step number and sub-step phases at the cursor. */
function StepInfo() {
  const trace = useApp((s) => s.trace);
  useApp((s) => s.traceVersion);
  const cursor = useApp((s) => s.cursor);
  const n = trace.steps.length;
  const phases = cursor.stepIdx >= 0 ? trace.phasesOf(cursor.stepIdx) : [];
  const step = trace.steps[cursor.stepIdx];
  return (
    <div className="timeline-side">
      <div className="step-label" data-testid="step-label">
        step <b className="num">{cursor.stepIdx >= 0 ? cursor.stepIdx + 1 : 0}</b> / <span className="num">{n}</span>
        {step ? <span className="muted"> · #{step.step}</span> : null}
      </div>
      <div className="phases" data-testid="phases">
        {phases.map((p, i) => (
          <span key={p} className={`phase ${i === cursor.phase ? 'active' : i < cursor.phase ? 'done' : ''}`}>{p}</span>
        ))}
      </div>
    </div>
  );
}

/** Controls and track; what a step changes lives in TimelineCursor and StepInfo, so stepping re-renders only them. */
export function Timeline() {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const playing = useApp((s) => s.playing);
  const speed = useApp((s) => s.speed);
  const theme = useApp((s) => s.theme);
  const track = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const el = track.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (canvas.current && width > 0) drawTicks(canvas.current, trace, width, track.current!.clientHeight);
  }, [trace, version, width, theme]);

  const n = trace.steps.length;

  const scrubTo = (clientX: number) => {
    const r = track.current!.getBoundingClientRect();
    const i = Math.floor(((clientX - r.left) / r.width) * n);
    if (n > 0) appStore.getState().gotoStep(Math.max(0, Math.min(n - 1, i)));
  };
  const a = appStore.getState();
  return (
    <section className="panel timeline" aria-label="timeline">
      <div className="timeline-controls">
        <button className="btn icon" title="First step (Home)" aria-label="first step" onClick={() => a.move('first')}><Icon name="first" /></button>
        <button className="btn icon" title="Previous token (←)" aria-label="previous token" onClick={() => a.move('prevToken')}><Icon name="prev" /></button>
        <button
          className={`btn icon ${playing ? 'on' : ''}`}
          title="Play / pause (Space)"
          aria-label={playing ? 'pause playback' : 'play'}
          data-testid="play"
          onClick={() => a.setPlaying(!playing)}
        >
          <Icon name={playing ? 'pause' : 'play'} />
        </button>
        <button className="btn icon" title="Next token (F10 or →)" aria-label="next token" data-testid="next-token" onClick={() => a.move('nextToken')}><Icon name="next" /></button>
        <button className="btn icon" title="Last step (End)" aria-label="last step" onClick={() => a.move('last')}><Icon name="last" /></button>
        <button className="btn icon" title="Step into sub-steps (F11)" aria-label="step into" data-testid="step-into" onClick={() => a.move('stepInto')}><Icon name="into" /></button>
        <button className="btn icon" title="Step out to the token (Shift+F11)" aria-label="step out" onClick={() => a.move('stepOut')}><Icon name="out" /></button>
        <select className="speed" value={speed} title="Playback speed (steps per second)" aria-label="playback speed" onChange={(e) => a.setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>{s}×/s</option>
          ))}
        </select>
      </div>
      <div
        className="timeline-track"
        ref={track}
        data-testid="timeline-track"
        onPointerDown={(e) => {
          (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
          scrubTo(e.clientX);
        }}
        onPointerMove={(e) => {
          if (e.buttons & 1) scrubTo(e.clientX);
        }}
      >
        <canvas ref={canvas} />
        <BreakpointMarks width={width} />
        <TimelineCursor width={width} />
      </div>
      <StepInfo />
    </section>
  );
}
