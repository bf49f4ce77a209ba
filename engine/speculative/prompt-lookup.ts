/**
 * Drafts that cost no model call: prompt lookup decoding and an adaptive n-gram table (decoding-algorithms §4.3).
 *
 * Prompt lookup (HF `PromptLookupCandidateGenerator`): for n from maxNgram down to minNgram, take the last n
 * tokens as a pattern, scan the context left to right (earliest match first) and propose the tokens that
 * followed the first match that has a non-empty continuation, clipped to `numTokens`, then cut at the first EOS.
 * The "original" variant (apoorvumang PLD) only accepts matches that have the full `numTokens` continuation
 * and are not the trailing self-match.
 */

export interface PromptLookupOptions {
  /** Longest n-gram tried (HF default 2; the original PLD uses 3). */
  maxNgram: number;
  /** Shortest n-gram tried (1). */
  minNgram: number;
  /** Tokens proposed after a match (prompt_lookup_num_tokens, 10 typical). */
  numTokens: number;
  variant: 'hf' | 'original';
  eosTokenIds?: readonly number[];
}

export const DEFAULT_PROMPT_LOOKUP: PromptLookupOptions = { maxNgram: 3, minNgram: 1, numTokens: 10, variant: 'hf' };

export interface PromptLookupAttempt {
  ngramSize: number;
  /** The searched pattern: the context's last ngramSize tokens. */
  pattern: number[];
  /** Start positions of every occurrence in the context (the trailing self-occurrence included). */
  matchPositions: number[];
}

export interface PromptLookupResult {
  attempts: PromptLookupAttempt[];
  /** The match used: where the pattern occurred and the proposed span [spanStart, spanEnd) of the context. */
  match: { ngramSize: number; position: number; spanStart: number; spanEnd: number } | null;
  candidates: number[];
  /** True when the candidates were cut at an EOS. */
  truncatedAtEos: boolean;
}

export function promptLookup(context: readonly number[], options: Partial<PromptLookupOptions> = {}): PromptLookupResult {
  const { maxNgram, minNgram, numTokens, variant, eosTokenIds } = { ...DEFAULT_PROMPT_LOOKUP, ...options };
  if (minNgram < 1 || maxNgram < minNgram) throw new Error(`prompt lookup: need 1 <= minNgram <= maxNgram, got ${minNgram}..${maxNgram}`);
  const length = context.length;
  const attempts: PromptLookupAttempt[] = [];
  for (let n = Math.min(maxNgram, length - 1); n >= minNgram; n--) {
    const pattern = context.slice(length - n);
    const matchPositions: number[] = [];
    for (let idx = 0; idx + n <= length; idx++) {
      let same = true;
      for (let j = 0; j < n && same; j++) same = context[idx + j] === pattern[j];
      if (same) matchPositions.push(idx);
    }
    attempts.push({ ngramSize: n, pattern, matchPositions });
    for (const position of matchPositions) {
      const spanStart = position + n;
      let spanEnd: number;
      if (variant === 'hf') {
        spanEnd = Math.min(spanStart + numTokens, length);
        if (spanStart >= spanEnd) continue;
      } else {
        spanEnd = spanStart + numTokens;
        if (spanEnd > length || position >= length - n) continue;
      }
      let candidates = context.slice(spanStart, spanEnd);
      const eosAt = eosTokenIds ? candidates.findIndex((t) => eosTokenIds.includes(t)) : -1;
      if (eosAt >= 0) candidates = candidates.slice(0, eosAt);
      return { attempts, match: { ngramSize: n, position, spanStart, spanEnd }, candidates, truncatedAtEos: eosAt >= 0 };
    }
  }
  return { attempts, match: null, candidates: [], truncatedAtEos: false };
}

/**
 * ADED-style adaptive n-gram table (variant: counts over (n−1)-token contexts, greedy chain by the highest count;
 * no MCTS). Fed with the prompt and then every committed token, so drafts adapt to what the model has produced.
 */
export class NgramTable {
  /** context key → next token → count */
  private readonly counts = new Map<string, Map<number, number>>();
  private history: number[] = [];

  constructor(readonly order = 3) {
    if (!Number.isInteger(order) || order < 2) throw new Error(`n-gram table order must be an integer >= 2, got ${order}`);
  }

  /** Append tokens to the history and count every n-gram they complete. Returns how many counts changed. */
  observe(tokens: readonly number[]): number {
    let updates = 0;
    for (const token of tokens) {
      this.history.push(token);
      const h = this.history.length;
      if (h >= this.order) {
        const key = this.history.slice(h - this.order, h - 1).join(',');
        let row = this.counts.get(key);
        if (!row) this.counts.set(key, (row = new Map()));
        row.set(token, (row.get(token) ?? 0) + 1);
        updates++;
      }
    }
    return updates;
  }

  /** Next-token counts after a context of order−1 tokens, most frequent first (lowest id among ties). */
  continuations(context: readonly number[]): { token: number; count: number }[] {
    const row = this.counts.get(context.slice(context.length - (this.order - 1)).join(','));
    if (!row) return [];
    return [...row.entries()].map(([token, count]) => ({ token, count })).sort((a, b) => b.count - a.count || a.token - b.token);
  }

  /** Greedy chain of up to maxTokens, each step the most frequent continuation; records the count used and the row total. */
  draft(context: readonly number[], maxTokens: number): { tokens: number[]; steps: { token: number; count: number; total: number }[] } {
    const working = [...context];
    const steps: { token: number; count: number; total: number }[] = [];
    for (let i = 0; i < maxTokens; i++) {
      if (working.length < this.order - 1) break;
      const options = this.continuations(working);
      if (options.length === 0) break;
      const total = options.reduce((s, o) => s + o.count, 0);
      steps.push({ token: options[0].token, count: options[0].count, total });
      working.push(options[0].token);
    }
    return { tokens: steps.map((s) => s.token), steps };
  }

  get size(): number {
    return this.counts.size;
  }
}
