/**
 * Cache and mask invariants on the real bundled target (decoding-algorithms §1.3, §3.5.5, §12.1):
 * KV after every commit equals a fresh prefill of the committed text; tree logits at every node equal the logits of
 * running the model sequentially on prefix + path; the tree step's gather keeps exactly the accepted rows.
 */
import { describe, expect, it } from 'vitest';
import { DecoderState, logitsAt } from '../../engine/strategies/blocks';
import type { DecoderSession } from '../../engine/model/decoder-session';
import type { KvCache } from '../../engine/kv/cache';
import { runChainSpeculation } from '../../engine/speculative/chain-loop';
import { DraftModelProposer } from '../../engine/speculative/draft-model-proposer';
import { constantPolicy } from '../../engine/speculative/draft-length';
import { buildTree, treeVerifyInputs, pathTo } from '../../engine/speculative/tree';
import { treeStep } from '../../engine/speculative/tree-step';
import { haveModels, makeContext } from './engine-run';

const asFloat = (d: Float32Array | Uint16Array) => d as Float32Array;

async function freshCache(session: DecoderSession, ids: readonly number[]): Promise<KvCache> {
  const out = await session.forward({ inputIds: [ids], cache: session.emptyCache(1), logits: 'last' });
  return out.cache;
}

async function greedyContinuation(session: DecoderSession, ids: readonly number[], n: number): Promise<number[]> {
  const seq = [...ids];
  for (let i = 0; i < n; i++) {
    const out = await session.forward({ inputIds: [seq], cache: session.emptyCache(1), logits: 'last' });
    const l = logitsAt({ ...out }, 0);
    let best = 0;
    for (let v = 1; v < l.length; v++) if (l[v]! > l[best]!) best = v;
    seq.push(best);
  }
  return seq.slice(ids.length);
}

describe.skipIf(!haveModels)('KV cache after commits', () => {
  it('chain speculative: target cache equals a fresh prefill after every step', async () => {
    const { ctx } = await makeContext('def add(a, b):', { max_new_tokens: 14, do_sample: false });
    const proposer = new DraftModelProposer(ctx, ctx.draft!.primary, 'draft', 'draft');
    let checked = 0;
    await runChainSpeculation(ctx, proposer, constantPolicy(3), {
      async afterStep({ seq, target }) {
        expect(target.cache.length).toBe(seq.length - 1);
        const fresh = await freshCache(ctx.model.primary, seq.slice(0, -1));
        expect(target.cache.maxAbsDiff(fresh, asFloat)).toBeLessThan(1e-4);
        checked++;
      },
    });
    expect(checked).toBeGreaterThan(2);
  }, 600_000);

  for (const mode of ['tree-mask', 'batch-rows'] as const) {
    it(`tree step (${mode}): gathers the accepted path; cache equals a fresh prefill`, async () => {
      const { ctx } = await makeContext('import os\nimport sys', { max_new_tokens: 10, do_sample: false }, false);
      const session = ctx.model.sessionFor({ treeMask: true });
      const target = new DecoderState(ctx, session, 'target');
      const seq = [...ctx.promptIds];
      await target.forward({ inputIds: [seq.slice(0, -1)], purpose: 'prefill', logits: 'last' });
      const greedy = await greedyContinuation(session, seq, 3);
      // The greedy path (nodes 1, 3, 5) with wrong siblings (nodes 0, 2, 4) hanging off it.
      const wrong = (t: number) => (t + 7) % ctx.model.manifest.vocabSize;
      const tree = buildTree([
        { parent: -1, token: wrong(greedy[0]!) },
        { parent: -1, token: greedy[0]! },
        { parent: 1, token: wrong(greedy[1]!) },
        { parent: 1, token: greedy[1]! },
        { parent: 3, token: wrong(greedy[2]!) },
        { parent: 3, token: greedy[2]! },
      ]);
      const step = await treeStep(ctx, target, seq, tree, { mode, draftModel: 'draft', draftSource: 'hand-built', sampledRule: 'recursive-rejection' }, 1);
      expect(step.acceptedPath).toEqual([1, 3, 5]);
      const committed = [...seq, ...step.tokens.map((t) => t.id)];
      expect(committed.slice(seq.length, seq.length + 3)).toEqual(greedy);
      expect(target.cache.length).toBe(committed.length - 1);
      const fresh = await freshCache(session, committed.slice(0, -1));
      expect(target.cache.maxAbsDiff(fresh, asFloat)).toBeLessThan(1e-4);
    }, 600_000);
  }
});

describe.skipIf(!haveModels)('tree attention', () => {
  it('logits at every tree node equal sequential logits on prefix + path (instrumented target)', async () => {
    const { ctx } = await makeContext('class Foo:\n    def __init__(self):', { max_new_tokens: 4, do_sample: false }, false);
    const session = ctx.model.sessionFor({ treeMask: true });
    const prefix = ctx.promptIds.slice(0, -1);
    const root = ctx.promptIds[ctx.promptIds.length - 1]!;
    const tree = buildTree([
      { parent: -1, token: 11 },
      { parent: -1, token: 300 },
      { parent: 0, token: 25 },
      { parent: 0, token: 11 },
      { parent: 1, token: 1000 },
      { parent: 2, token: 42 },
      { parent: 5, token: 7 },
    ]);
    const cache = (await session.forward({ inputIds: [prefix], cache: session.emptyCache(1), logits: 'last' })).cache;
    const inputs = treeVerifyInputs(tree, root, prefix.length);
    const out = await session.forward({ inputIds: [inputs.inputIds], positionIds: [inputs.positionIds], visible: inputs.visible, cache, logits: 'all' });
    let worst = 0;
    for (let f = 0; f <= tree.nodes.length; f++) {
      const path = f === 0 ? [] : pathTo(tree, f - 1).map((n) => tree.nodes[n]!.token);
      const seqOut = await session.forward({ inputIds: [[...prefix, root, ...path]], cache: session.emptyCache(1), logits: 'last' });
      const a = logitsAt(out, 0, f);
      const b = logitsAt(seqOut, 0);
      for (let v = 0; v < a.length; v++) worst = Math.max(worst, Math.abs(a[v]! - b[v]!));
    }
    expect(worst).toBeLessThan(1e-3);
  }, 600_000);
});
