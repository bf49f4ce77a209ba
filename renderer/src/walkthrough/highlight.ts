/**
 * Highlights: the current beat's targets as string keys, so a view marks a part with one lookup. A view
 * asks `useWalkLit(view)` and puts `data-walk-lit` on the parts whose key is in the set, and
 * `data-walk-dim` on its container when the beat talks about something in it (the rest dims subtly).
 */
import { useWalk, currentBeat } from './walk-store';
import type { WalkTarget } from './types';

export function targetKey(t: WalkTarget): string {
  switch (t.view) {
    case 'token':
      return `token:${t.outputIndex}`;
    case 'distribution':
      return `distribution:${t.distId}:${t.token}`;
    case 'draw':
      return `draw:${t.distId}`;
    case 'draft-tree':
      return `draft-tree:${t.step}:${t.node}`;
    case 'jacobi-cell':
      return `jacobi-cell:${t.blockStart}:${t.iteration}:${t.position}`;
    case 'lookahead-window':
      return `lookahead-window:${t.step}:${t.row}`;
    case 'lookahead-candidate':
      return `lookahead-candidate:${t.step}:${t.candidate}`;
    case 'lookahead-pool':
      return `lookahead-pool:${t.step}:${t.key}`;
  }
}

export interface WalkLit {
  /** Some target of the current beat is in this view. */
  any: boolean;
  has(key: string): boolean;
}

const NONE: WalkLit = { any: false, has: () => false };

/** Stable per beat: the selector returns the same string until the beat (or the stage) changes. */
export function useWalkLit(view: WalkTarget['view']): WalkLit {
  const keys = useWalk((s) => {
    const beat = currentBeat(s);
    return beat ? beat.targets.filter((t) => t.view === view).map(targetKey).join('|') : '';
  });
  if (!keys) return NONE;
  const set = new Set(keys.split('|'));
  return { any: true, has: (k) => set.has(k) };
}

/** Props for a highlightable part: `data-walk-lit` when lit. */
export function litAttr(lit: WalkLit, key: string): { 'data-walk-lit'?: 'true' } {
  return lit.has(key) ? { 'data-walk-lit': 'true' } : {};
}
