/**
 * The run set: the run the user opened or started, the what-if forks made from it (each a run of its own with a
 * parent link) and traces opened only to compare against. The main views show one of them at a time (the app
 * store's trace); the compare view pairs any two. Opening or starting anything else starts a new set.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { TraceIndex } from '../trace/trace-index';
import type { AppStore, SourceKind } from '../store/store';

export type RunKind = 'original' | 'fork' | 'opened';

export interface ForkMark {
  outputIndex: number;
  tokenId: number;
  originalTokenId: number;
}

export interface RunEntry {
  id: string;
  name: string;
  index: TraceIndex;
  kind: RunKind;
  parentId: string | null;
  fork?: ForkMark;
  /** A live run still decoding, or done (any ended run, file or demo). */
  status: 'running' | 'ended';
  runId: string | null;
  /** How the app store shows it when switched to. */
  sourceKind: Exclude<SourceKind, 'none'>;
}

export interface RunSetState {
  runs: RunEntry[];
  /** The run the main views show. */
  activeId: string | null;
  compareA: string | null;
  compareB: string | null;
}

export interface RunSetActions {
  /** A new original run: the set starts over with it. */
  reset(entry: Omit<RunEntry, 'id' | 'kind' | 'parentId'>): string;
  /** Adds a fork (shown at once) or an opened trace (compared against, not shown). */
  add(entry: Omit<RunEntry, 'id'>): string;
  update(id: string, patch: Partial<Pick<RunEntry, 'status' | 'runId' | 'name'>>): void;
  setActive(id: string | null): void;
  setCompare(a: string | null, b: string | null): void;
  remove(id: string): void;
}

export type RunSetStore = ReturnType<typeof createRunSetStore>;

let nextId = 0;

export function createRunSetStore() {
  return createStore<RunSetState & RunSetActions>()((set, get) => ({
    runs: [],
    activeId: null,
    compareA: null,
    compareB: null,
    reset(entry) {
      const id = `run${++nextId}`;
      set({ runs: [{ ...entry, id, kind: 'original', parentId: null }], activeId: id, compareA: id, compareB: null });
      return id;
    },
    add(entry) {
      const id = `run${++nextId}`;
      const runs = [...get().runs, { ...entry, id }];
      // The newest fork or opened trace becomes B; A stays what it was (the original by default).
      set({ runs, compareA: get().compareA ?? runs[0]?.id ?? null, compareB: id });
      return id;
    },
    update(id, patch) {
      set({ runs: get().runs.map((r) => (r.id === id ? { ...r, ...patch } : r)) });
    },
    setActive(activeId) {
      set({ activeId });
    },
    setCompare(compareA, compareB) {
      set({ compareA, compareB });
    },
    remove(id) {
      const { runs, activeId, compareA, compareB } = get();
      const first = runs[0]?.id ?? null;
      if (id === first) return; // the original stays; opening something else replaces the whole set
      set({
        runs: runs.filter((r) => r.id !== id),
        activeId: activeId === id ? first : activeId,
        compareA: compareA === id ? first : compareA,
        compareB: compareB === id ? null : compareB,
      });
    },
  }));
}

export const runSet = createRunSetStore();

export function useRunSet<T>(selector: (s: RunSetState & RunSetActions) => T): T {
  return useStore(runSet, selector);
}

export function runById(id: string | null, set: RunSetStore = runSet): RunEntry | undefined {
  return id ? set.getState().runs.find((r) => r.id === id) : undefined;
}

/** Forks count from 1 in the order they were made; the label says where and what was forced. */
export function forkLabel(n: number, at: ForkMark, tokenText: string): string {
  return `fork ${n} · #${at.outputIndex} → ${tokenText}`;
}

/**
 * Keeps the set in step with what the app shows: a trace the set does not know (a file, a demo, a new run from
 * the toolbar) starts a new set; one it knows (switching runs) just becomes active. Returns the unsubscribe.
 */
export function attachRunSet(app: AppStore, set: RunSetStore = runSet): () => void {
  const sync = () => {
    const { trace, source, runId, runState } = app.getState();
    if (source.kind === 'none') return;
    const known = set.getState().runs.find((r) => r.index === trace);
    if (known) {
      if (set.getState().activeId !== known.id) set.getState().setActive(known.id);
      return;
    }
    const live = source.kind === 'live';
    const id = set.getState().reset({ name: source.name, index: trace, status: live && runState !== 'ended' ? 'running' : 'ended', runId: live ? runId : null, sourceKind: source.kind });
    if (live) followLiveOriginal(app, set, id);
  };
  sync();
  return app.subscribe((s, prev) => {
    if (s.trace !== prev.trace) sync();
  });
}

/** An original started from the toolbar: note its run id and when it ends (the fork button waits for that). */
function followLiveOriginal(app: AppStore, set: RunSetStore, id: string): void {
  const stop = app.subscribe((s) => {
    const entry = runById(id, set);
    if (!entry || s.trace !== entry.index) return stop();
    if (s.runId && entry.runId !== s.runId) set.getState().update(id, { runId: s.runId });
    if (s.runState === 'ended' || s.runState === 'idle') {
      set.getState().update(id, { status: 'ended' });
      stop();
    }
  });
}

/** Shows a run of the set in the main views, keeping the tab the user is on. */
export function showRun(app: AppStore, id: string, set: RunSetStore = runSet): void {
  const entry = runById(id, set);
  if (!entry) return;
  const { mainTab, trace } = app.getState();
  if (trace === entry.index) return;
  const running = entry.status === 'running';
  app.getState().loadTrace(running ? 'live' : entry.sourceKind === 'live' ? 'trace' : entry.sourceKind, entry.name, entry.index);
  app.getState().setMainTab(mainTab);
  if (running) {
    app.getState().traceGrew();
    app.getState().setRun(entry.runId, 'running');
  } else if (app.getState().runState !== 'idle') {
    app.getState().setRun(null, 'ended');
  }
}
