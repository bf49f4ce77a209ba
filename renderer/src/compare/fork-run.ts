/**
 * "Fork here": re-decode the shown run live with another token forced at one output position. The fork joins
 * the run set (its parent stays there) and is shown as it decodes.
 */
import { forkRequest, forkUnsupportedReason, ForkError } from '../../../engine/trace/fork';
import type { AppStore } from '../store/store';
import { startLiveRun } from '../store/live-run';
import { tokenLabel } from '../format/format';
import type { TraceIndex } from '../trace/trace-index';
import { forkLabel, runSet, type RunSetStore } from './run-set';

/** Why the shown run cannot be forked right now, or null. */
export function forkBlocker(app: AppStore, trace: TraceIndex): string | null {
  const s = app.getState();
  const method = forkUnsupportedReason(trace.header);
  if (method) return `Forks are not available here: ${method}.`;
  if (s.transport === 'offline' || s.engineStatus.state !== 'ready') return 'Forks re-decode on the engine, and no engine is connected.';
  if (s.runState === 'running' || s.runState === 'paused' || s.runState === 'starting') return 'Wait for the run to end (or cancel it) before forking.';
  return null;
}

/** The output position a distribution decided (a committed token points at it), or null. */
export function outputIndexOfDist(trace: TraceIndex, distId: string): number | null {
  const t = trace.output.find((o) => o.distId === distId);
  return t ? t.outputIndex : null;
}

export async function startFork(app: AppStore, outputIndex: number, tokenId: number, set: RunSetStore = runSet): Promise<void> {
  const { trace } = app.getState();
  const parent = set.getState().runs.find((r) => r.index === trace);
  const blocker = forkBlocker(app, trace);
  if (blocker || !trace.header || !parent) {
    app.getState().showToast('error', blocker ?? 'There is no run to fork.');
    return;
  }
  let request;
  try {
    request = forkRequest(trace.header, trace.output.map((t) => t.id), { outputIndex, tokenId }, parent.name);
  } catch (e) {
    app.getState().showToast('error', e instanceof ForkError ? e.message : `Could not fork: ${(e as Error).message}`);
    return;
  }
  const entry = trace.tokenText(tokenId);
  const n = set.getState().runs.filter((r) => r.kind === 'fork').length + 1;
  const fork = { outputIndex, tokenId, originalTokenId: trace.output[outputIndex]!.id };
  const name = forkLabel(n, fork, tokenLabel(entry.text, entry.bytes));
  let id = '';
  await startLiveRun(app, request, {
    label: name,
    onIndex: (index) => {
      id = set.getState().add({ name, index, kind: 'fork', parentId: parent.id, fork, status: 'running', runId: null, sourceKind: 'live' });
    },
    onStarted: (runId) => set.getState().update(id, { runId }),
    onEnd: () => set.getState().update(id, { status: 'ended', runId: null }),
  });
}
