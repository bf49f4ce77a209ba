/**
 * startRun: validates a RunRequest, loads the models, emits the header, runs the strategy between pause/cancel
 * checkpoints and ends with a footer carrying the summary. Errors before the header reject `done` (there is no
 * trace yet); later errors end the trace with an `error` footer.
 */
import { randomUUID } from 'node:crypto';
import { RunRequest } from '../protocol/messages';
import type { FooterRecord, RecordedRequest, TraceRecord, TraceModel } from '../trace/schema';
import { TraceEmitter } from '../trace/emitter';
import { loadModel } from '../model/registry';
import type { LoadedModel } from '../model/loader';
import { onnxruntimeVersion, defaultSessionSettings } from '../model/session';
import { getStrategy, listMethods, methodNames, DEFAULT_METHOD } from '../strategies/registry';
import type { RunContext, TensorSink } from '../strategies/context';
import { RecordingRng, ReplayRng, type UniformSource } from '../logits/rng';
import { ControlGate, RunCancelled } from './gate';
import { effectiveParams, processorConfig } from './params';

export type RunState = 'running' | 'paused' | 'done';

export interface RunController {
  runId: string;
  readonly state: RunState;
  pause(): void;
  resume(): void;
  /** Runs one more step, then pauses again. */
  step(): void;
  cancel(): void;
  done: Promise<FooterRecord>;
}

export interface RunOptions {
  onState?(state: 'running' | 'paused'): void;
  /** Entries per top-k list in distribution records (default 20). */
  topk?: number;
  /** Replays these recorded uniform draws instead of drawing from the seed. */
  replayDraws?: readonly number[];
  /**
   * Where request.record.attentions / hiddenStates tensors go (e.g. a SidecarWriter's append); each becomes a
   * `tensor` record. Without it those requests are noted and ignored.
   */
  tensorSink?: TensorSink;
  /** Sidecar file name for the header, when tensors are written to one. */
  sidecarName?: string;
}

/** A request that fails validation; the message names the field. */
export class RunRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRequestError';
  }
}

export function parseRunRequest(input: unknown): RunRequest {
  const r = RunRequest.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.length ? issue.path.join('.') : '(request)';
    throw new RunRequestError(`${path}: ${issue.message}`);
  }
  return r.data;
}

async function traceModel(m: LoadedModel, role: TraceModel['role']): Promise<TraceModel> {
  return { role, id: m.id, path: m.path, files: await m.fileHashes(), manifest: m.manifest };
}

function checkNeeds(needs: readonly string[], m: LoadedModel, method: string): void {
  for (const need of needs) {
    const has =
      need === 'draft' ? true : need === 'medusaHeads' ? (m.manifest.medusaHeads ?? 0) > 0 : need in m.manifest ? Boolean((m.manifest as Record<string, unknown>)[need]) : true;
    if (!has) throw new RunRequestError(`method ${method} needs a model with ${need}; model ${m.id} has none (see its capability manifest)`);
  }
}

/** What the header keeps of the request so the run can be re-decoded (engine/trace/fork.ts). */
function recordedRequest(request: RunRequest, method: string): RecordedRequest {
  return {
    method,
    ...(request.model !== undefined ? { model: request.model } : {}),
    ...(request.draft !== undefined ? { draft: request.draft } : {}),
    ...(request.record ? { record: request.record } : {}),
    ...(request.forced?.length ? { forced: request.forced } : {}),
  };
}

export function startRun(input: RunRequest, onRecord: (r: TraceRecord) => void, options: RunOptions = {}): RunController {
  const request = parseRunRequest(input);
  const methodName = request.method || DEFAULT_METHOD;
  const strategy = getStrategy(methodName);
  if (!strategy) throw new RunRequestError(`method: unknown method '${methodName}' (known: ${methodNames().join(', ')})`);
  // Only an explicit request counts: a generation_config.json with num_beams must not block other methods.
  const beams = request.params.num_beams ?? 1;
  if (beams > 1 && !strategy.description.params?.some((p) => p.name === 'num_beams')) {
    const beamMethods = listMethods().filter((m) => m.params?.some((p) => p.name === 'num_beams')).map((m) => m.name);
    throw new RunRequestError(`params.num_beams: ${beams} beams need a beam method (${beamMethods.join(', ')}); method ${strategy.description.name} decodes one sequence`);
  }
  for (const f of request.forced ?? []) {
    if (f.outputIndex >= request.params.max_new_tokens) throw new RunRequestError(`forced: output index ${f.outputIndex} is beyond params.max_new_tokens (${request.params.max_new_tokens})`);
  }

  const runId = randomUUID();
  let state: RunState = request.startPaused ? 'paused' : 'running';
  let emitter: TraceEmitter | null = null;
  const gate = new ControlGate((s, why) => {
    if (state === 'done') return;
    state = s;
    emitter?.note(s === 'paused' ? 'pause' : 'resume', why === 'step' ? (s === 'paused' ? 'paused after a single step' : 'single step') : `run ${s === 'paused' ? 'paused' : 'resumed'}`);
    options.onState?.(s);
  }, request.startPaused ?? false);

  const done = (async (): Promise<FooterRecord> => {
    const model = await loadModel(request.model ?? 'target');
    const needs = strategy.description.needs;
    checkNeeds(needs, model, strategy.description.name);
    const draft = needs.includes('draft') ? await loadModel(request.draft ?? 'draft') : undefined;
    const params = effectiveParams(request.params, model);
    const processors = processorConfig(params);
    const problem = strategy.validate?.({ params, processors, model });
    if (problem) throw new RunRequestError(problem);
    if (options.tensorSink) {
      if (request.record?.attentions && !model.manifest.attentions) throw new RunRequestError(`record.attentions: model ${model.id} has no attentions.* outputs`);
      if (request.record?.hiddenStates && !model.manifest.hiddenStates) throw new RunRequestError(`record.hiddenStates: model ${model.id} has no hidden_states.* outputs`);
    }

    if (request.record?.logitLens && !model.manifest.exitLogits) throw new RunRequestError(`record.logitLens: model ${model.id} has no exit_logits.* outputs`);
    if (request.record?.attentions && !model.manifest.attentions) throw new RunRequestError(`record.attentions: model ${model.id} has no attentions.* outputs`);

    let promptIds = model.tokenizer.encode(request.prompt);
    if (promptIds.length === 0) {
      if (model.bosTokenId === null) throw new RunRequestError('prompt: empty, and the model has no BOS token to start from');
      promptIds = [model.bosTokenId];
    }
    const models = [await traceModel(model, 'target'), ...(draft ? [await traceModel(draft, 'draft')] : [])];
    const tokenizerHash = (await model.fileHashes()).find((f) => f.name === 'tokenizer.json')?.sha256;

    const em = new TraceEmitter(onRecord, model.tokenizer.display);
    emitter = em;
    const variant = strategy.variant?.({ params, processors });
    em.header({
      method: { name: strategy.description.name, family: strategy.description.family, lossless: strategy.description.lossless, ...(variant ? { variant } : {}) },
      params,
      models,
      tokenizer: {
        ...(tokenizerHash ? { sha256: tokenizerHash } : {}),
        vocabSize: model.tokenizer.display.vocabSize,
        bosTokenId: model.bosTokenId,
        eosTokenIds: params.eos_token_id ?? [],
      },
      prompt: { text: request.prompt, tokenIds: promptIds },
      ...(options.tensorSink && options.sidecarName && (request.record?.attentions || request.record?.hiddenStates) ? { sidecar: options.sidecarName } : {}),
      runtime: { onnxruntime: onnxruntimeVersion(), host: `node ${process.version}`, threads: defaultSessionSettings().intraOpNumThreads },
      request: recordedRequest(request, strategy.description.name),
      ...(request.fork ? { fork: request.fork } : {}),
    });
    if (/\s$/.test(request.prompt)) {
      em.note('prompt', 'the prompt ends in whitespace; small byte-level models often derail on a lone whitespace token. The prompt is used as given.');
    }
    // Without a sidecar, attentions travel as inline `attention` records (engine/internals); hidden states are dropped.
    const wantTensors = Boolean(request.record?.hiddenStates);
    if (wantTensors && !options.tensorSink) {
      em.note('record', 'attentions/hidden states were asked for but this host writes no sidecar; the run records distributions only');
    }

    const onDraw = (u: number, purpose: Parameters<TraceEmitter['rngDraw']>[1]) => em.rngDraw(u, purpose);
    const rng: UniformSource = options.replayDraws ? new ReplayRng(options.replayDraws, onDraw) : new RecordingRng(params.seed!, onDraw);
    const ctx: RunContext = {
      model,
      ...(draft ? { draft } : {}),
      emitter: em,
      params,
      processors,
      rng,
      gate,
      promptIds,
      eos: new Set(params.eos_token_id ?? []),
      forced: new Map((request.forced ?? []).map((f) => [f.outputIndex, f.tokenId])),
      maxNewTokens: params.max_new_tokens,
      record: { attentions: request.record?.attentions ?? false, hiddenStates: request.record?.hiddenStates ?? false, logitLens: request.record?.logitLens ?? false },
      topk: options.topk ?? 20,
      ...(options.tensorSink ? { tensorSink: options.tensorSink } : {}),
    };
    try {
      await strategy.run(ctx);
      return em.footer('completed', em.now());
    } catch (err) {
      if (err instanceof RunCancelled) return em.footer('cancelled', em.now());
      return em.footer('error', em.now(), (err as Error).message ?? String(err));
    }
  })().finally(() => {
    state = 'done';
  });

  return {
    runId,
    get state() {
      return state;
    },
    pause: () => gate.pause(),
    resume: () => gate.resume(),
    step: () => gate.step(),
    cancel: () => gate.cancel(),
    done,
  };
}
