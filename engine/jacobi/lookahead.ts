/**
 * Lookahead decoding (Fu et al. 2024; hao-ai-lab/LookaheadDecoding `jacobi_greedy_search_multilevel`),
 * decoding-algorithms §7.3. Pure logic for the 2-D lookahead window, the pool update and greedy verification;
 * lookahead-layout.ts turns a window into model inputs.
 *
 * Parameters: N (level, n-gram size), W (window), G (guess set size per key). Window levels are Jacobi iterates
 * of future positions: level 0 holds W−1 tokens, levels 1..N−2 hold W tokens each once the window is full. With
 * the last committed token `last` at position p, level 0 column i sits at p+1+i and level ℓ ≥ 1 column i at
 * p+ℓ+i; the top level's outputs are the predictions for positions p+i+N−1 (the "new results").
 *
 * Warm-up (as the reference): level 0 starts with W+N−3 tokens copied at random from the context; each of the
 * first N−2 steps trims every level by one token and adds a new top level from the current top level's
 * outputs, until level 0 has W−1 tokens. Only then are n-grams collected and candidates verified.
 * After a full step the window always moves forward by one (ALWAYS_FWD_ONE): level 0 = level 1 without its first
 * token, level ℓ = level ℓ+1, top = new results — independent of how many tokens were accepted.
 */
import { NgramPool, type PoolInsertion } from './ngram-pool';

export interface LookaheadConfig {
  /** N: n-gram size (LEVEL); at least 3. */
  level: number;
  /** W: window width (WINDOW_SIZE); at least 2. */
  window: number;
  /** G: n-grams kept and verified per key (GUESS_SET_SIZE); at least 1. */
  guessSetSize: number;
}

/** Spec-Bench / README setting. */
export const DEFAULT_LOOKAHEAD: LookaheadConfig = { level: 5, window: 7, guessSetSize: 7 };

export function checkLookaheadConfig(config: LookaheadConfig): void {
  const { level, window, guessSetSize } = config;
  if (!Number.isInteger(level) || level < 3) throw new Error(`lookahead level N must be an integer ≥ 3, got ${level}`);
  if (!Number.isInteger(window) || window < 2) throw new Error(`lookahead window W must be an integer ≥ 2, got ${window}`);
  if (!Number.isInteger(guessSetSize) || guessSetSize < 1) throw new Error(`lookahead guess set size G must be an integer ≥ 1, got ${guessSetSize}`);
}

/** levels[0] is level 0; levels.length − 1 is the current top level. */
export interface LookaheadWindow {
  readonly levels: readonly (readonly number[])[];
}

export interface WindowDraw {
  u: number;
  contextIndex: number;
  tokenId: number;
}

/** Level 0 filled with W+N−3 tokens drawn uniformly from the context (the reference's `copy_from`). */
export function initWindow(config: LookaheadConfig, context: readonly number[], uniform: () => number): { window: LookaheadWindow; draws: WindowDraw[] } {
  checkLookaheadConfig(config);
  if (context.length === 0) throw new Error('lookahead window initialisation needs a non-empty context');
  const draws: WindowDraw[] = [];
  for (let i = 0; i < config.window + config.level - 3; i++) {
    const u = uniform();
    const contextIndex = Math.min(context.length - 1, Math.floor(u * context.length));
    draws.push({ u, contextIndex, tokenId: context[contextIndex]! });
  }
  return { window: { levels: [draws.map((d) => d.tokenId)] }, draws };
}

/** True once levels 0..N−2 exist: from then on every step collects n-grams and verifies candidates. */
export function isWindowFull(window: LookaheadWindow, config: LookaheadConfig): boolean {
  return window.levels.length >= config.level - 1;
}

/** How many outputs the step needs from the top level (one per top-level token). */
export function topLevelWidth(window: LookaheadWindow): number {
  return window.levels[window.levels.length - 1]!.length;
}

export interface WindowUpdate {
  window: LookaheadWindow;
  phase: 'fill' | 'full';
  /** The tokens that became the new top level. */
  newLevel: number[];
  /** Full steps: the n-grams read along the diagonals of the window, with the pool's reaction. */
  insertions: PoolInsertion[];
}

/**
 * Advances the window after a forward pass. `topPicks[i]` is the model's pick at the top level's column i
 * (one per top-level token). `last` is the token that was at position p during the pass (the pool key of column 0).
 */
export function advanceWindow(window: LookaheadWindow, config: LookaheadConfig, topPicks: readonly number[], last: number, pool: NgramPool): WindowUpdate {
  const width = topLevelWidth(window);
  if (topPicks.length !== width) throw new Error(`lookahead step needs ${width} top-level picks, got ${topPicks.length}`);
  const levels = window.levels;
  if (!isWindowFull(window, config)) {
    const trimmed = levels.map((l) => l.slice(1));
    const newLevel = topPicks.slice(topPicks.length - (trimmed[0]!.length + 1));
    return { window: { levels: [...trimmed, newLevel] }, phase: 'fill', newLevel, insertions: [] };
  }
  if (width !== config.window || levels[0]!.length !== config.window - 1) {
    throw new Error(`lookahead window is inconsistent: level 0 has ${levels[0]!.length} tokens and the top level ${width}, expected ${config.window - 1} and ${config.window}`);
  }
  const insertions: PoolInsertion[] = [];
  for (let i = 0; i < config.window; i++) {
    const key = i === 0 ? last : levels[0]![i - 1]!;
    const ngram = [...levels.slice(1).map((l) => l[i]!), topPicks[i]!];
    insertions.push(pool.insert(key, ngram));
  }
  const newLevel = [...topPicks];
  const shifted = [levels[1]!.slice(1), ...levels.slice(2).map((l) => [...l]), newLevel];
  return { window: { levels: shifted }, phase: 'full', newLevel, insertions };
}

export interface CandidateCheck {
  ngram: number[];
  /** Leading guess tokens equal to the model's picks along that candidate. */
  matchLength: number;
}

export interface LookaheadVerification {
  checks: CandidateCheck[];
  /** Index of the candidate whose prefix was accepted, −1 when none matched even its first token. */
  best: number;
  /** Accepted guess tokens (0..N−1). */
  acceptedLength: number;
  /** Tokens this step commits: the first pick plus the accepted guesses' successors (acceptedLength + 1 tokens). */
  committed: number[];
}

/**
 * Greedy verification. `first` is the model's pick at the last committed token (always committed). For candidate
 * c, `guessPicks[c][j]` is the pick at its j-th guess token (context: last + guess[0..j]). Candidate c matches
 * while guess[j] equals [first, ...guessPicks[c]][j]; the longest match wins, the earliest among equals.
 */
export function verifyCandidates(first: number, candidates: readonly (readonly number[])[], guessPicks: readonly (readonly number[])[]): LookaheadVerification {
  if (guessPicks.length !== candidates.length) throw new Error(`lookahead verification: ${candidates.length} candidates but ${guessPicks.length} pick rows`);
  let best = -1;
  let acceptedLength = 0;
  let committed = [first];
  const checks: CandidateCheck[] = candidates.map((guess, c) => {
    const picks = guessPicks[c]!;
    if (picks.length !== guess.length) throw new Error(`lookahead verification: candidate ${c} has ${guess.length} tokens but ${picks.length} picks`);
    const correct = [first, ...picks];
    let match = 0;
    while (match < guess.length && guess[match] === correct[match]) match++;
    if (match > acceptedLength) {
      acceptedLength = match;
      best = c;
      committed = correct.slice(0, match + 1);
    }
    return { ngram: [...guess], matchLength: match };
  });
  return { checks, best, acceptedLength, committed };
}
