/**
 * The walkthrough's own state, beside the app store: which beat, whether its text or also its action
 * is shown, and classroom mode. Space shows a beat's text first, the next Space performs its action
 * (cursor, tab, selection); Backspace goes back one beat, restoring the state that beat left behind.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { appStore, type AppStore, type Selection } from '../store/store';
import type { Cursor } from '../trace/cursor';
import { expandWalkthrough, phaseIndex, pickWalkthrough } from './expand';
import type { Beat, BeatAction, Walkthrough } from './types';

export type BeatStage = 'text' | 'done';

export interface WalkState {
  classroom: boolean;
  active: boolean;
  walk: Walkthrough | null;
  beats: Beat[];
  index: number;
  stage: BeatStage;
  /** Past the last beat: the caption says so; Backspace returns. */
  ended: boolean;
  /** Where the app stood when the walkthrough started (restored by going back before the first beat). */
  start: { cursor: Cursor; mainTab: string | null; locked: Selection | null } | null;
}

export interface WalkActions {
  toggleClassroom(on?: boolean): void;
  begin(): boolean;
  next(): void;
  back(): void;
  /** Jump to the first beat of the next (+1) or previous (−1) step, action performed. */
  jumpStep(dir: 1 | -1): void;
  exit(): void;
  /** The trace grew (live run): extend the beat list, keeping the current beat. */
  refresh(): void;
}

export type WalkStore = WalkState & WalkActions;

function sameAction(a: BeatAction, b: BeatAction | null): boolean {
  return !!b && a.stepIdx === b.stepIdx && a.phase === b.phase && a.tab === b.tab && JSON.stringify(a.select) === JSON.stringify(b.select);
}

export function createWalkStore(app: AppStore = appStore) {
  const apply = (a: BeatAction) => {
    const s = app.getState();
    s.setPlaying(false);
    s.setCursor({ stepIdx: a.stepIdx, phase: phaseIndex(s.trace, a.stepIdx, a.phase) });
    // The main view falls back to its default tab when this one does not apply to the trace.
    s.setMainTab(a.tab);
    s.setStage(null);
    s.lock(a.select);
  };
  const restoreStart = (start: WalkState['start']) => {
    if (!start) return;
    const s = app.getState();
    s.setCursor(start.cursor);
    s.setMainTab(start.mainTab);
    s.lock(start.locked);
  };

  return createStore<WalkStore>()((set, get) => ({
    classroom: false,
    active: false,
    walk: null,
    beats: [],
    index: 0,
    stage: 'text',
    ended: false,
    start: null,

    toggleClassroom(on) {
      set({ classroom: on ?? !get().classroom });
    },
    begin() {
      const s = app.getState();
      const { walk, reason } = pickWalkthrough(s.trace);
      const beats = walk ? expandWalkthrough(s.trace, walk) : [];
      if (!walk || beats.length === 0) {
        s.showToast('info', reason ?? 'Nothing to walk through yet: wait for the first step.');
        return false;
      }
      s.setPlaying(false);
      set({ active: true, walk, beats, index: 0, stage: 'text', ended: false, start: { cursor: s.cursor, mainTab: s.mainTab, locked: s.locked } });
      return true;
    },
    next() {
      const st = get();
      if (!st.active) return;
      if (st.stage === 'text') {
        const beat = st.beats[st.index]!;
        const prev = st.index > 0 ? st.beats[st.index - 1]!.action : null;
        // A beat whose action changes nothing goes straight on: no Space spent on a still picture.
        if (!sameAction(beat.action, prev) || st.index === 0) {
          apply(beat.action);
          set({ stage: 'done' });
          return;
        }
      }
      get().refresh();
      const { index, beats } = get();
      if (index + 1 < beats.length) set({ index: index + 1, stage: 'text' });
      else set({ ended: true, stage: 'done' });
    },
    back() {
      const st = get();
      if (!st.active) return;
      if (st.ended) return set({ ended: false });
      if (st.index === 0) {
        restoreStart(st.start);
        return set({ stage: 'text' });
      }
      const index = st.index - 1;
      apply(st.beats[index]!.action);
      set({ index, stage: 'done' });
    },
    jumpStep(dir) {
      const st = get();
      if (!st.active) return;
      get().refresh();
      const { beats, index } = get();
      const cur = beats[index]?.stepIdx ?? 0;
      const found = dir > 0 ? beats.findIndex((b, i) => i > index && b.stepIdx > cur) : beats.findIndex((b) => b.stepIdx === Math.max(0, cur - 1));
      const target = found >= 0 ? found : dir > 0 ? beats.length - 1 : 0;
      apply(beats[target]!.action);
      set({ index: target, stage: 'done', ended: false });
    },
    exit() {
      set({ active: false, ended: false, beats: [], walk: null, start: null });
    },
    refresh() {
      const st = get();
      if (!st.active || !st.walk) return;
      const beats = expandWalkthrough(app.getState().trace, st.walk);
      if (beats.length === st.beats.length && beats.every((b, i) => b.key === st.beats[i]!.key)) return;
      const key = st.beats[st.index]?.key;
      const index = Math.max(0, beats.findIndex((b) => b.key === key));
      set({ beats, index: Math.min(index, beats.length - 1), ended: st.ended && index >= beats.length - 1 });
    },
  }));
}

export const walkStore = createWalkStore();

export function useWalk<T>(selector: (s: WalkStore) => T): T {
  return useStore(walkStore, selector);
}

/** The beat on screen (null when no walkthrough is active). */
export function currentBeat(s: WalkState): Beat | null {
  return s.active ? (s.beats[s.index] ?? null) : null;
}
