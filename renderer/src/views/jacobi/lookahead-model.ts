/**
 * Lookahead decoding, one step at a time: the window levels laid out by absolute position, and the
 * n-gram pool as it stands after the step (rebuilt from every step's insertions and evictions), with
 * this step's insertions marked. Pure, unit-tested.
 */
import type { LookaheadRecord } from '../../../../engine/trace/schema';

export interface PoolEntry {
  ngram: number[];
  /** Inserted or refreshed by the step being shown. */
  touched?: 'added' | 'refreshed';
}

const keyOf = (ngram: readonly number[]) => ngram.join(',');

/** The pool after `upToStep`: key token → its n-grams, most recently used last (as G-limited LRU lists). */
export function poolAfter(records: readonly LookaheadRecord[], upToStep: number): Map<number, PoolEntry[]> {
  const pool = new Map<number, PoolEntry[]>();
  for (const r of records) {
    if (r.step > upToStep) break;
    const current = r.step === upToStep;
    for (const ins of r.poolInsertions) {
      const list = pool.get(ins.key) ?? [];
      for (const ev of ins.evicted ? [ins.evicted] : []) {
        const i = list.findIndex((e) => keyOf(e.ngram) === keyOf(ev));
        if (i >= 0) list.splice(i, 1);
      }
      const i = list.findIndex((e) => keyOf(e.ngram) === keyOf(ins.ngram));
      const prev = i >= 0 ? list.splice(i, 1)[0] : undefined;
      const touched = current ? (prev?.touched === 'added' ? 'added' : ins.action) : undefined;
      list.push({ ngram: ins.ngram, touched });
      pool.set(ins.key, list);
    }
  }
  return pool;
}

export interface WindowLayout {
  /** First absolute position shown. */
  start: number;
  columns: number;
  rows: { label: string; startPosition: number; tokens: number[]; kind: 'level' | 'new' }[];
}

/** Window levels (oldest first) plus the new level the pass produced, aligned on absolute positions. */
export function windowLayout(r: LookaheadRecord): WindowLayout {
  const rows: WindowLayout['rows'] = r.window.map((w) => ({ label: `level ${w.level}`, startPosition: w.startPosition, tokens: w.tokens, kind: 'level' as const }));
  const top = r.window[r.window.length - 1];
  // The pass's picks at the top level predict one position further along.
  const newStart = top ? top.startPosition + 1 : r.last.position + 1;
  rows.push({ label: 'new level', startPosition: newStart, tokens: r.newLevel, kind: 'new' });
  const start = Math.min(r.last.position + 1, ...rows.map((x) => x.startPosition));
  const end = Math.max(...rows.map((x) => x.startPosition + x.tokens.length));
  return { start, columns: Math.max(1, end - start), rows };
}
