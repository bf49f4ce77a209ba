/**
 * Lookahead decoding's n-gram pool (Fu et al. 2024; `update_token_map` in hao-ai-lab/LookaheadDecoding),
 * decoding-algorithms §7.3: for each key token, at most G continuations of N−1 tokens, kept in LRU order.
 * Inserting an n-gram that is already present moves it to the most-recent end; inserting into a full key evicts
 * the least recently inserted one. Candidates are returned oldest first, the order the reference verifies them in.
 */

export interface PoolInsertion {
  key: number;
  ngram: number[];
  action: 'added' | 'refreshed';
  /** The n-gram pushed out to make room, when the key was full. */
  evicted?: number[];
}

export class NgramPool {
  private readonly entries = new Map<number, number[][]>();
  private total = 0;

  constructor(
    /** G: continuations kept per key. */
    readonly capacity: number,
    /** N−1: tokens per continuation. */
    readonly ngramLength: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`n-gram pool capacity G must be an integer ≥ 1, got ${capacity}`);
    if (!Number.isInteger(ngramLength) || ngramLength < 1) throw new Error(`n-gram length must be an integer ≥ 1, got ${ngramLength}`);
  }

  insert(key: number, ngram: readonly number[]): PoolInsertion {
    if (ngram.length !== this.ngramLength) throw new Error(`n-gram pool holds continuations of ${this.ngramLength} tokens, got ${ngram.length}`);
    const list = this.entries.get(key) ?? [];
    if (!this.entries.has(key)) this.entries.set(key, list);
    const copy = [...ngram];
    const at = list.findIndex((g) => sameTokens(g, copy));
    if (at >= 0) {
      list.splice(at, 1);
      list.push(copy);
      return { key, ngram: copy, action: 'refreshed' };
    }
    let evicted: number[] | undefined;
    if (list.length >= this.capacity) evicted = list.shift();
    else this.total++;
    list.push(copy);
    return evicted ? { key, ngram: copy, action: 'added', evicted } : { key, ngram: copy, action: 'added' };
  }

  /** Continuations stored for `key`, least recently inserted first (copies). */
  candidates(key: number): number[][] {
    return (this.entries.get(key) ?? []).map((g) => [...g]);
  }

  has(key: number, ngram: readonly number[]): boolean {
    return (this.entries.get(key) ?? []).some((g) => sameTokens(g, ngram));
  }

  /** Number of stored n-grams over all keys. */
  get size(): number {
    return this.total;
  }

  get keyCount(): number {
    return this.entries.size;
  }

  /** Every key with its continuations (copies), for the UI's pool table and for invariant tests. */
  snapshot(): { key: number; ngrams: number[][] }[] {
    return [...this.entries].map(([key, list]) => ({ key, ngrams: list.map((g) => [...g]) }));
  }
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
