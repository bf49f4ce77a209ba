/**
 * The debugger's own store: breakpoints (remembered in localStorage), the log output of logpoints and
 * stops, and the last stop. Separate from the app store so the trace views never re-render for it.
 */
import { createStore } from 'zustand/vanilla';
import { useStore as useZustand } from 'zustand';
import { validateBreakpoint, type Breakpoint, type Condition, type LogLine } from './breakpoints';

const STORAGE_KEY = 'decodescope.breakpoints';
/** Enough lines to scroll back through a long run without the log growing without bound. */
export const MAX_LOG_LINES = 500;

export interface LastStop {
  stepIdx: number;
  step: number;
  details: string[];
}

export interface DebugState {
  breakpoints: Breakpoint[];
  log: LogLine[];
  lastStop: LastStop | null;
  /** Where remembered breakpoints could not be read back, and why (shown once in the panel). */
  loadWarning: string | null;
}

export interface DebugActions {
  /** Adds a breakpoint (a logpoint when `log` is given); returns the reason when it is not valid. */
  add(condition: Condition, log?: string): string | null;
  setEnabled(id: string, enabled: boolean): void;
  remove(id: string): void;
  appendLog(lines: readonly LogLine[]): void;
  clearLog(): void;
  setLastStop(stop: LastStop | null): void;
}

export type DebugStore = DebugState & DebugActions;

/** Reads one remembered breakpoint; anything malformed is dropped, never trusted. */
function reviveBreakpoint(raw: unknown): Breakpoint | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const c = r.condition as Record<string, unknown> | undefined;
  if (typeof r.id !== 'string' || !c || typeof c !== 'object' || typeof c.kind !== 'string') return null;
  const num = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : Number.NaN);
  let condition: Condition;
  switch (c.kind) {
    case 'rejection':
      condition = { kind: 'rejection' };
      break;
    case 'accepted-below':
      condition = { kind: 'accepted-below', k: num('k') };
      break;
    case 'entropy-above':
      condition = { kind: 'entropy-above', nats: num('nats') };
      break;
    case 'prob-below':
      condition = { kind: 'prob-below', p: num('p') };
      break;
    case 'step':
      condition = { kind: 'step', step: num('step') };
      break;
    case 'text':
      if (typeof c.pattern !== 'string') return null;
      condition = { kind: 'text', pattern: c.pattern, regex: c.regex === true, ...(typeof c.flags === 'string' ? { flags: c.flags } : {}) };
      break;
    default:
      return null;
  }
  const log = typeof r.log === 'string' ? r.log : undefined;
  if (validateBreakpoint(condition, log) !== null) return null;
  return { id: r.id, enabled: r.enabled !== false, condition, ...(log !== undefined ? { log } : {}) };
}

export function loadBreakpoints(storage: Pick<Storage, 'getItem'> | undefined): { breakpoints: Breakpoint[]; warning: string | null } {
  let text: string | null = null;
  try {
    text = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return { breakpoints: [], warning: null };
  }
  if (text === null) return { breakpoints: [], warning: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { breakpoints: [], warning: `Saved breakpoints (localStorage "${STORAGE_KEY}") were not valid JSON and were ignored.` };
  }
  if (!Array.isArray(parsed)) return { breakpoints: [], warning: `Saved breakpoints (localStorage "${STORAGE_KEY}") were not a list and were ignored.` };
  const seen = new Set<string>();
  const breakpoints: Breakpoint[] = [];
  for (const raw of parsed) {
    const b = reviveBreakpoint(raw);
    if (b && !seen.has(b.id)) {
      seen.add(b.id);
      breakpoints.push(b);
    }
  }
  const dropped = parsed.length - breakpoints.length;
  return { breakpoints, warning: dropped > 0 ? `${dropped} saved breakpoint${dropped === 1 ? '' : 's'} could not be read and ${dropped === 1 ? 'was' : 'were'} dropped.` : null };
}

function save(storage: Pick<Storage, 'setItem'> | undefined, breakpoints: Breakpoint[]): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(breakpoints));
  } catch {
    /* private mode or full storage: breakpoints just aren't remembered */
  }
}

let nextId = 1;
function newId(taken: readonly Breakpoint[]): string {
  let id: string;
  do id = `bp${nextId++}`;
  while (taken.some((b) => b.id === id));
  return id;
}

function defaultStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function createDebugStore(storage: Storage | undefined = defaultStorage()) {
  const initial = loadBreakpoints(storage);
  return createStore<DebugStore>()((set, get) => {
    const setBreakpoints = (breakpoints: Breakpoint[]) => {
      save(storage, breakpoints);
      set({ breakpoints });
    };
    return {
      breakpoints: initial.breakpoints,
      log: [],
      lastStop: null,
      loadWarning: initial.warning,
      add(condition, log) {
        const message = log?.trim() ? log.trim() : undefined;
        const error = validateBreakpoint(condition, message);
        if (error) return error;
        const { breakpoints } = get();
        setBreakpoints([...breakpoints, { id: newId(breakpoints), enabled: true, condition, ...(message ? { log: message } : {}) }]);
        return null;
      },
      setEnabled(id, enabled) {
        setBreakpoints(get().breakpoints.map((b) => (b.id === id ? { ...b, enabled } : b)));
      },
      remove(id) {
        setBreakpoints(get().breakpoints.filter((b) => b.id !== id));
      },
      appendLog(lines) {
        if (lines.length === 0) return;
        const log = [...get().log, ...lines];
        set({ log: log.length > MAX_LOG_LINES ? log.slice(log.length - MAX_LOG_LINES) : log });
      },
      clearLog() {
        set({ log: [] });
      },
      setLastStop(lastStop) {
        set({ lastStop });
      },
    };
  });
}

export type DebugStoreApi = ReturnType<typeof createDebugStore>;

export const debugStore = createDebugStore();

export function useDebug<T>(selector: (s: DebugStore) => T): T {
  return useZustand(debugStore, selector);
}
