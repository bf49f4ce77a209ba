/**
 * Works out a decoder's I/O convention from the session's own input/output metadata (names, dtypes, shapes),
 * never from the file name. Anything we cannot feed or do not understand is an error naming the file and the value.
 */
import { ModelLoadError } from './errors';

export interface ValueInfo {
  name: string;
  type: string;
  /** Numbers for fixed dims, strings for symbolic ones; empty for scalars. */
  shape: readonly (number | string)[];
}

export type KvDtype = 'float32' | 'float16';

export interface LayerKvNames {
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
}

export interface DecoderIo {
  file: string;
  inputIds: string;
  /** '2d': int64 [b, past+s] padding mask (causal built in the graph); '4d': float [b,1,s,past+s], 1 = attend. */
  attentionMask: { name: string; kind: '2d' | '4d'; dtype: string } | null;
  positionIds: string | null;
  useCacheBranch: string | null;
  numLogitsToKeep: string | null;
  layers: LayerKvNames[];
  /** The graph's layer number of each entry of `layers` (0..n−1, except in a layer-skip graph, which has gaps). */
  layerNumbers: number[];
  kvDtype: KvDtype;
  /** From the graph when the dims are fixed numbers; null when symbolic. */
  kvHeads: number | null;
  headDim: number | null;
  logits: string;
  logitsDtype: KvDtype;
  vocabFromGraph: number | null;
  attentions: string[];
  hiddenStates: string[];
  exitLogits: { layer: number; name: string }[];
  medusaLogits: string | null;
  medusaHeads: number | null;
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const PRESENT = /^present\.(\d+)\.(key|value)$/;
const INDEXED = /^(attentions|hidden_states|exit_logits)\.(\d+)$/;

function describe(v: ValueInfo): string {
  return `'${v.name}' (${v.type} [${v.shape.join(', ')}])`;
}

function listNames(vs: readonly ValueInfo[]): string {
  return vs.map((v) => v.name).join(', ');
}

function fixedDim(d: number | string | undefined): number | null {
  return typeof d === 'number' && d > 0 ? d : null;
}

export interface AnalyzeOptions {
  /**
   * Accept past_key_values layer numbers with gaps (a layer-skip drafting graph has KV only for the layers whose
   * attention it runs, under their original numbers). Default: layers must be numbered 0..n−1.
   */
  sparseLayers?: boolean;
}

export function analyzeDecoderIo(file: string, inputs: readonly ValueInfo[], outputs: readonly ValueInfo[], options: AnalyzeOptions = {}): DecoderIo {
  const fail = (msg: string): never => {
    throw new ModelLoadError(`${file}: ${msg}`, file);
  };
  const byName = new Map(inputs.map((v) => [v.name, v]));

  const ids = byName.get('input_ids');
  if (!ids) fail(`no 'input_ids' input, so this is not a decoder this engine can drive (inputs: ${listNames(inputs)})`);
  if (ids!.type !== 'int64' && ids!.type !== 'int32') fail(`input ${describe(ids!)} must be int64`);

  let attentionMask: DecoderIo['attentionMask'] = null;
  let positionIds: string | null = null;
  let useCacheBranch: string | null = null;
  let numLogitsToKeep: string | null = null;
  const past = new Map<number, { key?: string; value?: string }>();
  let kvDtype: KvDtype | null = null;
  let kvHeads: number | null = null;
  let headDim: number | null = null;

  for (const v of inputs) {
    if (v.name === 'input_ids') continue;
    if (v.name === 'attention_mask') {
      if (v.shape.length === 2) {
        if (v.type !== 'int64' && v.type !== 'int32') fail(`input ${describe(v)}: a 2-D attention mask must be int64`);
        attentionMask = { name: v.name, kind: '2d', dtype: v.type };
      } else if (v.shape.length === 4) {
        if (v.type !== 'float32' && v.type !== 'float16') fail(`input ${describe(v)}: a 4-D attention mask must be float32 or float16`);
        attentionMask = { name: v.name, kind: '4d', dtype: v.type };
      } else fail(`input ${describe(v)}: expected a 2-D [batch, past+seq] or 4-D [batch, 1, seq, past+seq] attention mask`);
      continue;
    }
    if (v.name === 'position_ids') {
      if (v.type !== 'int64' && v.type !== 'int32') fail(`input ${describe(v)} must be int64`);
      positionIds = v.name;
      continue;
    }
    if (v.name === 'use_cache_branch') {
      if (v.type !== 'bool') fail(`input ${describe(v)} must be bool [1]`);
      useCacheBranch = v.name;
      continue;
    }
    if (v.name === 'num_logits_to_keep' || v.name === 'logits_to_keep') {
      if (v.type !== 'int64') fail(`input ${describe(v)} must be an int64 scalar`);
      numLogitsToKeep = v.name;
      continue;
    }
    const m = PAST.exec(v.name);
    if (m) {
      if (v.type !== 'float32' && v.type !== 'float16') fail(`input ${describe(v)}: past key/values must be float32 or float16`);
      if (kvDtype && v.type !== kvDtype) fail(`input ${describe(v)}: mixed past dtypes (${kvDtype} and ${v.type})`);
      kvDtype = v.type as KvDtype;
      if (v.shape.length !== 4) fail(`input ${describe(v)}: expected [batch, kv_heads, past_len, head_dim]`);
      kvHeads ??= fixedDim(v.shape[1]);
      headDim ??= fixedDim(v.shape[3]);
      const entry = past.get(Number(m[1])) ?? {};
      entry[m[2] as 'key' | 'value'] = v.name;
      past.set(Number(m[1]), entry);
      continue;
    }
    if (/past|cache|key|value/i.test(v.name)) {
      fail(`unexpected input ${describe(v)}: past key/values must be named past_key_values.{layer}.key / .value (Optimum convention)`);
    }
    fail(`unexpected input ${describe(v)}: this engine knows input_ids, attention_mask, position_ids, past_key_values.*, use_cache_branch, num_logits_to_keep`);
  }

  const outByName = new Map(outputs.map((v) => [v.name, v]));
  const logits = outByName.get('logits');
  if (!logits) fail(`no 'logits' output, so this is not a causal language model decoder (outputs: ${listNames(outputs)})`);
  if (logits!.type !== 'float32' && logits!.type !== 'float16') fail(`output ${describe(logits!)} must be float32 or float16`);
  if (logits!.shape.length !== 3) fail(`output ${describe(logits!)}: expected [batch, seq, vocab]`);

  const present = new Map<number, { key?: string; value?: string }>();
  const attentions: string[] = [];
  const hiddenStates: string[] = [];
  const exitLogits: { layer: number; name: string }[] = [];
  let medusaLogits: string | null = null;
  let medusaHeads: number | null = null;
  for (const v of outputs) {
    const p = PRESENT.exec(v.name);
    if (p) {
      const entry = present.get(Number(p[1])) ?? {};
      entry[p[2] as 'key' | 'value'] = v.name;
      present.set(Number(p[1]), entry);
      continue;
    }
    const x = INDEXED.exec(v.name);
    if (x) {
      const i = Number(x[2]);
      if (x[1] === 'attentions') attentions[i] = v.name;
      else if (x[1] === 'hidden_states') hiddenStates[i] = v.name;
      else exitLogits.push({ layer: i, name: v.name });
      continue;
    }
    if (v.name === 'medusa_logits') {
      medusaLogits = v.name;
      medusaHeads = v.shape.length === 4 ? fixedDim(v.shape[2]) : null;
    }
    // Other outputs are not fetched; they cost nothing.
  }

  if (past.size === 0) fail(`no past_key_values.{layer}.key/value inputs: decoders without a KV cache input are not supported (inputs: ${listNames(inputs)})`);
  const layers: LayerKvNames[] = [];
  const layerNumbers = options.sparseLayers ? [...past.keys()].sort((a, b) => a - b) : Array.from({ length: past.size }, (_, i) => i);
  for (const i of layerNumbers) {
    const pi = past.get(i);
    if (!pi) fail(`past_key_values layers are not numbered 0..${past.size - 1}: layer ${i} is missing`);
    if (!pi!.key) fail(`input past_key_values.${i}.key is missing (past_key_values.${i}.value exists)`);
    if (!pi!.value) fail(`input past_key_values.${i}.value is missing (past_key_values.${i}.key exists)`);
    const po = present.get(i);
    if (!po?.key) fail(`output present.${i}.key is missing: every past_key_values.${i}.key input needs a matching present output`);
    if (!po!.value) fail(`output present.${i}.value is missing: every past_key_values.${i}.value input needs a matching present output`);
    layers.push({ pastKey: pi!.key!, pastValue: pi!.value!, presentKey: po!.key!, presentValue: po!.value! });
  }
  if (present.size !== past.size) fail(`${present.size} present.* layers but ${past.size} past_key_values.* layers`);
  for (let i = 0; i < attentions.length; i++) if (!attentions[i]) fail(`output attentions.${i} is missing (outputs go up to attentions.${attentions.length - 1})`);
  for (let i = 0; i < hiddenStates.length; i++) if (!hiddenStates[i]) fail(`output hidden_states.${i} is missing`);
  if (attentionMask?.kind === '4d' && !positionIds) fail(`a 4-D attention mask needs an explicit position_ids input`);

  exitLogits.sort((a, b) => a.layer - b.layer);
  return {
    file,
    inputIds: 'input_ids',
    attentionMask,
    positionIds,
    useCacheBranch,
    numLogitsToKeep,
    layers,
    layerNumbers,
    kvDtype: kvDtype!,
    kvHeads,
    headDim,
    logits: 'logits',
    logitsDtype: logits!.type as KvDtype,
    vocabFromGraph: fixedDim(logits!.shape[2]),
    attentions,
    hiddenStates,
    exitLogits,
    medusaLogits,
    medusaHeads,
  };
}

/** Optimum naming family, for the manifest. */
export function ioConventionOf(io: DecoderIo): 'optimum' | 'optimum-merged' | 'optimum-no-position-ids' | 'custom' {
  if (io.attentionMask?.kind === '4d') return 'custom';
  if (io.useCacheBranch) return 'optimum-merged';
  if (!io.positionIds) return 'optimum-no-position-ids';
  return 'optimum';
}
