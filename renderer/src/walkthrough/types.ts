/**
 * A walkthrough is data: per method family, beat templates per step (and sub-step). Expanding them over
 * a TraceIndex gives concrete beats — a sentence computed from the trace's own numbers, the parts of the
 * views it talks about, and the cursor action it performs. Nothing here draws or touches the store.
 */
import type { Phase, TraceIndex } from '../trace/trace-index';
import type { Selection } from '../store/store';

/** One piece of a sentence: plain words, a token (drawn as a chip), or a number (drawn emphasised). */
export type SentencePart = { kind: 'text'; text: string } | { kind: 'token'; id: number; text: string } | { kind: 'num'; text: string };

export interface Sentence {
  parts: SentencePart[];
  /** The same sentence as plain text (aria label, tests). Tokens appear as their visible labels. */
  text: string;
}

/**
 * A stable identifier of a view part a beat talks about. Views read the active targets and mark the
 * matching parts (data-walk-lit); tests check that each target exists in the trace.
 */
export type WalkTarget =
  | { view: 'token'; outputIndex: number }
  | { view: 'distribution'; distId: string; token: number }
  | { view: 'draw'; distId: string }
  | { view: 'draft-tree'; step: number; node: number }
  | { view: 'jacobi-cell'; blockStart: number; iteration: number; position: number }
  | { view: 'lookahead-window'; step: number; row: 'new' | number }
  | { view: 'lookahead-candidate'; step: number; candidate: number }
  | { view: 'lookahead-pool'; step: number; key: number };

/** Where the app stands after a beat's action: absolute, so going back is re-applying the previous one. */
export interface BeatAction {
  stepIdx: number;
  /** The sub-step by name; falls back to the step's commit when the step has no such phase. */
  phase: Phase;
  /** Main-view tab id (draft-tree, distribution, jacobi-graph, lookahead). */
  tab: string;
  /** What the inspector explains (locked selection), or null. */
  select: Selection | null;
}

export interface Beat {
  /** Unique within an expansion: `${stepIdx}:${template}:${n}`. */
  key: string;
  stepIdx: number;
  sentence: Sentence;
  targets: WalkTarget[];
  action: BeatAction;
}

/** Per-step facts handed to templates. */
export interface StepContext {
  trace: TraceIndex;
  stepIdx: number;
  /** Index among the steps this walkthrough explains in full (the first few get every sub-step). */
  ordinal: number;
}

/**
 * One beat template: `facts` picks what the beat is about (one beat per fact, none = no beat at this
 * step); `say`, `targets` and `select` turn a fact into the beat's sentence, highlights and selection.
 */
export interface BeatTemplate<F = unknown> {
  id: string;
  phase: Phase;
  facts(ctx: StepContext): F[];
  say(fact: F, ctx: StepContext): Sentence;
  targets(fact: F, ctx: StepContext): WalkTarget[];
  select?(fact: F, ctx: StepContext): Selection | null;
}

export interface Walkthrough {
  /** Which walkthrough: sampling, chain-speculative, tree-speculative, jacobi, lookahead. */
  id: string;
  title: string;
  /** Main-view tab the beats show. */
  tab: string;
  /** The beat before the first step (what the method is about), from the header's numbers. */
  intro(trace: TraceIndex): Sentence;
  /** Templates applied to every step, in order. */
  templates: BeatTemplate<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The closing beat, once the run has its footer (or ended). */
  outro(trace: TraceIndex): Sentence;
}
