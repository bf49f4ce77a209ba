/**
 * Self-speculative drafting from the target's own first E layers (LayerSkip-style early exit): the exit graph
 * (onnx/model_exit{E}.onnx: layers 0..E−1, final norm, LM head) drafts; the full target verifies. After every
 * verification the drafter's cache is replaced by the target's first E layers (LayerSkip's shared cache: those KV
 * rows are the same computation), so accepted tokens are never re-fed to the drafter.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KvCache } from '../kv/cache';
import { openDecoderFile } from '../model/loader';
import type { LoadedModel } from '../model/loader';
import type { DecoderSession } from '../model/decoder-session';
import type { DecoderState } from '../strategies/blocks';
import type { RunContext } from '../strategies/context';
import type { ChainProposal } from './chain-loop';
import { DraftModelProposer } from './draft-model-proposer';

const exitSessions = new Map<string, Promise<{ session: DecoderSession; exitLayer: number }>>();

/** The early-exit graph of a model folder: config.json decodescope.early_exit_layer, else the onnx/model_exit{E}.onnx present. */
export function openEarlyExit(model: LoadedModel, wantedLayer?: number): Promise<{ session: DecoderSession; exitLayer: number }> {
  const configured = (model.config?.decodescope as { early_exit_layer?: unknown } | undefined)?.early_exit_layer;
  const available = existsSync(join(model.path, 'onnx'))
    ? readdirSync(join(model.path, 'onnx'))
        .map((f) => /^model_exit(\d+)\.onnx$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
    : [];
  const layer = wantedLayer ?? (typeof configured === 'number' ? configured : available[0]);
  if (layer === undefined || !available.includes(layer)) {
    return Promise.reject(new Error(`model ${model.id}: no early-exit graph${layer !== undefined ? ` onnx/model_exit${layer}.onnx` : ''} (found: ${available.map((e) => `model_exit${e}.onnx`).join(', ') || 'none'})`));
  }
  const key = `${model.path}#${layer}`;
  let p = exitSessions.get(key);
  if (!p) {
    p = openDecoderFile(model.path, `onnx/model_exit${layer}.onnx`, model.config).then((session) => ({ session, exitLayer: layer }));
    exitSessions.set(key, p);
    p.catch(() => exitSessions.delete(key));
  }
  return p;
}

export class EarlyExitProposer extends DraftModelProposer {
  constructor(ctx: RunContext, session: DecoderSession, private readonly exitLayer: number) {
    super(ctx, session, 'early-exit', `early exit after layer ${exitLayer} of ${ctx.model.id}`);
  }

  override afterVerify(seq: readonly number[], _proposal: ChainProposal, _accepted: number, target: DecoderState): void {
    const t = target.cache;
    const before = this.state.cache.length;
    this.state.cache = new KvCache(t.shape, t.dtype, t.keys.slice(0, this.exitLayer), t.values.slice(0, this.exitLayer));
    this.fed = seq.slice(0, t.length);
    this.ctx.emitter.cacheOp('early-exit', 'crop', before, this.state.cache.length);
  }
}
