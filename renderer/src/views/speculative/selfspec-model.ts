/**
 * What the self-speculative views draw, from a trace's notes (see engine/trace/self-spec-notes.ts):
 *   - the drafter's layer strip — per target layer, whether the drafter runs its attention and its MLP, and
 *     whether the draft KV comes from it (Draft & Verify's 'layer-skip' note, LayerSkip's 'early-exit' note);
 *   - Draft & Verify's per-step series — threshold used, the confidence drafting stopped on, matchness EMA.
 * Pure: no React, no DOM.
 */
import type { TraceIndex } from '../../trace/trace-index';
import { parseDraftVerifyNote, parseEarlyExitNote, parseLayerSkipNote, type DraftVerifyStep, type DrafterLayers } from '../../../../engine/trace/self-spec-notes';

export type SubLayerUse = 'used' | 'skipped' | 'unknown';

export interface LayerRow {
  layer: number;
  attention: SubLayerUse;
  mlp: SubLayerUse;
  /** The drafter's KV for this layer is the target's (verified) cache. */
  kv: boolean;
}

export interface DrafterStrip {
  method: 'layer-skip' | 'early-exit';
  graph: string;
  numLayers: number;
  rows: LayerRow[];
  kvLayers: number[];
  /** One line saying what the drafter is, for the view's caption. */
  summary: string;
}

function findNote(trace: TraceIndex, kind: string): string | undefined {
  for (const e of trace.steps) {
    const n = e.notes.find((r) => r.kind === kind);
    if (n) return n.message;
  }
  return undefined;
}

function rowsOf(d: DrafterLayers): LayerRow[] {
  const attn = new Set(d.skipAttention);
  const mlp = d.skipMlp ? new Set(d.skipMlp) : null;
  const kv = new Set(d.kvLayers);
  return Array.from({ length: d.numLayers }, (_, layer) => ({
    layer,
    attention: attn.has(layer) ? 'skipped' : 'used',
    mlp: mlp === null ? 'unknown' : mlp.has(layer) ? 'skipped' : 'used',
    kv: kv.has(layer),
  }));
}

const listOf = (xs: number[]) => (xs.length ? xs.join(', ') : 'none');

/** The drafter's layer strip, or null when the trace is not a self-speculative run (or its note is unreadable). */
export function drafterStrip(trace: TraceIndex): DrafterStrip | null {
  const skip = findNote(trace, 'layer-skip');
  const skipLayers = skip !== undefined ? parseLayerSkipNote(skip) : null;
  if (skipLayers) {
    return {
      method: 'layer-skip',
      graph: skipLayers.graph,
      numLayers: skipLayers.numLayers,
      rows: rowsOf(skipLayers),
      kvLayers: skipLayers.kvLayers,
      summary: `skip graph: attention skipped in layers ${listOf(skipLayers.skipAttention)}, MLP in ${skipLayers.skipMlp ? listOf(skipLayers.skipMlp) : 'unknown'}`,
    };
  }
  const exit = findNote(trace, 'early-exit');
  const exitLayers = exit !== undefined ? parseEarlyExitNote(exit) : null;
  if (exitLayers) {
    const e = exitLayers.kvLayers.length;
    return {
      method: 'early-exit',
      graph: exitLayers.graph,
      numLayers: exitLayers.numLayers,
      rows: rowsOf(exitLayers),
      kvLayers: exitLayers.kvLayers,
      summary: `early exit after layer ${e - 1}: layers 0..${e - 1} draft, ${e}..${exitLayers.numLayers - 1} are the target's alone`,
    };
  }
  return null;
}

/**
 * Whether drafting stopped on the step's last token: its confidence fell below the threshold, or it did not
 * (drafting then ended at max_step_draft or at the run's token budget; the note does not say which).
 */
export type DraftStop = 'below-threshold' | 'not-by-confidence' | 'nothing-drafted';

export interface DraftVerifyPoint extends Omit<DraftVerifyStep, 'stop'> {
  stepIdx: number;
  step: number;
  stop: DraftStop;
  /** When drafting did not stop on confidence: max_step_draft or the token budget (from the note's stop key, when present). */
  ended?: 'max_step' | 'budget';
}

/** One point per step that recorded a 'draft-verify' note, in step order. */
export function draftVerifySeries(trace: TraceIndex): DraftVerifyPoint[] {
  const out: DraftVerifyPoint[] = [];
  trace.steps.forEach((e, stepIdx) => {
    const note = e.notes.find((n) => n.kind === 'draft-verify');
    const parsed = note ? parseDraftVerifyNote(note.message) : null;
    if (!parsed) return;
    const stop: DraftStop = parsed.confidence === null ? 'nothing-drafted' : parsed.confidence < parsed.thStopDraft ? 'below-threshold' : 'not-by-confidence';
    const { stop: recorded, ...numbers } = parsed;
    out.push({ ...numbers, stepIdx, step: e.step, stop, ...(stop === 'not-by-confidence' && (recorded === 'max_step' || recorded === 'budget') ? { ended: recorded } : {}) });
  });
  return out;
}

/** The point at or before the cursor's step (the threshold in force there), or null before the first. */
export function pointAtCursor(series: DraftVerifyPoint[], stepIdx: number): DraftVerifyPoint | null {
  let found: DraftVerifyPoint | null = null;
  for (const p of series) {
    if (p.stepIdx > stepIdx) break;
    found = p;
  }
  return found;
}

export function hasSelfSpeculation(trace: TraceIndex): boolean {
  if (trace.header?.method.family === 'self-speculative') return true;
  return trace.steps.slice(0, 2).some((e) => e.notes.some((n) => n.kind === 'layer-skip' || n.kind === 'early-exit'));
}
