/**
 * The one store. Three sources feed it the same way — a live run, an opened trace file, a bundled
 * demo — by handing over a TraceIndex (records processed apart from drawing). The index itself is a
 * mutable object outside React's change tracking; `traceVersion` tells views when it grew.
 * Slices: source, cursor/playback, selection, view settings, engine/run.
 */
import { createStore } from 'zustand/vanilla';
import { useStore as useZustand } from 'zustand';
import type { EngineStatus, MethodDescription, ModelInfo } from '../../../engine/protocol/messages';
import { TraceIndex } from '../trace/trace-index';
import * as C from '../trace/cursor';

export type SourceKind = 'none' | 'demo' | 'trace' | 'live';

export interface SourceInfo {
  kind: SourceKind;
  name: string;
  warnings: string[];
}

export type Selection =
  | { kind: 'token'; outputIndex: number }
  | { kind: 'candidate'; distId: string; tokenId: number }
  /** A draft-tree node of a speculative step (node −1 = root, −2 = the target's own token). */
  | { kind: 'node'; step: number; node: number }
  /** A Jacobi grid cell: block position `position` as guessed after `iteration` (block started at blockStart). */
  | { kind: 'cell'; step: number; blockStart: number; iteration: number; position: number };

export type StageKey = 'raw' | 'processed' | `stage:${number}`;
export type ColorMode = 'source' | 'probability';
export type Theme = 'light' | 'dark';
export type Overlay = null | 'shortcuts' | 'run';
export type RunState = 'idle' | 'starting' | 'running' | 'paused' | 'ended';

export interface Toast {
  kind: 'error' | 'info';
  message: string;
  id: number;
}

export interface AppState {
  // source slice
  source: SourceInfo;
  trace: TraceIndex;
  traceVersion: number;
  // cursor / playback slice
  cursor: C.Cursor;
  /** Keep the cursor on the newest step while a live run grows (off once the user steps back). */
  follow: boolean;
  playing: boolean;
  /** Playback speed in steps per second. */
  speed: number;
  // selection slice (hover previews, click locks; Esc clears)
  hover: Selection | null;
  locked: Selection | null;
  // view slice
  stage: StageKey | null;
  colorMode: ColorMode;
  theme: Theme;
  overlay: Overlay;
  mainTab: string | null;
  toast: Toast | null;
  // engine / run slice
  transport: 'message-port' | 'websocket' | 'offline';
  engineStatus: EngineStatus;
  models: ModelInfo[];
  methods: MethodDescription[];
  runId: string | null;
  runState: RunState;
}

export interface AppActions {
  loadTrace(kind: Exclude<SourceKind, 'none'>, name: string, index: TraceIndex, warnings?: string[]): void;
  /** Records were appended to the current index (live runs: once per animation frame). */
  traceGrew(): void;
  setCursor(c: C.Cursor): void;
  move(how: 'nextToken' | 'prevToken' | 'stepInto' | 'stepOut' | 'stepBackInto' | 'first' | 'last'): void;
  gotoStep(stepIdx: number): void;
  setPlaying(playing: boolean): void;
  setSpeed(speed: number): void;
  setHover(sel: Selection | null): void;
  lock(sel: Selection | null): void;
  setStage(stage: StageKey | null): void;
  setColorMode(mode: ColorMode): void;
  setTheme(theme: Theme): void;
  setOverlay(overlay: Overlay): void;
  setMainTab(tab: string | null): void;
  showToast(kind: Toast['kind'], message: string): void;
  clearToast(): void;
  setEngine(patch: Partial<Pick<AppState, 'transport' | 'engineStatus' | 'models' | 'methods'>>): void;
  setRun(runId: string | null, runState: RunState): void;
}

export type Store = AppState & AppActions;

function initialTheme(): Theme {
  try {
    const saved = globalThis.localStorage?.getItem('decodescope.theme');
    if (saved === 'light' || saved === 'dark') return saved;
    return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

let toastId = 0;

export function createAppStore() {
  return createStore<Store>()((set, get) => ({
    source: { kind: 'none', name: '', warnings: [] },
    trace: new TraceIndex(),
    traceVersion: 0,
    cursor: C.NO_CURSOR,
    follow: true,
    playing: false,
    speed: 8,
    hover: null,
    locked: null,
    stage: null,
    colorMode: 'source',
    theme: initialTheme(),
    overlay: null,
    mainTab: null,
    toast: null,
    transport: 'offline',
    engineStatus: { state: 'connecting' },
    models: [],
    methods: [],
    runId: null,
    runState: 'idle',

    loadTrace(kind, name, index, warnings = []) {
      const live = kind === 'live';
      set({
        source: { kind, name, warnings },
        trace: index,
        traceVersion: index.version,
        // Files and demos open on their last step (the whole output shown); live runs follow the newest.
        cursor: live ? C.NO_CURSOR : C.last(index),
        follow: live,
        playing: false,
        hover: null,
        locked: null,
        stage: null,
        mainTab: null,
      });
    },
    traceGrew() {
      const { trace, follow, cursor } = get();
      set({ traceVersion: trace.version, cursor: follow || cursor.stepIdx < 0 ? C.last(trace) : cursor });
    },
    setCursor(c) {
      const { trace } = get();
      const end = trace.steps.length - 1;
      set({ cursor: c, follow: c.stepIdx >= end && C.isAtCommit(trace, c) });
    },
    move(how) {
      const { trace, cursor } = get();
      const next =
        how === 'first' ? C.first(trace) : how === 'last' ? C.last(trace) : C[how](trace, cursor);
      if (next.stepIdx !== cursor.stepIdx || next.phase !== cursor.phase) get().setCursor(next);
    },
    gotoStep(stepIdx) {
      get().setCursor(C.atCommit(get().trace, stepIdx));
    },
    setPlaying(playing) {
      const { trace, cursor } = get();
      // Play from the start when already at the end, like a media player.
      if (playing && cursor.stepIdx >= trace.steps.length - 1) set({ cursor: C.first(trace), playing, follow: false });
      else set({ playing });
    },
    setSpeed(speed) {
      set({ speed });
    },
    setHover(hover) {
      set({ hover });
    },
    lock(locked) {
      set({ locked, hover: null });
    },
    setStage(stage) {
      set({ stage });
    },
    setColorMode(colorMode) {
      set({ colorMode });
    },
    setTheme(theme) {
      try {
        globalThis.localStorage?.setItem('decodescope.theme', theme);
      } catch {
        /* private mode: the choice just isn't remembered */
      }
      set({ theme });
    },
    setOverlay(overlay) {
      set({ overlay });
    },
    setMainTab(mainTab) {
      set({ mainTab });
    },
    showToast(kind, message) {
      set({ toast: { kind, message, id: ++toastId } });
    },
    clearToast() {
      set({ toast: null });
    },
    setEngine(patch) {
      set(patch);
    },
    setRun(runId, runState) {
      set({ runId, runState });
    },
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The app's store instance. Tests create their own with createAppStore(). */
export const appStore = createAppStore();

export function useApp<T>(selector: (s: Store) => T): T {
  return useZustand(appStore, selector);
}
