/**
 * The Draft & Verify drafting graph of a model folder: onnx/model_skip.onnx (assets/models/recipe/export_skip.py),
 * the target with some attention and MLP sub-layers skipped. It has past/present KV only for the layers whose
 * attention it runs, under their original layer numbers, so its KV comes straight from the target's cache.
 * config.json decodescope.onnx_variants["model_skip.onnx"] records the skip sets (the MLP set is not visible in
 * the graph's inputs); when present it must agree with the graph.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DecoderSession } from './decoder-session';
import { ModelLoadError } from './errors';
import { openDecoderFile, type LoadedModel } from './loader';

export const LAYER_SKIP_FILE = 'onnx/model_skip.onnx';

export interface LayerSkipGraph {
  session: DecoderSession;
  file: string;
  /** Target layers whose attention the drafter runs, ascending: its KV inputs, in feed order. */
  kvLayers: number[];
  /** Target layers whose attention sub-layer is skipped (the complement of kvLayers). */
  skipAttention: number[];
  /** Target layers whose MLP sub-layer is skipped; null when config.json does not say. */
  skipMlp: number[] | null;
  numLayers: number;
}

export function hasLayerSkipGraph(model: Pick<LoadedModel, 'path'>): boolean {
  return existsSync(join(model.path, LAYER_SKIP_FILE));
}

function recordedVariant(model: LoadedModel): Record<string, unknown> | null {
  const ds = model.config?.decodescope as { onnx_variants?: Record<string, unknown> } | undefined;
  const v = ds?.onnx_variants?.['model_skip.onnx'];
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
}

function layerList(v: unknown, field: string, numLayers: number): number[] {
  const where = `config.json decodescope.onnx_variants["model_skip.onnx"].${field}`;
  if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x) || x < 0 || x >= numLayers)) {
    throw new ModelLoadError(`${where}: expected a list of layer numbers in 0..${numLayers - 1}, got ${JSON.stringify(v)}`, 'config.json');
  }
  return [...(v as number[])].sort((a, b) => a - b);
}

const sessions = new Map<string, Promise<LayerSkipGraph>>();

async function open(model: LoadedModel): Promise<LayerSkipGraph> {
  const file = LAYER_SKIP_FILE;
  const session = await openDecoderFile(model.path, file, model.config, undefined, { sparseLayers: true });
  const numLayers = model.manifest.numLayers;
  const kvLayers = session.io.layerNumbers;
  const outside = kvLayers.filter((l) => l >= numLayers);
  if (outside.length) throw new ModelLoadError(`${file}: past_key_values layers ${outside.join(', ')} do not exist in the ${numLayers}-layer target`, file);
  if (session.kvHeads !== model.manifest.numKvHeads || session.headDim !== model.manifest.headDim) {
    throw new ModelLoadError(
      `${file}: KV is [${session.kvHeads} heads × ${session.headDim}] but the target's is [${model.manifest.numKvHeads} × ${model.manifest.headDim}]: it cannot share the target's cache`,
      file,
    );
  }
  if (session.io.kvDtype !== model.manifest.dtype) throw new ModelLoadError(`${file}: KV dtype ${session.io.kvDtype} differs from the target's ${model.manifest.dtype}`, file);
  const skipAttention = Array.from({ length: numLayers }, (_, l) => l).filter((l) => !kvLayers.includes(l));
  const recorded = recordedVariant(model);
  let skipMlp: number[] | null = null;
  if (recorded) {
    const attn = layerList(recorded.skip_attention, 'skip_attention', numLayers);
    if (attn.join() !== skipAttention.join()) {
      throw new ModelLoadError(
        `config.json decodescope.onnx_variants["model_skip.onnx"].skip_attention is [${attn.join(', ')}] but ${file} runs attention in layers [${kvLayers.join(', ')}]`,
        'config.json',
      );
    }
    skipMlp = layerList(recorded.skip_mlp, 'skip_mlp', numLayers);
  }
  return { session, file, kvLayers, skipAttention, skipMlp, numLayers };
}

/** Opens (once per folder) the layer-skip graph; a folder without one gets an error naming the missing file. */
export function openLayerSkip(model: LoadedModel): Promise<LayerSkipGraph> {
  if (!hasLayerSkipGraph(model)) {
    return Promise.reject(
      new ModelLoadError(
        `model ${model.id}: no layer-skip drafting graph ${LAYER_SKIP_FILE} in ${model.path} (Draft & Verify drafts with it; export one with assets/models/recipe/export_skip.py)`,
        join(model.path, LAYER_SKIP_FILE),
      ),
    );
  }
  let p = sessions.get(model.path);
  if (!p) {
    p = open(model);
    sessions.set(model.path, p);
    p.catch(() => sessions.delete(model.path));
  }
  return p;
}
