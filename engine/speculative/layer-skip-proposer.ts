/**
 * Draft & Verify drafting: the target with skipped sub-layers (onnx/model_skip.onnx) proposes tokens; its cache at
 * the start of every step is the verified target cache's rows for the layers whose attention it runs (a view: the
 * arrays are shared, never written; each draft call returns new ones). What the drafter appends during the step
 * (KV computed through the reduced stack) is thrown away after verification, as in the reference, where the draft
 * starts each step from `past_key_values` of the full model.
 */
import { KvCache } from '../kv/cache';
import type { LayerSkipGraph } from '../model/layer-skip';
import type { DecoderState } from '../strategies/blocks';
import type { RunContext } from '../strategies/context';
import type { ChainProposal } from './chain-loop';
import { DraftModelProposer } from './draft-model-proposer';

/** The drafter's cache: the target cache's layers `kvLayers`, in that order (layer i of the result = target layer kvLayers[i]). */
export function draftCacheFromTarget(target: KvCache, kvLayers: readonly number[]): KvCache {
  for (const l of kvLayers) if (!(l >= 0 && l < target.layers)) throw new Error(`layer ${l} is not in the target cache (${target.layers} layers)`);
  return new KvCache(
    target.shape,
    target.dtype,
    kvLayers.map((l) => target.keys[l]!),
    kvLayers.map((l) => target.values[l]!),
  );
}

export function describeSkipSets(g: Pick<LayerSkipGraph, 'skipAttention' | 'skipMlp' | 'numLayers'>): string {
  const list = (xs: readonly number[]) => (xs.length ? xs.join(',') : 'none');
  return `skips attention {${list(g.skipAttention)}}, MLP {${g.skipMlp ? list(g.skipMlp) : '?'}} of ${g.numLayers} layers`;
}

export class LayerSkipProposer extends DraftModelProposer {
  constructor(
    ctx: RunContext,
    private readonly graph: LayerSkipGraph,
  ) {
    super(ctx, graph.session, 'early-exit', `layer skip (Draft & Verify): ${describeSkipSets(graph)}`);
  }

  /** Replace the draft cache with the target's kept layers, holding `seq` minus its last token. */
  private adopt(seq: readonly number[], target: DecoderState): void {
    const before = this.state.cache.length;
    this.state.cache = draftCacheFromTarget(target.cache, this.graph.kvLayers);
    this.fed = seq.slice(0, target.cache.length);
    const after = this.state.cache.length;
    this.ctx.emitter.cacheOp('early-exit', after < before ? 'crop' : 'append', before, after);
  }

  afterPrefill(seq: readonly number[], target: DecoderState): void {
    this.adopt(seq, target);
  }

  override afterVerify(seq: readonly number[], _proposal: ChainProposal, _accepted: number, target: DecoderState): void {
    this.adopt(seq, target);
  }
}
