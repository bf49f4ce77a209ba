/**
 * Where enabled breakpoints hold, drawn along the bottom of the timeline track: red dots for stops,
 * hollow diamonds for logpoints (shape as well as colour). Several steps per pixel share one mark.
 */
import { useMemo } from 'react';
import { useApp } from '../store/store';
import { useDebug } from './debug-store';
import { allHitSteps } from './breakpoints';

export function BreakpointMarks({ width }: { width: number }) {
  const trace = useApp((s) => s.trace);
  const version = useApp((s) => s.traceVersion);
  const breakpoints = useDebug((s) => s.breakpoints);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const hits = useMemo(() => allHitSteps(trace, breakpoints), [trace, version, breakpoints]);
  const n = trace.steps.length;
  if (n === 0 || width <= 0 || hits.stops.length + hits.logs.length === 0) return null;
  const x = (i: number) => Math.round(((i + 0.5) / n) * width);
  const seen = new Set<number>();
  const marks: { x: number; kind: 'stop' | 'log'; stepIdx: number }[] = [];
  // Stops first so that a stop wins a pixel shared with a logpoint.
  for (const i of hits.stops) if (!seen.has(x(i))) (seen.add(x(i)), marks.push({ x: x(i), kind: 'stop', stepIdx: i }));
  for (const i of hits.logs) if (!seen.has(x(i))) (seen.add(x(i)), marks.push({ x: x(i), kind: 'log', stepIdx: i }));
  return (
    <div className="bp-marks" data-testid="bp-marks" aria-hidden="true">
      {marks.map((m) => (
        <span key={m.x} className={`bp-tick ${m.kind}`} data-step-idx={m.stepIdx} style={{ transform: `translateX(${m.x}px)${m.kind === 'log' ? ' rotate(45deg)' : ''}` }} />
      ))}
    </div>
  );
}
