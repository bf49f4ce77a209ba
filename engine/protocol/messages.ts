/**
 * The wire protocol between the UI and the engine host. The same messages travel over a MessagePort
 * (Electron: renderer <-> utilityProcess) and over a WebSocket (web mode: browser <-> `decodescope serve`).
 *
 * Requests carry an `id`; the engine answers each with exactly one `response` (ok or error). A run also
 * streams `record` messages (trace records, in order) tagged with its runId, and ends with `run_end`.
 * Every request is validated here, so a malformed request gets an error naming the field.
 */
import { z } from 'zod';
import { GenerationParams, TraceRecord, CapabilityManifest, ForkInfo } from '../trace/schema';
import type { LosslessProgress, LosslessReport } from '../analysis/lossless-report';

z.config({ jitless: true });

export const PROTOCOL_VERSION = 1;

export const RunRequest = z.object({
  method: z.string().min(1),
  prompt: z.string(),
  params: GenerationParams,
  /** Bundled model id (e.g. "target") or an absolute folder path. Default: the bundled target. */
  model: z.string().optional(),
  /** Draft model for speculative methods. Default: the bundled draft. */
  draft: z.string().optional(),
  /** Opt-in heavy recording (written to the sidecar / sent as tensor records). */
  record: z.object({ attentions: z.boolean().optional(), hiddenStates: z.boolean().optional(), logitLens: z.boolean().optional() }).optional(),
  /** Force these tokens at these output positions (what-if forks). */
  forced: z.array(z.object({ outputIndex: z.number().int().nonnegative(), tokenId: z.number().int().nonnegative() })).optional(),
  /** Pause after every step until `resume` or `step` arrives. */
  startPaused: z.boolean().optional(),
  /** Names the run this one forks (written to the trace header; decoding is steered by `forced` alone). */
  fork: ForkInfo.optional(),
});
export type RunRequest = z.infer<typeof RunRequest>;

/**
 * A lossless check (engine/analysis/lossless-check.ts): run `method` and plain autoregressive decoding and compare
 * the outputs: token for token in greedy mode, as distributions over many seeds in sampling mode.
 */
export const LosslessCheckRequest = z.object({
  method: z.string().min(1),
  mode: z.enum(['greedy', 'sampling']),
  /** Default: a few short code prompts (greedy), one (sampling). */
  prompts: z.array(z.string().min(1)).min(1).max(32).optional(),
  /** Greedy: tokens generated per prompt. Sampling: output positions compared. */
  maxNewTokens: z.number().int().min(1).max(512).optional(),
  /** Sampling: runs per side. */
  samples: z.number().int().min(10).max(10000).optional(),
  /** Sampling: first seed (the baseline uses seed…seed+samples−1, the method the next samples seeds). */
  seed: z.number().int().min(0).max(2 ** 40).optional(),
  /** Sampling: family-wise significance level. */
  alpha: z.number().gt(0).lt(1).optional(),
  /** Sampling: the processors both sides use. */
  processors: GenerationParams.pick({ temperature: true, top_k: true, top_p: true, min_p: true, typical_p: true, repetition_penalty: true }).optional(),
  /** Method-specific knobs (e.g. { typical_acceptance: 1 }). */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  model: z.string().optional(),
  draft: z.string().optional(),
  /** Forces tokens into the method's runs only: a deliberately corrupted comparison, to see the check catch it. */
  methodForced: z.array(z.object({ outputIndex: z.number().int().nonnegative(), tokenId: z.number().int().nonnegative() })).optional(),
});
export type LosslessCheckRequest = z.infer<typeof LosslessCheckRequest>;

export const ClientRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hello'), id: z.number().int(), protocol: z.number().int() }),
  z.object({ kind: z.literal('list_models'), id: z.number().int() }),
  z.object({ kind: z.literal('list_methods'), id: z.number().int() }),
  z.object({ kind: z.literal('inspect_model'), id: z.number().int(), path: z.string().min(1) }),
  z.object({ kind: z.literal('start_run'), id: z.number().int(), request: RunRequest }),
  z.object({ kind: z.literal('pause'), id: z.number().int(), runId: z.string() }),
  z.object({ kind: z.literal('resume'), id: z.number().int(), runId: z.string() }),
  /** Run one more step, then pause again. */
  z.object({ kind: z.literal('step'), id: z.number().int(), runId: z.string() }),
  z.object({ kind: z.literal('cancel'), id: z.number().int(), runId: z.string() }),
  z.object({ kind: z.literal('tokenize'), id: z.number().int(), text: z.string(), model: z.string().optional() }),
  /** Answered with a LosslessReport when the check ends; `check_progress` messages carry this request's id meanwhile. */
  z.object({ kind: z.literal('lossless_check'), id: z.number().int(), request: LosslessCheckRequest }),
  /** Stops the lossless check started by request `checkId`; that request is then answered with an error. */
  z.object({ kind: z.literal('cancel_check'), id: z.number().int(), checkId: z.number().int() }),
]);
export type ClientRequest = z.infer<typeof ClientRequest>;
export type ClientRequestKind = ClientRequest['kind'];

export const ModelInfo = z.object({
  id: z.string(),
  path: z.string(),
  bundled: z.boolean(),
  description: z.string().optional(),
  manifest: CapabilityManifest,
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const MethodDescription = z.object({
  name: z.string(),
  family: z.string(),
  lossless: z.boolean(),
  needs: z.array(z.string()),
  description: z.string(),
  /** Method-specific parameters with defaults and ranges, so the run panel can draw controls. */
  params: z
    .array(z.object({ name: z.string(), default: z.number(), min: z.number(), max: z.number(), step: z.number(), help: z.string() }))
    .optional(),
});
export type MethodDescription = z.infer<typeof MethodDescription>;

export type EngineMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'record'; runId: string; record: TraceRecord }
  | { kind: 'run_state'; runId: string; state: 'running' | 'paused' }
  | { kind: 'run_end'; runId: string; status: 'completed' | 'cancelled' | 'error'; error?: string }
  | ({ kind: 'check_progress'; checkId: number } & LosslessProgress);

/** What the renderer sees of the engine. Implemented over MessagePort (Electron) and WebSocket (web mode). */
export interface EngineClient {
  readonly transport: 'message-port' | 'websocket' | 'offline';
  listModels(): Promise<ModelInfo[]>;
  listMethods(): Promise<MethodDescription[]>;
  inspectModel(path: string): Promise<ModelInfo>;
  tokenize(text: string, model?: string): Promise<{ ids: number[]; tokens: string[] }>;
  /** Starts a run; records stream to onRecord in order. Resolves with the run id once the engine accepted it. */
  startRun(request: RunRequest, handlers: RunHandlers): Promise<string>;
  pause(runId: string): Promise<void>;
  resume(runId: string): Promise<void>;
  step(runId: string): Promise<void>;
  cancel(runId: string): Promise<void>;
  /** Runs a lossless check; aborting `signal` stops it (the promise then rejects). */
  checkLossless(request: LosslessCheckRequest, options?: LosslessCheckOptions): Promise<LosslessReport>;
  /** Connection state changes: the UI keeps what it has when the engine goes away and says so. */
  onStatus(listener: (status: EngineStatus) => void): () => void;
  dispose(): void;
}

export interface RunHandlers {
  onRecord(record: TraceRecord): void;
  onState?(state: 'running' | 'paused'): void;
  onEnd(status: 'completed' | 'cancelled' | 'error', error?: string): void;
}

export interface LosslessCheckOptions {
  onProgress?(progress: LosslessProgress): void;
  signal?: AbortSignal;
}

export type EngineStatus = { state: 'connecting' | 'ready' | 'lost' | 'restarting'; message?: string };
