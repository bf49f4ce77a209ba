/**
 * The decoding loop behind the `jacobi` and `jacobi_kv` strategies (decoding-algorithms §7.1–7.2), on the real model.
 *
 * Prefill commits the first token as greedy does. Then blocks of n guesses follow the last committed token
 * (`anchor`, whose KV is not cached yet). One iteration is one forward on [anchor, g_0..g_{n−2}] with an ordinary
 * causal mask: the output at fed index i is the pick for block position i (it saw the committed context and
 * g_0..g_{i−1}). Tokens proven final are committed right away (a step = one forward = one commit).
 *   plain (`reuse` false, Santilli): every iteration re-feeds the whole block from the anchor; the cache is cropped
 *     back to the block start until the block converges, then it holds the whole block.
 *   KV reuse (`reuse` true, CLLM): the proven prefix leaves the block; its KV rows (computed from a context that
 *     is now known to be right) stay in the cache and only the unconverged suffix is fed next time.
 */
import type { RunContext } from '../strategies/context';
import { DecoderState, distribution, logitsAt, prefillFirstToken } from '../strategies/blocks';
import { initialGuesses, isBlockDone, iterate, release, startBlock, type JacobiInitPolicy } from './jacobi';
import { commitRun, emitJacobiIter, methodChoice, methodInt, pickCell } from './run-support';

export const JACOBI_INIT_POLICIES: readonly JacobiInitPolicy[] = ['random-context', 'repeat-last', 'pad'];

export interface JacobiSettings {
  block: number;
  init: JacobiInitPolicy;
}

export function jacobiSettings(ctx: Pick<RunContext, 'params'>): JacobiSettings {
  return {
    block: methodInt(ctx.params, 'block', 8, 1, 64),
    init: methodChoice(ctx.params, 'init', JACOBI_INIT_POLICIES, 'random-context'),
  };
}

export async function runJacobi(ctx: RunContext, reuse: boolean): Promise<void> {
  const settings = jacobiSettings(ctx);
  const padTokenId = ctx.model.eosTokenIds[0] ?? ctx.model.bosTokenId ?? 0;
  const target = new DecoderState(ctx, ctx.model.primary, 'target');
  const seq = [...ctx.promptIds];

  if ((await prefillFirstToken(ctx, target, seq)).finished) return;
  let generated = 1;

  for (;;) {
    const size = Math.min(settings.block, ctx.maxNewTokens - generated);
    const blockStart = generated;
    const init = initialGuesses(size, { policy: settings.init, padTokenId, context: seq, uniform: () => ctx.rng.next('draft') });
    emitJacobiIter(ctx, { iteration: 0, blockStart, blockSize: size, offset: 0, tokens: init.tokens, changed: init.tokens.map(() => false), convergedPrefix: 0, init: settings.init });
    let block = startBlock(blockStart, init.tokens);
    // Plain Jacobi re-feeds from here every iteration; the KV-reuse variant moves it forward.
    let context = [...seq];
    let cacheBase = target.cache.length;

    while (!isBlockDone(block)) {
      const anchor = context[context.length - 1]!;
      const fed = [anchor, ...block.guesses.slice(0, block.guesses.length - 1)];
      const out = await target.forward({ inputIds: [fed], purpose: 'jacobi', logits: 'all' });
      const firstPosition = blockStart + block.offset;
      const dists = block.guesses.map((_, i) =>
        distribution(ctx, logitsAt(out, 0, i), [...context, ...fed.slice(1, i + 1)], {
          callId: out.callId,
          model: 'target',
          row: 0,
          fedIndex: i,
          position: ctx.promptIds.length + firstPosition + i,
        }),
      );
      const picks = dists.map((d, i) => pickCell(ctx, d, firstPosition + i));
      const step = iterate(
        block,
        picks.map((p) => p.tokenId),
      );
      const r = step.result;
      block = step.block;
      if (r.frozenDisagreements.length) {
        ctx.emitter.note('jacobi', `the model picked a different token at already proven block position(s) ${r.frozenDisagreements.join(', ')} (a floating-point near-tie); the proven token is kept`);
      }
      const fresh = r.output.slice(r.provenBefore - r.offset, r.provenAfter - r.offset);
      const freshDists = dists.slice(r.provenBefore - r.offset, r.provenAfter - r.offset);
      emitJacobiIter(ctx, {
        iteration: r.iteration,
        blockStart,
        blockSize: size,
        offset: r.offset,
        tokens: r.output,
        changed: r.changed,
        convergedPrefix: r.provenAfter,
        committed: fresh,
        callId: out.callId,
        probs: picks.map((p) => p.prob),
      });

      if (reuse) {
        // KV rows of the anchor and of the fed guesses before the first unproven one were computed from a right context.
        target.crop(cacheBase + fresh.length);
        cacheBase = target.cache.length;
        block = release(block).block;
        context = [...context, ...fresh];
      } else if (!isBlockDone(block)) {
        target.crop(cacheBase);
      }
      const done = commitRun(
        ctx,
        blockStart + r.provenBefore,
        fresh.map((id, i) => ({ id, source: 'target' as const, distId: freshDists[i]!.distId })),
        1,
      );
      seq.push(...fresh.slice(0, done.count));
      if (done.finish) return;
    }
    generated = blockStart + size;
  }
}
