/**
 * Continue (F8) and reverse-continue (Shift+F8) with breakpoints, on a loaded trace and on a live run.
 *
 * Loaded trace, demo or ended run: the cursor jumps to the next (previous) step where a breakpoint
 * holds; logpoints passed over print their lines. Live run: each step is evaluated once, when it is
 * complete; a stop pauses the run and puts the cursor on the step. F8 then resumes it (after first
 * stopping at any hit among steps that arrived while the pause took effect).
 *
 * A small model decodes a whole run in tens of milliseconds, faster than a pause can travel back to the engine,
 * so a run started while stopping breakpoints are enabled runs in lock-step: it starts paused and the debugger
 * asks for one step at a time, evaluating each before the next. It stops exactly on the hit, at the cost of a
 * round trip per step.
 */
import { appStore, type AppStore } from '../store/store';
import * as C from '../trace/cursor';
import type { TraceIndex } from '../trace/trace-index';
import { engineClient, onBeforeLiveRun, onLiveRecords, pauseLiveRun, resumeLiveRun, stepLiveRun } from '../store/live-run';
import { debugStore, type DebugStoreApi } from './debug-store';
import { evaluateStep, isStop, logLines, nextHit, prevHit, unsupportedReason, type Breakpoint, type Hit } from './breakpoints';

interface LiveProgress {
  /** Steps [0, evaluated] have been evaluated. */
  evaluated: number;
  /** Stopped at a hit: arriving records wait until the user continues. */
  holding: boolean;
}

const liveProgress = new WeakMap<TraceIndex, LiveProgress>();
/** Live runs being stepped one step at a time by the debugger. */
const lockstep = new WeakSet<TraceIndex>();

function progressOf(index: TraceIndex): LiveProgress {
  let p = liveProgress.get(index);
  if (!p) liveProgress.set(index, (p = { evaluated: -1, holding: false }));
  return p;
}

/** The last step whose records are all in: a step ends with its commit, or when a later step began. */
function lastCompleteStep(index: TraceIndex, ended: boolean): number {
  const n = index.steps.length;
  if (n === 0) return -1;
  return ended || index.steps[n - 1]!.commit ? n - 1 : n - 2;
}

function enabled(dbg: DebugStoreApi) {
  return dbg.getState().breakpoints.filter((b) => b.enabled);
}

/** Puts the cursor on the commit of a stopping step and records the stop. */
function stopAt(app: AppStore, dbg: DebugStoreApi, stepIdx: number, hits: Hit[]): void {
  const s = app.getState();
  s.setPlaying(false);
  s.setCursor(C.atCommit(s.trace, stepIdx));
  // Stay on the hit even when it is the newest step of a live run that still sends records.
  app.setState({ follow: false });
  dbg.getState().appendLog(logLines(hits));
  dbg.getState().setLastStop({ stepIdx, step: s.trace.steps[stepIdx]!.step, details: hits.map((h) => h.detail) });
}

/**
 * Pauses for a breakpoint. The hit may be in the run's very last step, so the run can end before the
 * pause arrives: that is not an error, and the ended run must not be marked paused again.
 */
async function pauseForHit(app: AppStore): Promise<void> {
  const client = engineClient();
  const { runId } = app.getState();
  if (!client || !runId) return;
  try {
    await client.pause(runId);
    if (app.getState().runId === runId) app.getState().setRun(runId, 'paused');
  } catch (e) {
    if (app.getState().runId === runId && !/no active run/.test((e as Error).message)) {
      app.getState().showToast('error', `Could not pause at the breakpoint: ${(e as Error).message}`);
    }
  }
}

/** Pauses the live run now, or as soon as the engine has given it an id. */
function pauseSoon(app: AppStore): void {
  if (app.getState().runId) return void pauseForHit(app);
  const off = app.subscribe((s) => {
    if (s.runId && s.runState === 'running') {
      off();
      void pauseForHit(app);
    } else if (s.runState === 'ended' || s.runState === 'idle') off();
  });
}

/** Evaluates the live run's newly completed steps; called after each batch of records. */
export function evaluateLiveSteps(app: AppStore, dbg: DebugStoreApi, index: TraceIndex, ended: boolean): void {
  const s = app.getState();
  if (s.trace !== index) return;
  const progress = progressOf(index);
  if (progress.holding) return;
  const bps = enabled(dbg);
  const last = lastCompleteStep(index, ended);
  if (bps.length === 0) {
    progress.evaluated = last;
    return;
  }
  const result = nextHit(index, progress.evaluated, bps, last + 1);
  dbg.getState().appendLog(result.logs);
  if (result.stepIdx === null) {
    progress.evaluated = last;
    return;
  }
  progress.evaluated = result.stepIdx;
  progress.holding = true;
  stopAt(app, dbg, result.stepIdx, result.hits);
  // Also when the state still reads 'paused': a resume may be on its way, and pausing a paused run is harmless.
  if (s.runState !== 'ended' && s.runState !== 'idle') pauseSoon(app);
}

/** Where "the next step" starts counting from: a cursor inside a step has not finished that step yet. */
function forwardFrom(index: TraceIndex, c: C.Cursor): number {
  if (c.stepIdx < 0) return -1;
  return C.isAtCommit(index, c) ? c.stepIdx : c.stepIdx - 1;
}

/**
 * F8 with breakpoints enabled. Returns false when there are none, so the caller keeps F8's plain
 * meaning (play / pause / resume).
 */
export function continueToNextHit(app: AppStore = appStore, dbg: DebugStoreApi = debugStore): boolean {
  const bps = enabled(dbg);
  if (bps.length === 0) return false;
  const s = app.getState();
  if (s.runState === 'running') {
    void pauseLiveRun(app);
    return true;
  }
  if (s.runState === 'starting') return true;
  if (s.runState === 'paused' && s.source.kind === 'live') {
    const progress = progressOf(s.trace);
    const last = lastCompleteStep(s.trace, false);
    const result = nextHit(s.trace, progress.evaluated, bps, last + 1);
    dbg.getState().appendLog(result.logs);
    if (result.stepIdx !== null) {
      progress.evaluated = result.stepIdx;
      progress.holding = true;
      stopAt(app, dbg, result.stepIdx, result.hits);
      return true;
    }
    progress.evaluated = last;
    progress.holding = false;
    dbg.getState().setLastStop(null);
    s.setCursor(C.last(s.trace));
    void (lockstep.has(s.trace) ? stepLiveRun(app) : resumeLiveRun(app));
    return true;
  }
  if (s.trace.steps.length === 0) return true;
  const result = nextHit(s.trace, forwardFrom(s.trace, s.cursor), bps);
  dbg.getState().appendLog(result.logs);
  if (result.stepIdx !== null) stopAt(app, dbg, result.stepIdx, result.hits);
  else {
    s.setPlaying(false);
    s.move('last');
    dbg.getState().setLastStop(null);
    s.showToast('info', `No breakpoint holds after the cursor: continued to the last step.${whyNone(s.trace, bps)}`);
  }
  return true;
}

/** When no enabled breakpoint can hold on this trace's method at all, the reasons (so F8 is not a mystery). */
function whyNone(index: TraceIndex, bps: Breakpoint[]): string {
  const reasons = bps.map((b) => unsupportedReason(index, b.condition));
  return reasons.every((r) => r !== null) ? `\n${[...new Set(reasons)].join('\n')}` : '';
}

/** Shift+F8: back to the closest earlier step where a breakpoint holds (the first step when none does). */
export function continueToPrevHit(app: AppStore = appStore, dbg: DebugStoreApi = debugStore): boolean {
  const bps = enabled(dbg);
  const s = app.getState();
  if (bps.length === 0) {
    s.showToast('info', 'Reverse continue (Shift+F8) goes back to the previous breakpoint hit; no breakpoint is enabled.');
    return false;
  }
  if (s.trace.steps.length === 0) return true;
  const result = prevHit(s.trace, Math.max(0, s.cursor.stepIdx), bps);
  if (result.stepIdx !== null) stopAt(app, dbg, result.stepIdx, result.hits);
  else {
    s.setPlaying(false);
    s.move('first');
    app.setState({ follow: false });
    dbg.getState().setLastStop(null);
    s.showToast('info', 'No breakpoint holds before the cursor: back at the first step.');
  }
  return true;
}

/** The hits at one step (for the panel's "stopped at" line and tests). */
export function hitsAt(index: TraceIndex, stepIdx: number, dbg: DebugStoreApi = debugStore): Hit[] {
  return evaluateStep(index, stepIdx, enabled(dbg)).filter(isStop);
}

/**
 * Wires the debugger to the app: live records are evaluated as they arrive; a new trace clears the log
 * and the last stop; resuming a run by any means releases a hold. Returns the undo.
 */
export function attachDebugger(app: AppStore = appStore, dbg: DebugStoreApi = debugStore): () => void {
  const offLive = onLiveRecords((store, index, ended) => {
    if (store === app) evaluateLiveSteps(app, dbg, index, ended);
  });
  const offBefore = onBeforeLiveRun((request, index) => {
    if (request.startPaused || !enabled(dbg).some((b) => !b.log)) return request;
    lockstep.add(index);
    return { ...request, startPaused: true };
  });
  const offApp = app.subscribe((s, prev) => {
    // Lock-step: the engine paused after a step that held no stop, so ask for the next one.
    if (s.runState === 'paused' && prev.runState !== 'paused' && s.runId && lockstep.has(s.trace) && !progressOf(s.trace).holding) {
      void stepLiveRun(app);
    }
    if (s.trace !== prev.trace) {
      dbg.getState().clearLog();
      dbg.getState().setLastStop(null);
    }
    if (s.runState === 'running' && prev.runState !== 'running' && s.source.kind === 'live') {
      const p = liveProgress.get(s.trace);
      if (p) p.holding = false;
    }
  });
  return () => {
    offBefore();
    offLive();
    offApp();
  };
}
