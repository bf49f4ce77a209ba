/**
 * Jacobi fixed-point iteration over a block of guessed tokens (Santilli et al. 2023; the inference loop of CLLM,
 * Kou et al. 2024), decoding-algorithms §7.1–7.2. Pure logic: the caller runs the model and hands in, for every
 * block position, the token the model picks there given the context plus the guesses at earlier positions.
 *
 * Greedy AR output is the solution of y_i = argmax p(· | x, y_<i). One Jacobi iteration replaces every guess at
 * once: y_i^(t+1) = argmax p(· | x, y_<i^(t)). Which tokens are *proven* final after an iteration:
 *   - the first unconverged position is always exact (its context is entirely committed or proven);
 *   - with f = the first position where the new guesses differ from the ones that were fed, every position ≤ f
 *     saw a context identical to the new, proven prefix, so it is final too.
 * So the proven prefix after an iteration is min(block, f + 1) with f counted from the first unproven position;
 * it grows by at least one per iteration, hence at most `block size` iterations per block. The block is done
 * as soon as the whole block is proven — one forward earlier than waiting for y^(t+1) == y^(t) when only the
 * last position changed, and the same result (variant 'proven-prefix', recorded in the trace header).
 *
 * Proven positions are frozen: should the model ever pick a different token at a proven position (a float
 * near-tie flipping between different batch shapes), the proven token is kept and the disagreement reported,
 * so the converged prefix can never shrink.
 */

export type JacobiInitPolicy = 'repeat-last' | 'pad' | 'random-context';

export interface JacobiInitOptions {
  policy: JacobiInitPolicy;
  /** Token used by 'pad'. */
  padTokenId?: number;
  /** The committed sequence so far (prompt + generated): 'repeat-last' repeats its last token, 'random-context' draws from it. */
  context: readonly number[];
  /** Uniform [0, 1) source for 'random-context' (the engine's recorded RNG). */
  uniform?: () => number;
}

export interface InitDraw {
  u: number;
  /** Index into the context the draw selected. */
  contextIndex: number;
  tokenId: number;
}

export interface InitialGuess {
  tokens: number[];
  /** One draw per guess for 'random-context' (CLLM's random.choices over prompt and generated tokens). */
  draws: InitDraw[];
}

/** The iteration-0 guesses for `size` block positions. */
export function initialGuesses(size: number, options: JacobiInitOptions): InitialGuess {
  if (!Number.isInteger(size) || size < 0) throw new Error(`Jacobi block size must be a non-negative integer, got ${size}`);
  const { policy, context } = options;
  if (policy === 'pad') {
    if (options.padTokenId === undefined) throw new Error("Jacobi init policy 'pad' needs padTokenId");
    return { tokens: new Array<number>(size).fill(options.padTokenId), draws: [] };
  }
  if (context.length === 0) throw new Error(`Jacobi init policy '${policy}' needs a non-empty context`);
  if (policy === 'repeat-last') return { tokens: new Array<number>(size).fill(context[context.length - 1]!), draws: [] };
  if (policy === 'random-context') {
    const uniform = options.uniform;
    if (!uniform) throw new Error("Jacobi init policy 'random-context' needs a uniform random source");
    const draws: InitDraw[] = [];
    for (let i = 0; i < size; i++) {
      const u = uniform();
      const contextIndex = Math.min(context.length - 1, Math.floor(u * context.length));
      draws.push({ u, contextIndex, tokenId: context[contextIndex]! });
    }
    return { tokens: draws.map((d) => d.tokenId), draws };
  }
  throw new Error(`unknown Jacobi init policy '${String(policy)}' (expected repeat-last, pad or random-context)`);
}

/** One block under iteration. Block positions are 0..size-1; `offset` of them have already left the block. */
export interface JacobiBlock {
  /** Output index (0 = first generated token) of block position 0. */
  readonly blockStart: number;
  readonly size: number;
  /** Block positions [0, offset) were committed and no longer iterated (KV-reuse variant); 0 for plain Jacobi. */
  readonly offset: number;
  /** Current guesses for block positions offset..size-1. */
  readonly guesses: readonly number[];
  /** Block positions [0, proven) are final. offset ≤ proven ≤ size. */
  readonly proven: number;
  /** Forward passes spent on this block so far. */
  readonly iteration: number;
}

export function startBlock(blockStart: number, guesses: readonly number[]): JacobiBlock {
  if (guesses.length === 0) throw new Error('a Jacobi block needs at least one position');
  return { blockStart, size: guesses.length, offset: 0, guesses: [...guesses], proven: 0, iteration: 0 };
}

export function isBlockDone(block: JacobiBlock): boolean {
  return block.proven >= block.size;
}

export interface JacobiIteration {
  /** 1-based forward-pass count within the block. */
  iteration: number;
  /** Block position of input[0] / output[0]. */
  offset: number;
  /** The guesses that were fed (y^(t)). */
  input: number[];
  /** The new guesses (y^(t+1)), proven positions frozen. */
  output: number[];
  /** Per entry: output differs from input. */
  changed: boolean[];
  /** First entry (relative to offset) at or after the previously proven prefix where output != input; output.length if none. */
  firstDifference: number;
  /** Proven prefix before / after this iteration, in block positions. */
  provenBefore: number;
  provenAfter: number;
  /** Block positions whose model pick disagreed with an already proven token (kept frozen). */
  frozenDisagreements: number[];
  done: boolean;
}

/**
 * Applies one forward pass. `picks[i]` is the model's token for block position offset+i given the committed
 * context and the fed guesses at positions offset..offset+i-1 (so picks[0] depends on committed tokens only).
 */
export function iterate(block: JacobiBlock, picks: readonly number[]): { block: JacobiBlock; result: JacobiIteration } {
  if (isBlockDone(block)) throw new Error('Jacobi block is already converged; start a new block');
  const n = block.guesses.length;
  if (picks.length !== n) throw new Error(`Jacobi iteration needs ${n} picks (one per unconverged block position), got ${picks.length}`);
  const input = [...block.guesses];
  const output = [...picks];
  const frozen = block.proven - block.offset;
  const frozenDisagreements: number[] = [];
  for (let i = 0; i < frozen; i++) {
    if (output[i] !== input[i]) {
      frozenDisagreements.push(block.offset + i);
      output[i] = input[i]!;
    }
  }
  let f = frozen;
  while (f < n && output[f] === input[f]) f++;
  const provenRel = Math.min(n, f + 1);
  const provenAfter = block.offset + provenRel;
  const changed = output.map((t, i) => t !== input[i]);
  const next: JacobiBlock = { ...block, guesses: output, proven: provenAfter, iteration: block.iteration + 1 };
  return {
    block: next,
    result: {
      iteration: next.iteration,
      offset: block.offset,
      input,
      output,
      changed,
      firstDifference: f,
      provenBefore: block.proven,
      provenAfter,
      frozenDisagreements,
      done: provenAfter >= block.size,
    },
  };
}

/** Proven tokens not yet released by `release` (block positions offset..proven-1). */
export function provenTokens(block: JacobiBlock): number[] {
  return block.guesses.slice(0, block.proven - block.offset);
}

/**
 * KV-reuse (CLLM) step after an iteration: the proven tokens leave the block (they are committed and their KV
 * kept); only the unconverged suffix is iterated next. Returns the released tokens and the shrunk block.
 */
export function release(block: JacobiBlock): { tokens: number[]; block: JacobiBlock } {
  const count = block.proven - block.offset;
  return { tokens: block.guesses.slice(0, count), block: { ...block, offset: block.proven, guesses: block.guesses.slice(count) } };
}

/**
 * Runs whole blocks to convergence against a deterministic pick function (tests, and the exact reference the
 * strategies are compared with). `pickAll(context, guesses)` returns the model's pick for every guess position.
 */
export function jacobiDecode(
  prompt: readonly number[],
  maxNewTokens: number,
  blockSize: number,
  pickAll: (context: readonly number[], guesses: readonly number[]) => number[],
  init: Omit<JacobiInitOptions, 'context'>,
  options: { reuse?: boolean; eos?: readonly number[] } = {},
): { tokens: number[]; iterations: JacobiIteration[][]; forwardPasses: number } {
  const out: number[] = [];
  const iterations: JacobiIteration[][] = [];
  let passes = 0;
  while (out.length < maxNewTokens) {
    const size = Math.min(blockSize, maxNewTokens - out.length);
    let block = startBlock(out.length, initialGuesses(size, { ...init, context: [...prompt, ...out] }).tokens);
    const rows: JacobiIteration[] = [];
    while (!isBlockDone(block)) {
      // Reuse mode: released tokens are already in `out`, so the context always is prompt + out.
      const step = iterate(block, pickAll([...prompt, ...out], block.guesses));
      passes++;
      rows.push(step.result);
      block = step.block;
      if (options.reuse) {
        const released = release(block);
        out.push(...released.tokens);
        block = released.block;
      }
    }
    if (!options.reuse) out.push(...block.guesses);
    iterations.push(rows);
    const eosAt = out.findIndex((t) => options.eos?.includes(t));
    if (eosAt >= 0) return { tokens: out.slice(0, eosAt + 1), iterations, forwardPasses: passes };
  }
  return { tokens: out.slice(0, maxNewTokens), iterations, forwardPasses: passes };
}
