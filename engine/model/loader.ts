/**
 * Loads a Hugging Face-layout model folder: tokenizer, configs, the primary ONNX decoder (and its instrumented
 * variant when present), checks them against each other with a one-token test call, and builds the manifest.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CapabilityManifest } from '../trace/schema';
import { ModelLoadError } from './errors';
import { readJsonFile } from './json-file';
import { loadTokenizer, type LoadedTokenizer } from './tokenizer';
import { findPrimaryOnnx, findInstrumentedOnnx, externalDataFiles } from './files';
import { openOnnxSession, defaultSessionSettings, type SessionSettings } from './session';
import { analyzeDecoderIo, type AnalyzeOptions, type ValueInfo } from './io';
import { DecoderSession } from './decoder-session';
import { buildManifest } from './manifest';
import { configLayers, configHeads, configKvHeads, configHeadDim, configHidden, firstNumber, tokenIdList, type JsonObject } from './config';

export interface ModelFileInfo {
  name: string;
  bytes: number;
}

export interface LoadedModel {
  id: string;
  /** Absolute folder path. */
  path: string;
  bundled: boolean;
  description?: string;
  config?: JsonObject;
  generationConfig?: JsonObject;
  tokenizer: LoadedTokenizer;
  primary: DecoderSession;
  instrumented: DecoderSession | null;
  manifest: CapabilityManifest;
  eosTokenIds: number[];
  bosTokenId: number | null;
  files: ModelFileInfo[];
  /** sha256 of every file, computed once on first use. */
  fileHashes(): Promise<{ name: string; sha256: string; bytes: number }[]>;
  /** The session that can serve these needs: the primary when it suffices, else the instrumented variant. */
  sessionFor(needs?: { treeMask?: boolean; attentions?: boolean; hiddenStates?: boolean; exitLogits?: boolean; medusa?: boolean }): DecoderSession;
}

export interface LoadOptions {
  id?: string;
  bundled?: boolean;
  description?: string;
  settings?: SessionSettings;
}

function sha256File(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });
}

/** Opens one decoder .onnx file of a folder and checks it with a one-token call. Reusable for companion files. */
export async function openDecoderFile(
  dir: string,
  file: string,
  config: JsonObject | undefined,
  settings = defaultSessionSettings(),
  options: AnalyzeOptions = {},
): Promise<DecoderSession> {
  const session = await openOnnxSession(join(dir, file), file, settings);
  const io = analyzeDecoderIo(file, toValueInfos(session.inputMetadata), toValueInfos(session.outputMetadata), options);
  const kvHeads = io.kvHeads ?? configKvHeads(config);
  const headDim = io.headDim ?? configHeadDim(config);
  if (!kvHeads || !headDim) {
    throw new ModelLoadError(
      `${file}: the past_key_values shapes are symbolic and there is no config.json (num_key_value_heads, head_dim) to size the empty cache`,
      file,
    );
  }
  const decoder = new DecoderSession(file, join(dir, file), session, io, kvHeads, headDim);
  return decoder;
}

/** Runs one token through a decoder: proves the feeds work and reports the real vocabulary and extra output sizes. */
async function probe(decoder: DecoderSession, token: number) {
  try {
    const out = await decoder.forward({
      inputIds: [[token]],
      cache: decoder.emptyCache(1),
      logits: 'last',
      extras: { hiddenStates: 'last', medusa: true },
    });
    if (out.cache.length !== 1) throw new Error(`present.* came back with length ${out.cache.length}, expected 1`);
    const hidden = [...out.extras.entries()].find(([n]) => n.startsWith('hidden_states'));
    const medusa = decoder.io.medusaLogits ? out.extras.get(decoder.io.medusaLogits) : undefined;
    return { vocab: out.vocab, hiddenSize: hidden ? hidden[1].dims[hidden[1].dims.length - 1]! : null, medusaHeads: medusa ? medusa.dims[2]! : null };
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    throw new ModelLoadError(`${decoder.file}: a one-token test run failed: ${(err as Error).message.replace(/\s+/g, ' ')}`, decoder.file);
  }
}

/** Accepts a folder, or an .onnx file inside a folder (or inside its onnx/ subfolder). */
function resolveFolder(spec: string): { dir: string; file: string | null } {
  const abs = resolve(spec);
  if (!existsSync(abs)) throw new ModelLoadError(`model folder not found: ${abs}`, abs);
  if (statSync(abs).isDirectory()) return { dir: abs, file: null };
  if (!abs.endsWith('.onnx')) throw new ModelLoadError(`${abs}: expected a model folder or an .onnx file`, abs);
  let dir = dirname(abs);
  let file = basename(abs);
  if (basename(dir) === 'onnx' && !existsSync(join(dir, 'tokenizer.json'))) {
    file = `onnx/${file}`;
    dir = dirname(dir);
  }
  return { dir, file };
}

export async function loadModelFolder(spec: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const { dir, file: explicitFile } = resolveFolder(spec);
  const tokenizer = loadTokenizer(dir);
  const config = readJsonFile(join(dir, 'config.json'), 'config.json', false);
  const generationConfig = readJsonFile(join(dir, 'generation_config.json'), 'generation_config.json', false);

  const file = explicitFile ?? findPrimaryOnnx(dir);
  if (!file) throw new ModelLoadError(`no ONNX decoder found in ${dir} (looked for onnx/model.onnx, model.onnx, onnx/decoder_model_merged.onnx and their _fp16 variants)`, dir);
  const settings = options.settings ?? defaultSessionSettings();
  const instFile = explicitFile ? null : findInstrumentedOnnx(dir);
  // Both sessions are created concurrently (onnxruntime builds them off the JS thread).
  const instrumentedPending = instFile && instFile !== file ? openDecoderFile(dir, instFile, config, settings) : null;
  instrumentedPending?.catch(() => {}); // reported below, after the primary's own errors
  const primary = await openDecoderFile(dir, file, config, settings);

  const probeToken = tokenizer.bosTokenId ?? tokenizer.eosTokenId ?? 0;
  const facts = await probe(primary, probeToken);
  const vocab = facts.vocab;
  if (tokenizer.display.vocabSize > vocab) {
    throw new ModelLoadError(
      `${file}: vocabulary mismatch: tokenizer.json defines ${tokenizer.display.vocabSize} tokens but the model's logits have only ${vocab} entries`,
      file,
    );
  }
  const cfgVocab = firstNumber(config, 'vocab_size');
  if (cfgVocab !== null && cfgVocab !== vocab) {
    throw new ModelLoadError(`config.json: vocab_size is ${cfgVocab} but ${file} produces ${vocab} logits per position`, 'config.json');
  }
  const cfgLayers = configLayers(config);
  if (cfgLayers !== null && cfgLayers !== primary.io.layers.length) {
    throw new ModelLoadError(`config.json: ${cfgLayers} layers (num_hidden_layers) but ${file} has ${primary.io.layers.length} past_key_values layers`, 'config.json');
  }

  let instrumented: DecoderSession | null = null;
  let extraFacts = { hiddenSize: null as number | null, medusaHeads: null as number | null };
  if (instrumentedPending) {
    instrumented = await instrumentedPending;
    extraFacts = await probe(instrumented, probeToken);
  }

  const onnxFiles = [file, ...externalDataFiles(dir, file), ...(instFile && instrumented ? [instFile, ...externalDataFiles(dir, instFile)] : [])];
  const otherFiles = ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'generation_config.json'].filter((f) => existsSync(join(dir, f)));
  const files = [...onnxFiles, ...otherFiles].map((name) => ({ name, bytes: statSync(join(dir, name)).size }));

  const manifest = buildManifest({
    primary,
    instrumented,
    vocabSize: vocab,
    numHeads: configHeads(config),
    hiddenSize: configHidden(config) ?? facts.hiddenSize ?? extraFacts.hiddenSize,
    medusaHeads: extraFacts.medusaHeads ?? facts.medusaHeads,
    externalData: externalDataFiles(dir, file).length > 0,
  });

  const eosTokenIds =
    tokenIdList(generationConfig?.eos_token_id) ?? tokenIdList(config?.eos_token_id) ?? (tokenizer.eosTokenId !== null ? [tokenizer.eosTokenId] : []);
  const bosTokenId = tokenIdList(generationConfig?.bos_token_id)?.[0] ?? tokenIdList(config?.bos_token_id)?.[0] ?? tokenizer.bosTokenId;

  let hashes: Promise<{ name: string; sha256: string; bytes: number }[]> | null = null;
  const model: LoadedModel = {
    id: options.id ?? basename(dir),
    path: dir,
    bundled: options.bundled ?? false,
    ...(options.description ? { description: options.description } : {}),
    ...(config ? { config } : {}),
    ...(generationConfig ? { generationConfig } : {}),
    tokenizer,
    primary,
    instrumented,
    manifest,
    eosTokenIds,
    bosTokenId,
    files,
    fileHashes() {
      hashes ??= Promise.all(files.map(async (f) => ({ name: f.name, bytes: f.bytes, sha256: await sha256File(join(dir, f.name)) })));
      return hashes;
    },
    sessionFor(needs = {}) {
      const fits = (s: DecoderSession) =>
        (!needs.treeMask || s.treeMask) &&
        (!needs.attentions || s.io.attentions.length > 0) &&
        (!needs.hiddenStates || s.io.hiddenStates.length > 0) &&
        (!needs.exitLogits || s.io.exitLogits.length > 0) &&
        (!needs.medusa || s.io.medusaLogits !== null);
      if (fits(primary)) return primary;
      if (instrumented && fits(instrumented)) return instrumented;
      const wanted = Object.entries(needs).filter(([, v]) => v).map(([k]) => k).join(', ');
      throw new ModelLoadError(`model ${basename(dir)} has no ONNX file with ${wanted} (capabilities: ${JSON.stringify(manifest)})`, dir);
    },
  };
  return model;
}

function toValueInfos(meta: readonly unknown[]): ValueInfo[] {
  return meta.map((m) => {
    const v = m as { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };
    return { name: v.name, type: v.isTensor ? (v.type ?? 'unknown') : 'non-tensor', shape: v.shape ?? [] };
  });
}
