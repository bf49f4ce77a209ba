/**
 * Starting and steering a live run. Records stream in from the EngineClient and are appended to the
 * run's TraceIndex once per animation frame (a fast model can send hundreds per frame).
 */
import type { EngineClient, RunRequest } from '../../../engine/protocol/messages';
import type { TraceRecord } from '../../../engine/trace/schema';
import { TraceIndex } from '../trace/trace-index';
import type { AppStore } from './store';

let client: EngineClient | null = null;

export function setEngineClient(c: EngineClient): void {
  client = c;
}

export function engineClient(): EngineClient | null {
  return client;
}

/** Called after each batch of live records is indexed, and once more when the run has ended (the debugger's hook). */
export type LiveRecordsListener = (store: AppStore, index: TraceIndex, ended: boolean) => void;
const liveListeners = new Set<LiveRecordsListener>();

export function onLiveRecords(listener: LiveRecordsListener): () => void {
  liveListeners.add(listener);
  return () => void liveListeners.delete(listener);
}

function notifyLive(store: AppStore, index: TraceIndex, ended: boolean): void {
  for (const l of liveListeners) l(store, index, ended);
}

/** May rewrite a run request before it is sent (the debugger starts runs paused to step them to breakpoints). */
export type BeforeLiveRun = (request: RunRequest, index: TraceIndex) => RunRequest;
const beforeRunHooks = new Set<BeforeLiveRun>();

export function onBeforeLiveRun(hook: BeforeLiveRun): () => void {
  beforeRunHooks.add(hook);
  return () => void beforeRunHooks.delete(hook);
}

const schedule: (fn: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (fn) => requestAnimationFrame(() => fn()) : (fn) => setTimeout(fn, 16);

/** Collects records and hands them to the index in one batch per frame. */
export class FrameBatcher {
  private queue: TraceRecord[] = [];
  private scheduled = false;
  constructor(
    private readonly index: TraceIndex,
    private readonly onFlush: () => void,
  ) {}
  push(record: TraceRecord): void {
    this.queue.push(record);
    if (!this.scheduled) {
      this.scheduled = true;
      schedule(() => this.flush());
    }
  }
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.index.append(batch);
    this.onFlush();
  }
}

/** Optional hooks for callers that keep track of several runs (what-if forks, renderer/src/compare). */
export interface LiveRunHooks {
  /** The name the run is shown under (default: method · prompt). */
  label?: string;
  /** Called with the run's index before it is shown, so the caller can claim it. */
  onIndex?(index: TraceIndex): void;
  onStarted?(runId: string): void;
  /** Called however the run ends, also when the engine refuses it or another trace is shown meanwhile. */
  onEnd?(status: 'completed' | 'cancelled' | 'error'): void;
}

export async function startLiveRun(store: AppStore, request: RunRequest, hooks: LiveRunHooks = {}): Promise<void> {
  const s = store.getState();
  if (!client || s.transport === 'offline') {
    s.showToast('error', 'No engine is connected, so runs cannot start here. Traces and demos still open.');
    return;
  }
  if (s.runId) await cancelLiveRun(store);
  const index = new TraceIndex();
  for (const hook of beforeRunHooks) request = hook(request, index);
  const label = hooks.label ?? `${request.method} · ${request.prompt.length > 24 ? request.prompt.slice(0, 24) + '…' : request.prompt}`;
  hooks.onIndex?.(index);
  store.getState().loadTrace('live', label, index);
  store.getState().setRun(null, 'starting');
  const batcher = new FrameBatcher(index, () => {
    if (store.getState().trace === index) store.getState().traceGrew();
    notifyLive(store, index, false);
  });
  try {
    const runId = await client.startRun(request, {
      onRecord: (r) => batcher.push(r),
      onState: (state) => {
        // Records sent before the state change are indexed first, so a 'paused' run shows its last step.
        batcher.flush();
        if (store.getState().trace === index) store.getState().setRun(store.getState().runId, state);
      },
      onEnd: (status, error) => {
        batcher.flush();
        hooks.onEnd?.(status);
        if (store.getState().trace !== index) return;
        store.getState().setRun(null, 'ended');
        notifyLive(store, index, true);
        if (status === 'error') store.getState().showToast('error', `The run failed: ${error ?? 'unknown error'}`);
        else if (status === 'cancelled') store.getState().showToast('info', 'Run cancelled; everything recorded so far is kept.');
      },
    });
    hooks.onStarted?.(runId);
    if (store.getState().trace === index && store.getState().runState === 'starting') store.getState().setRun(runId, request.startPaused ? 'paused' : 'running');
    else if (store.getState().trace === index) store.getState().setRun(runId, store.getState().runState);
  } catch (e) {
    hooks.onEnd?.('error');
    store.getState().setRun(null, 'idle');
    store.getState().showToast('error', `The engine refused the run: ${(e as Error).message}`);
  }
}

async function control(store: AppStore, what: 'pause' | 'resume' | 'step' | 'cancel'): Promise<void> {
  const { runId } = store.getState();
  if (!client || !runId) return;
  try {
    await client[what](runId);
    if (what === 'pause') store.getState().setRun(runId, 'paused');
    if (what === 'resume') store.getState().setRun(runId, 'running');
  } catch (e) {
    store.getState().showToast('error', `${what} failed: ${(e as Error).message}`);
  }
}

export const pauseLiveRun = (store: AppStore) => control(store, 'pause');
export const resumeLiveRun = (store: AppStore) => control(store, 'resume');
export const stepLiveRun = (store: AppStore) => control(store, 'step');
export const cancelLiveRun = (store: AppStore) => control(store, 'cancel');
