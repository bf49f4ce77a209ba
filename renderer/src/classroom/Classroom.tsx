/**
 * Classroom mode and the walkthrough caption. Classroom mode (F5 or Shift+P) switches the window to a
 * presentation layout (large type, high contrast, only the panels the method needs) with the caption
 * bar at the bottom; the caption also floats over the normal layout while a walkthrough runs.
 * Keys while a walkthrough is active (a layer above the global one): Space = text, then action, then
 * the next beat; Backspace = back one beat; PageDown/PageUp = next/previous step; Esc = leave.
 */
import { useEffect } from 'react';
import { appStore } from '../store/store';
import { keyboard } from '../keyboard/keyboard-manager';
import { TokenText } from '../components/TokenText';
import { walkStore, useWalk, currentBeat } from '../walkthrough/walk-store';
import { pickWalkthrough } from '../walkthrough/expand';
import type { Sentence } from '../walkthrough/types';
import './classroom.css';

export function toggleWalkthrough(): void {
  const w = walkStore.getState();
  if (w.active) w.exit();
  else w.begin();
}

function useClassroomKeys() {
  const active = useWalk((s) => s.active);
  useEffect(() => {
    return keyboard.push({
      id: 'classroom',
      priority: 5,
      handlers: {
        F5: () => walkStore.getState().toggleClassroom(),
        'Shift+p': () => walkStore.getState().toggleClassroom(),
        w: toggleWalkthrough,
      },
    });
  }, []);
  useEffect(() => {
    if (!active) return;
    const w = () => walkStore.getState();
    return keyboard.push({
      id: 'walkthrough',
      priority: 50,
      handlers: {
        Space: () => w().next(),
        Backspace: () => w().back(),
        PageDown: () => w().jumpStep(1),
        PageUp: () => w().jumpStep(-1),
        Escape: () => w().exit(),
      },
    });
  }, [active]);
}

/** Keeps the walkthrough in step with the app: a new trace ends it, a growing one extends it. */
function useFollowTrace() {
  useEffect(() => {
    return appStore.subscribe((s, prev) => {
      const w = walkStore.getState();
      if (!w.active) return;
      if (s.trace !== prev.trace) w.exit();
      else if (s.traceVersion !== prev.traceVersion) w.refresh();
    });
  }, []);
}

/** Root flags the layout reads: classroom mode, and a walkthrough running (the caption takes a row). */
function useRootFlag() {
  const classroom = useWalk((s) => s.classroom);
  const active = useWalk((s) => s.active);
  useEffect(() => {
    const root = document.documentElement;
    if (classroom) root.dataset.classroom = 'true';
    else delete root.dataset.classroom;
    if (active) root.dataset.walking = 'true';
    else delete root.dataset.walking;
  }, [classroom, active]);
}

function SentenceView({ sentence }: { sentence: Sentence }) {
  return (
    <>
      {sentence.parts.map((p, i) =>
        p.kind === 'token' ? (
          <span key={i} className="walk-tok mono">
            <TokenText entry={appStore.getState().trace.tokenText(p.id)} />
          </span>
        ) : p.kind === 'num' ? (
          <b key={i} className="walk-num mono">{p.text}</b>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

/** A click leaves no focused button behind: Space must reach the walkthrough, not re-press the button. */
function blurAfter(fn: () => void) {
  return (e: React.MouseEvent<HTMLButtonElement>) => {
    fn();
    e.currentTarget.blur();
  };
}

export function Classroom() {
  useClassroomKeys();
  useFollowTrace();
  useRootFlag();
  const classroom = useWalk((s) => s.classroom);
  const active = useWalk((s) => s.active);
  const walk = useWalk((s) => s.walk);
  const index = useWalk((s) => s.index);
  const total = useWalk((s) => s.beats.length);
  const stage = useWalk((s) => s.stage);
  const ended = useWalk((s) => s.ended);
  const beat = useWalk(currentBeat);
  const w = walkStore.getState();
  if (!active && !classroom) return null;
  if (!active || !beat) {
    const pick = pickWalkthrough(appStore.getState().trace);
    return (
      <div className="walk-caption idle" data-testid="walk-caption" role="region" aria-label="walkthrough">
        <p className="walk-sentence">{pick.walk ? `${pick.walk.title}: press W or Start to walk through this run, one beat at a time.` : pick.reason}</p>
        <div className="walk-controls">
          <button className="btn primary" onClick={blurAfter(() => w.begin())} disabled={!pick.walk} data-testid="walk-start">▶ Start walkthrough</button>
          <button className="btn" onClick={blurAfter(() => w.toggleClassroom(false))} data-testid="classroom-exit">Leave classroom (F5)</button>
        </div>
      </div>
    );
  }
  const step = appStore.getState().trace.steps[beat.stepIdx]?.step;
  return (
    <div className="walk-caption" data-testid="walk-caption" data-stage={stage} data-ended={ended ? 'true' : undefined} role="region" aria-label="walkthrough" aria-live="polite">
      <div className="walk-meta">
        <span className="walk-title">{walk?.title}</span>
        <span data-testid="walk-progress">beat {index + 1} / {total}</span>
        {step !== undefined ? <span>step {step}</span> : null}
      </div>
      <p className="walk-sentence" data-testid="walk-sentence" aria-label={beat.sentence.text}>
        {ended ? 'End of the walkthrough. Backspace goes back; Esc leaves.' : <SentenceView sentence={beat.sentence} />}
      </p>
      <div className="walk-controls">
        <button className="btn" onClick={blurAfter(() => w.back())} disabled={index === 0 && stage === 'text' && !ended} title="Back one beat (Backspace)">◀ Back</button>
        <button className="btn primary" onClick={blurAfter(() => w.next())} disabled={ended} data-testid="walk-next" title="Space">
          {ended ? 'End' : stage === 'text' ? 'Space: show it ▶' : 'Space: next ▶'}
        </button>
        <span className="walk-hint">PgUp / PgDn: step · Esc: leave</span>
        <span className="spacer" />
        <button className="btn" onClick={blurAfter(() => w.exit())} data-testid="walk-exit">Leave walkthrough</button>
        <button className={`btn ${classroom ? 'on' : ''}`} onClick={blurAfter(() => w.toggleClassroom())} title="Classroom mode (F5 or Shift+P)">{classroom ? 'Leave classroom' : 'Classroom'}</button>
      </div>
    </div>
  );
}

/** Toolbar buttons: the walkthrough and classroom mode. */
export function ClassroomButtons() {
  const classroom = useWalk((s) => s.classroom);
  const active = useWalk((s) => s.active);
  return (
    <div className="seg tall" role="group" aria-label="teaching">
      <button className={active ? 'on' : ''} data-testid="walk-toggle" title="Walk through this run, one beat at a time (W)" onClick={blurAfter(toggleWalkthrough)}>Walk</button>
      <button className={classroom ? 'on' : ''} data-testid="classroom-toggle" title="Classroom mode: large type for a projector (F5 or Shift+P)" onClick={blurAfter(() => walkStore.getState().toggleClassroom())}>Class</button>
    </div>
  );
}
