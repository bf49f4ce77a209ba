/**
 * Picks the walkthrough for a trace (from the header's method family) and expands its templates over
 * the trace's steps into concrete beats. A growing live run is expanded up to what exists: steps that
 * are complete (committed, and followed by another step or the footer) are cached and never redone.
 */
import type { Phase, TraceIndex } from '../trace/trace-index';
import { samplingWalkthrough } from './sampling';
import { chainWalkthrough } from './chain-speculative';
import { treeWalkthrough } from './tree-speculative';
import { jacobiWalkthrough } from './jacobi';
import { lookaheadWalkthrough } from './lookahead';
import type { Beat, BeatAction, StepContext, Walkthrough } from './types';

export const WALKTHROUGHS: Walkthrough[] = [samplingWalkthrough, chainWalkthrough, treeWalkthrough, jacobiWalkthrough, lookaheadWalkthrough];

/** The walkthrough for a trace, or null (with the reason) when its method has none. */
export function pickWalkthrough(trace: TraceIndex): { walk: Walkthrough | null; reason?: string } {
  const h = trace.header;
  if (!h) return { walk: null, reason: 'No trace is open.' };
  const { family, name } = h.method;
  if (name === 'lookahead' || (trace.counts.get('lookahead') ?? 0) > 0) return { walk: lookaheadWalkthrough };
  if (family === 'jacobi') return { walk: jacobiWalkthrough };
  if (family === 'tree-speculative') return { walk: treeWalkthrough };
  if (family === 'speculative' || family === 'self-speculative') return { walk: chainWalkthrough };
  if (family === 'autoregressive' && !/beam|contrastive/.test(name)) return { walk: samplingWalkthrough };
  return { walk: null, reason: `There is no walkthrough for ${name} yet (walkthroughs: sampling, chain and tree speculative, Jacobi, lookahead).` };
}

function actionFor(walk: Walkthrough, stepIdx: number, phase: Phase, select: BeatAction['select']): BeatAction {
  return { stepIdx, phase, tab: walk.tab, select };
}

/** Beats of one step, template by template, fact by fact. */
export function expandStep(walk: Walkthrough, trace: TraceIndex, stepIdx: number, ordinal: number): Beat[] {
  const ctx: StepContext = { trace, stepIdx, ordinal };
  const beats: Beat[] = [];
  for (const tpl of walk.templates) {
    tpl.facts(ctx).forEach((fact, n) => {
      beats.push({
        key: `${stepIdx}:${tpl.id}:${n}`,
        stepIdx,
        sentence: tpl.say(fact, ctx),
        targets: tpl.targets(fact, ctx),
        action: actionFor(walk, stepIdx, tpl.phase, tpl.select?.(fact, ctx) ?? null),
      });
    });
  }
  return beats;
}

interface Cache {
  walk: Walkthrough;
  done: Beat[][];
}

const cache = new WeakMap<TraceIndex, Cache>();

function complete(trace: TraceIndex, stepIdx: number): boolean {
  return !!trace.steps[stepIdx]?.commit && (stepIdx < trace.steps.length - 1 || !!trace.footer);
}

/** The concrete beats: intro, every step's beats, and the outro once the run has ended. */
export function expandWalkthrough(trace: TraceIndex, walk: Walkthrough): Beat[] {
  let c = cache.get(trace);
  if (!c || c.walk !== walk) {
    c = { walk, done: [] };
    cache.set(trace, c);
  }
  // Jacobi beats read the final output of their block, which a live run only knows once it ended.
  const stable = !!trace.footer || walk.id !== 'jacobi';
  const perStep: Beat[][] = [];
  for (let i = 0; i < trace.steps.length; i++) {
    if (!trace.steps[i]!.commit) break;
    const cached = c.done[i];
    if (cached) {
      perStep.push(cached);
      continue;
    }
    const beats = expandStep(walk, trace, i, i);
    if (stable && complete(trace, i) && c.done.length === i) c.done.push(beats);
    perStep.push(beats);
  }
  if (perStep.length === 0) return [];
  const first = trace.phasesOf(0)[0] ?? 'commit';
  const intro: Beat = { key: 'intro', stepIdx: 0, sentence: walk.intro(trace), targets: [], action: actionFor(walk, 0, first, null) };
  const out = [intro, ...perStep.flat()];
  if (trace.footer) {
    const lastIdx = perStep.length - 1;
    out.push({ key: 'outro', stepIdx: lastIdx, sentence: walk.outro(trace), targets: [], action: actionFor(walk, lastIdx, 'commit', null) });
  }
  return out;
}

/** Resolves a beat action's phase name to the cursor's phase index (the step's commit when absent). */
export function phaseIndex(trace: TraceIndex, stepIdx: number, phase: Phase): number {
  const phases = trace.phasesOf(stepIdx);
  const i = phases.indexOf(phase);
  return i >= 0 ? i : phases.length - 1;
}
