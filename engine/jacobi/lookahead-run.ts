/**
 * The decoding loop behind the `lookahead` strategy (decoding-algorithms §7.3), greedy, on the real model.
 *
 * Prefill commits the first token. Each step then, with `last` the last committed token at position p (its KV not
 * cached yet), runs the lookahead branch (the 2-D window) and the verification branch (the pool's n-grams for
 * `last`) and commits the pick at `last` plus the longest verified continuation (≥ 1 token per step).
 *   single pass ('single', models with a 4-D mask input): one forward with the lookahead mask
 *     (lookahead-layout.ts), then the cache keeps `last` and the accepted guesses' KV rows (a gather);
 *   separate passes ('separate', standard exports): the window columns as causal batch rows on the expanded cache,
 *     then — when there are candidates — the guesses as batch rows on the cache extended by `last`; the accepted
 *     row's cache is kept. Both passes count as target forward passes.
 * Only the distributions behind committed tokens are recorded in full; window and candidate picks are summarised
 * in the `lookahead` record.
 */
import type { RunContext } from '../strategies/context';
import { DecoderState, distribution, logitsAt, prefillFirstToken, type FedOutput } from '../strategies/blocks';
import { processLogits } from '../logits/pipeline';
import { advanceWindow, checkLookaheadConfig, DEFAULT_LOOKAHEAD, initWindow, isWindowFull, verifyCandidates, type LookaheadConfig } from './lookahead';
import { separatePassLayout, singlePassLayout } from './lookahead-layout';
import { NgramPool } from './ngram-pool';
import { commitRun, emitLookahead, methodChoice, methodInt, pickCell, quickPick, type CommitToken } from './run-support';

export interface LookaheadSettings {
  config: LookaheadConfig;
  passes: 'auto' | 'single' | 'separate';
}

export function lookaheadSettings(ctx: Pick<RunContext, 'params'>): LookaheadSettings {
  const config: LookaheadConfig = {
    level: methodInt(ctx.params, 'level', DEFAULT_LOOKAHEAD.level, 3, 16),
    window: methodInt(ctx.params, 'window', DEFAULT_LOOKAHEAD.window, 2, 64),
    guessSetSize: methodInt(ctx.params, 'guess', DEFAULT_LOOKAHEAD.guessSetSize, 1, 64),
  };
  checkLookaheadConfig(config);
  return { config, passes: methodChoice(ctx.params, 'passes', ['auto', 'single', 'separate'] as const, 'auto') };
}

/** Whether this run uses the single 4-D-mask pass; throws when 'single' was asked of a model that cannot. */
export function usesSinglePass(ctx: Pick<RunContext, 'params' | 'model'>): boolean {
  const { passes } = lookaheadSettings(ctx);
  if (passes === 'single' && !ctx.model.manifest.treeMask) {
    throw new Error(`params.method.passes: 'single' needs a model with a 4-D attention mask input; model ${ctx.model.id} has none (use 'separate' or 'auto')`);
  }
  return passes === 'single' || (passes === 'auto' && ctx.model.manifest.treeMask);
}

interface StepPicks {
  /** Pick at `last` (committed) with its recorded distribution. */
  first: CommitToken;
  topPicks: number[];
  /** Per candidate: the pick at each of its guess tokens. */
  guessPicks: number[][];
  /** Records the distribution behind the pick at guess j of candidate c (only for committed tokens). */
  recordGuess(c: number, j: number): CommitToken;
  passes: number;
  /** The lookahead-branch model call. */
  callId: number;
  /** Leaves the cache holding `last` plus the first `accepted` guesses of candidate `best`. */
  keep(best: number, accepted: number): void;
}

export async function runLookahead(ctx: RunContext): Promise<void> {
  const { config } = lookaheadSettings(ctx);
  const single = usesSinglePass(ctx);
  const target = new DecoderState(ctx, single ? ctx.model.sessionFor({ treeMask: true }) : ctx.model.primary, 'target');
  const seq = [...ctx.promptIds];

  if ((await prefillFirstToken(ctx, target, seq)).finished) return;

  const pool = new NgramPool(config.guessSetSize, config.level - 1);
  let window = initWindow(config, ctx.promptIds, () => ctx.rng.next('draft')).window;
  for (;;) {
    const generated = seq.length - ctx.promptIds.length;
    const last = seq[seq.length - 1]!;
    const p = seq.length - 1;
    const full = isWindowFull(window, config);
    const candidates = full ? pool.candidates(last) : [];
    const step = single ? await singlePass(target, seq, window, candidates) : await separatePasses(target, seq, window, candidates);
    const verification = verifyCandidates(step.first.id, candidates, step.guessPicks);
    const update = advanceWindow(window, config, step.topPicks, last, pool);
    const tokens = [step.first, ...Array.from({ length: verification.acceptedLength }, (_, j) => step.recordGuess(verification.best, j))];
    step.keep(verification.best, verification.acceptedLength);
    emitLookahead(ctx, {
      callId: step.callId,
      config: { level: config.level, window: config.window, guessSetSize: config.guessSetSize },
      phase: update.phase,
      passes: single ? 'single' : 'separate',
      last: { id: last, position: p },
      window: window.levels.map((tokens, level) => ({ level, startPosition: p + (level === 0 ? 1 : level), tokens: [...tokens] })),
      newLevel: update.newLevel,
      poolInsertions: update.insertions.map((i) => ({ key: i.key, ngram: i.ngram, action: i.action, ...(i.evicted ? { evicted: i.evicted } : {}) })),
      poolSize: pool.size,
      candidates: verification.checks.map((c) => ({ ngram: c.ngram, source: 'pool' as const, matchLength: c.matchLength })),
      verified: { candidate: verification.best, acceptedLength: verification.acceptedLength },
    });
    window = update.window;
    const done = commitRun(ctx, generated, tokens, step.passes);
    seq.push(...tokens.slice(0, done.count).map((t) => t.id));
    if (done.finish) return;
  }

  function processedPick(out: FedOutput, row: number, index: number, seen: readonly number[], outputIndex: number): number {
    const pl = processLogits(logitsAt(out, row, index), seen, ctx.processors);
    return quickPick(ctx, pl.scores, pl.logsumexp, outputIndex);
  }

  function recorded(out: FedOutput, row: number, index: number, seen: readonly number[], outputIndex: number, source: CommitToken['source']): CommitToken {
    const d = distribution(ctx, logitsAt(out, row, index), seen, { callId: out.callId, model: 'target', row, fedIndex: index, position: ctx.promptIds.length + outputIndex });
    return { id: pickCell(ctx, d, outputIndex).tokenId, source, distId: d.distId };
  }

  async function singlePass(state: DecoderState, committed: readonly number[], w: typeof window, cands: number[][]): Promise<StepPicks> {
    const p = committed.length - 1;
    const outIdx = committed.length - ctx.promptIds.length;
    const cached = committed.slice(0, p);
    const layout = singlePassLayout(committed[p]!, p, w, cands);
    const out = await state.forward({ inputIds: [layout.inputIds], positionIds: [layout.positionIds], visible: layout.visible, purpose: 'lookahead', logits: 'all', maskKind: 'lookahead' });
    const seen = (k: number) => [...cached, ...layout.visible[k]!.map((j) => layout.inputIds[j]!)];
    return {
      first: recorded(out, 0, layout.lastIndex, seen(layout.lastIndex), outIdx, 'target'),
      topPicks: layout.topRows.map((k) => processedPick(out, 0, k, seen(k), -1)),
      guessPicks: layout.guessRows.map((rows) => rows.map((k, j) => processedPick(out, 0, k, seen(k), outIdx + 1 + j))),
      recordGuess: (c, j) => recorded(out, 0, layout.guessRows[c]![j]!, seen(layout.guessRows[c]![j]!), outIdx + 1 + j, 'accepted'),
      passes: 1,
      callId: out.callId,
      keep(best, accepted) {
        if (accepted === 0) return state.crop(p + 1);
        const rows = layout.guessRows[best]!.slice(0, accepted);
        state.gather([...Array.from({ length: p + 1 }, (_, i) => i), ...rows.map((k) => p + k)]);
      },
    };
  }

  async function separatePasses(state: DecoderState, committed: readonly number[], w: typeof window, cands: number[][]): Promise<StepPicks> {
    const p = committed.length - 1;
    const outIdx = committed.length - ctx.promptIds.length;
    const cached = committed.slice(0, p);
    const last = committed[p]!;
    const layout = separatePassLayout(last, p, w, cands);
    const rows = layout.windowRows;
    if (rows.length > 1) state.selectRows(rows.map(() => 0), 'expand');
    const out = await state.forward({ inputIds: rows.map((r) => r.inputIds), positionIds: rows.map((r) => r.positionIds), purpose: 'lookahead', logits: 'all' });
    const windowSeen = (r: number, i: number) => [...cached, ...rows[r]!.inputIds.slice(0, i + 1)];
    const first = recorded(out, 0, 0, windowSeen(0, 0), outIdx, 'target');
    const topPicks = layout.topOutputs.map(([r, i]) => processedPick(out, r, i, windowSeen(r, i), -1));
    if (rows.length > 1) state.selectRows([0], 'reorder');
    state.crop(p + 1);
    if (cands.length === 0) {
      const recordGuess = (): CommitToken => {
        throw new Error('lookahead: no candidate was verified this step');
      };
      return { first, topPicks, guessPicks: [], recordGuess, passes: 1, callId: out.callId, keep: () => undefined };
    }
    const guessRows = layout.guessRows;
    if (guessRows.length > 1) state.selectRows(guessRows.map(() => 0), 'expand');
    const vout = await state.forward({ inputIds: guessRows.map((r) => r.inputIds), positionIds: guessRows.map((r) => r.positionIds), purpose: 'verify', logits: 'all' });
    const guessSeen = (c: number, j: number) => [...cached, last, ...guessRows[c]!.inputIds.slice(0, j + 1)];
    return {
      first,
      topPicks,
      guessPicks: guessRows.map((r, c) => r.inputIds.map((_, j) => processedPick(vout, c, j, guessSeen(c, j), outIdx + 1 + j))),
      recordGuess: (c, j) => recorded(vout, c, j, guessSeen(c, j), outIdx + 1 + j, 'accepted'),
      passes: 2,
      callId: out.callId,
      keep(best, accepted) {
        if (guessRows.length > 1) state.selectRows([Math.max(0, best)], 'reorder');
        state.crop(p + 1 + accepted);
      },
    };
  }
}
