/**
 * Where the user stands in a run: a step and a sub-step (phase) within it. Pure functions, so the
 * stepping rules (debugger semantics mapped to decoding) are unit-tested without a browser.
 *
 *  next token (F10)   : to the commit of the next step
 *  step into (F11)    : to the next sub-step, crossing into the next step's first sub-step
 *  step out (Shift+F11): to the commit of the current step (or the previous step's if already there)
 */
import type { TraceIndex } from './trace-index';

export interface Cursor {
  stepIdx: number;
  phase: number;
}

export const NO_CURSOR: Cursor = { stepIdx: -1, phase: 0 };

function lastPhase(index: TraceIndex, stepIdx: number): number {
  return index.phasesOf(stepIdx).length - 1;
}

export function atCommit(index: TraceIndex, stepIdx: number): Cursor {
  if (index.steps.length === 0) return NO_CURSOR;
  const s = Math.max(0, Math.min(stepIdx, index.steps.length - 1));
  return { stepIdx: s, phase: lastPhase(index, s) };
}

export function isAtCommit(index: TraceIndex, c: Cursor): boolean {
  return c.stepIdx >= 0 && c.phase >= lastPhase(index, c.stepIdx);
}

export function nextToken(index: TraceIndex, c: Cursor): Cursor {
  if (c.stepIdx < 0) return atCommit(index, 0);
  if (!isAtCommit(index, c)) return atCommit(index, c.stepIdx);
  return atCommit(index, c.stepIdx + 1);
}

export function prevToken(index: TraceIndex, c: Cursor): Cursor {
  if (c.stepIdx <= 0) return atCommit(index, 0);
  return atCommit(index, c.stepIdx - 1);
}

export function stepInto(index: TraceIndex, c: Cursor): Cursor {
  if (index.steps.length === 0) return NO_CURSOR;
  if (c.stepIdx < 0) return { stepIdx: 0, phase: 0 };
  if (c.phase < lastPhase(index, c.stepIdx)) return { stepIdx: c.stepIdx, phase: c.phase + 1 };
  if (c.stepIdx + 1 < index.steps.length) return { stepIdx: c.stepIdx + 1, phase: 0 };
  return c;
}

export function stepOut(index: TraceIndex, c: Cursor): Cursor {
  if (c.stepIdx < 0) return atCommit(index, 0);
  return atCommit(index, c.stepIdx);
}

/** One sub-step backwards (the reverse of step into). */
export function stepBackInto(index: TraceIndex, c: Cursor): Cursor {
  if (c.stepIdx < 0) return c;
  if (c.phase > 0) return { stepIdx: c.stepIdx, phase: c.phase - 1 };
  if (c.stepIdx > 0) return atCommit(index, c.stepIdx - 1);
  return c;
}

export function first(index: TraceIndex): Cursor {
  return atCommit(index, 0);
}

export function last(index: TraceIndex): Cursor {
  return atCommit(index, index.steps.length - 1);
}

/** How many output tokens are visible at the cursor (the current step's appear at its commit). */
export function visibleOutputCount(index: TraceIndex, c: Cursor): number {
  if (c.stepIdx < 0) return 0;
  return isAtCommit(index, c) ? index.outputCountThrough(c.stepIdx) : index.outputCountThrough(c.stepIdx - 1);
}
