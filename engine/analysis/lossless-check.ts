/**
 * The lossless check: run a decoding method and plain autoregressive decoding on the same prompts and say, with
 * numbers, whether the method changed the output.
 *  - greedy: token-for-token equality with greedy decoding, per prompt (first divergence, the two tokens, and
 *    whether it is a floating-point near-tie);
 *  - sampling: `samples` independent seeds per side, per-position chi-square homogeneity tests of the token
 *    marginals with Holm's adjustment, and total-variation distances.
 * Deterministic given the seeds; cancellable through an AbortSignal; reports progress after every run.
 */
import { LosslessCheckRequest, type RunRequest } from '../protocol/messages';
import { getStrategy, methodNames } from '../strategies/registry';
import type { GenerationParams } from '../trace/schema';
import { checkRun, throwIfAborted, type CheckRun } from './check-runs';
import { comparePrompt, greedyReport } from './greedy-compare';
import { positionResults, samplingReport, type SampledPrompt } from './sampling-compare';
import { claimsLossless, type GreedyReport, type LosslessProgress, type LosslessReport, type SamplingReport } from './lossless-report';

export { LosslessCheckCancelled } from './check-runs';

/** Short code prompts in the style of the bundled models' training data (none ends in whitespace). */
export const DEFAULT_GREEDY_PROMPTS = ['def fibonacci(n):', 'import os\nimport sys', 'class Stack:\n    def __init__(self):', 'for i in range(10):', 'with open(path) as f:'];
export const DEFAULT_SAMPLING_PROMPTS = ['def fibonacci(n):'];
export const DEFAULT_GREEDY_TOKENS = 32;
export const DEFAULT_SAMPLING_POSITIONS = 4;
export const DEFAULT_SAMPLES = 200;
export const DEFAULT_ALPHA = 0.01;

export interface CheckLosslessOptions extends LosslessCheckRequest {
  onProgress?(progress: LosslessProgress): void;
  /** Finished runs by request; share one between checks to decode each baseline once. */
  runCache?: Map<string, CheckRun>;
}

/** A request that cannot be checked as asked; the message names the field. */
export class LosslessCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LosslessCheckError';
  }
}

export function parseLosslessCheckRequest(input: unknown): LosslessCheckRequest {
  const r = LosslessCheckRequest.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new LosslessCheckError(`${issue.path.length ? issue.path.join('.') : '(request)'}: ${issue.message}`);
  }
  return r.data;
}

export async function checkLossless(options: CheckLosslessOptions, signal?: AbortSignal): Promise<LosslessReport> {
  const { onProgress, runCache, ...rest } = options;
  const request = parseLosslessCheckRequest(rest);
  const strategy = getStrategy(request.method);
  if (!strategy) throw new LosslessCheckError(`method: unknown method '${request.method}' (known: ${methodNames().join(', ')})`);
  const cache = runCache ?? new Map<string, CheckRun>();
  const ctx = { request, method: strategy.description.name, registryLossless: strategy.description.lossless, signal, cache, onProgress };
  return request.mode === 'greedy' ? checkGreedy(ctx) : checkSampling(ctx);
}

interface CheckContext {
  request: LosslessCheckRequest;
  method: string;
  registryLossless: boolean;
  signal: AbortSignal | undefined;
  cache: Map<string, CheckRun>;
  onProgress: CheckLosslessOptions['onProgress'];
}

function runRequest(ctx: CheckContext, method: string, prompt: string, params: GenerationParams, forced?: RunRequest['forced']): RunRequest {
  const { model, draft } = ctx.request;
  return { method, prompt, params, ...(model ? { model } : {}), ...(draft ? { draft } : {}), ...(forced && forced.length ? { forced } : {}) };
}

async function checkGreedy(ctx: CheckContext): Promise<GreedyReport> {
  const prompts = ctx.request.prompts ?? DEFAULT_GREEDY_PROMPTS;
  const maxNewTokens = ctx.request.maxNewTokens ?? DEFAULT_GREEDY_TOKENS;
  const knobs = ctx.request.params ?? {};
  const total = prompts.length * 2;
  let done = 0;
  const step = (label: string) => ctx.onProgress?.({ done: ++done, total, label });
  ctx.onProgress?.({ done: 0, total, label: 'starting' });
  const results = [];
  let variant: string | undefined;
  for (const [i, prompt] of prompts.entries()) {
    const where = `prompt ${i + 1}/${prompts.length}`;
    const base = await checkRun(runRequest(ctx, 'autoregressive', prompt, { max_new_tokens: maxNewTokens, do_sample: false }), { signal: ctx.signal, keepTopk: true, cache: ctx.cache });
    step(`greedy baseline, ${where}`);
    const params: GenerationParams = { max_new_tokens: maxNewTokens, do_sample: false, ...(Object.keys(knobs).length ? { method: knobs } : {}) };
    const mine = await checkRun(runRequest(ctx, ctx.method, prompt, params, ctx.request.methodForced), { signal: ctx.signal, cache: ctx.cache });
    step(`${ctx.method}, ${where}`);
    variant ??= mine.variant;
    results.push(comparePrompt(prompt, mine, base));
  }
  return greedyReport(ctx.method, claimsLossless(ctx.registryLossless, variant), variant, knobs, maxNewTokens, results);
}

async function checkSampling(ctx: CheckContext): Promise<SamplingReport> {
  const prompts = ctx.request.prompts ?? DEFAULT_SAMPLING_PROMPTS;
  const positions = ctx.request.maxNewTokens ?? DEFAULT_SAMPLING_POSITIONS;
  const samples = ctx.request.samples ?? DEFAULT_SAMPLES;
  const seed = ctx.request.seed ?? 0;
  const alpha = ctx.request.alpha ?? DEFAULT_ALPHA;
  const processors: Record<string, number> = { temperature: 1, ...stripUndefined(ctx.request.processors ?? {}) };
  const knobs = ctx.request.params ?? {};
  const total = prompts.length * samples * 2;
  let done = 0;
  ctx.onProgress?.({ done: 0, total, label: 'starting' });
  const texts = new Map<number, string>();
  const sampled: SampledPrompt[] = [];
  let variant: string | undefined;
  for (const [pi, prompt] of prompts.entries()) {
    const where = prompts.length > 1 ? `prompt ${pi + 1}/${prompts.length}, ` : '';
    const baseline: number[][] = [];
    const method: number[][] = [];
    // Interleaved, so a cancelled or slow check has touched both sides evenly; the seeds never overlap.
    for (let i = 0; i < samples; i++) {
      const common = { max_new_tokens: positions, do_sample: true, ...processors };
      const base = await checkRun(runRequest(ctx, 'autoregressive', prompt, { ...common, seed: seed + i }), { signal: ctx.signal, cache: ctx.cache });
      ctx.onProgress?.({ done: ++done, total, label: `${where}baseline sample ${i + 1}/${samples}` });
      const params: GenerationParams = { ...common, seed: seed + samples + i, ...(Object.keys(knobs).length ? { method: knobs } : {}) };
      const mine = await checkRun(runRequest(ctx, ctx.method, prompt, params, ctx.request.methodForced), { signal: ctx.signal });
      ctx.onProgress?.({ done: ++done, total, label: `${where}${ctx.method} sample ${i + 1}/${samples}` });
      variant ??= mine.variant;
      baseline.push(base.ids.slice(0, positions));
      method.push(mine.ids.slice(0, positions));
      for (const run of [base, mine]) for (const [id, text] of run.texts) texts.set(id, text);
    }
    sampled.push({ prompt, method, baseline });
  }
  throwIfAborted(ctx.signal);
  return samplingReport({ method: ctx.method, claimedLossless: claimsLossless(ctx.registryLossless, variant), ...(variant ? { variant } : {}), methodParams: knobs, processors, samples, positions, alpha, seed }, positionResults(sampled, positions, texts));
}

function stripUndefined(o: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => e[1] !== undefined));
}
