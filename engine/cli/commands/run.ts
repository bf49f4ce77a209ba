/**
 * `decodescope run`: one decoding run on real models, optionally written as a trace. Flags use the Hugging Face
 * generation-parameter names; anything a method adds comes in as `--param key=value`.
 */
import { keyValues, numberValue, parseCommand, stringValue, UsageError, type OptionSpec, type Parsed } from '../args';
import { RUN_HELP } from '../help';
import { printJson } from '../output';
import { RunRequest } from '../../protocol/messages';
import type { GenerationParams, TraceRecord } from '../../trace/schema';
import { TraceWriter } from '../../trace/writer';
import { formatPath } from '../../trace/validate';
import { ProgressLine } from '../progress';

export const DEFAULT_PROMPT = 'def fibonacci(n):';
export const DEFAULT_MAX_NEW_TOKENS = 32;

const OPTIONS: OptionSpec = {
  method: { type: 'string' },
  prompt: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  seed: { type: 'string' },
  model: { type: 'string' },
  draft: { type: 'string' },
  'do-sample': { type: 'boolean' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  'min-p': { type: 'string' },
  'typical-p': { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'num-beams': { type: 'string' },
  'length-penalty': { type: 'string' },
  'penalty-alpha': { type: 'string' },
  param: { type: 'string', multiple: true },
  'record-attentions': { type: 'boolean' },
  'record-hidden-states': { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Flag name for each generation parameter, so schema messages can name the flag the person typed. */
const FLAG_OF: Record<string, string> = {
  max_new_tokens: '--max-new-tokens',
  do_sample: '--do-sample',
  temperature: '--temperature',
  top_k: '--top-k',
  top_p: '--top-p',
  min_p: '--min-p',
  typical_p: '--typical-p',
  repetition_penalty: '--repetition-penalty',
  num_beams: '--num-beams',
  length_penalty: '--length-penalty',
  penalty_alpha: '--penalty-alpha',
  seed: '--seed',
  method: '--param',
};

export function buildParams(values: Parsed['values']): GenerationParams {
  const num = (name: string, rule: Parameters<typeof numberValue>[2]) => numberValue(values, name, rule);
  const params: GenerationParams = {
    max_new_tokens: num('max-new-tokens', { integer: true, min: 1, max: 100000, describe: 'an integer in 1..100000' }) ?? DEFAULT_MAX_NEW_TOKENS,
    do_sample: Boolean(values['do-sample']),
    seed: num('seed', { integer: true, describe: 'an integer' }) ?? 0,
  };
  const optional: Array<[keyof GenerationParams, string, Parameters<typeof numberValue>[2]]> = [
    ['temperature', 'temperature', { min: 0, minExclusive: true, describe: 'a number > 0' }],
    ['top_k', 'top-k', { integer: true, min: 0, describe: 'an integer >= 0' }],
    ['top_p', 'top-p', { min: 0, minExclusive: true, max: 1, describe: 'a number in (0, 1]' }],
    ['min_p', 'min-p', { min: 0, max: 1, describe: 'a number in [0, 1]' }],
    ['typical_p', 'typical-p', { min: 0, minExclusive: true, max: 1, describe: 'a number in (0, 1]' }],
    ['repetition_penalty', 'repetition-penalty', { min: 0, minExclusive: true, describe: 'a number > 0' }],
    ['num_beams', 'num-beams', { integer: true, min: 1, describe: 'an integer >= 1' }],
    ['length_penalty', 'length-penalty', { describe: 'a number' }],
    ['penalty_alpha', 'penalty-alpha', { min: 0, max: 1, describe: 'a number in [0, 1]' }],
  ];
  for (const [key, flag, rule] of optional) {
    const v = num(flag, rule);
    if (v !== undefined) (params as Record<string, unknown>)[key] = v;
  }
  const knobs = keyValues(values.param as string[] | undefined, 'param');
  if (Object.keys(knobs).length > 0) params.method = knobs;
  return params;
}

export function buildRequest(values: Parsed['values']): RunRequest {
  const record: RunRequest['record'] = {};
  if (values['record-attentions']) record.attentions = true;
  if (values['record-hidden-states']) record.hiddenStates = true;
  const params = buildParams(values);
  // As in Hugging Face generate(): num_beams > 1 without a named method means beam search (beam sampling with --do-sample).
  const defaultMethod = (params.num_beams ?? 1) > 1 ? 'beam_search' : 'autoregressive';
  const request: RunRequest = {
    method: stringValue(values, 'method') ?? defaultMethod,
    prompt: stringValue(values, 'prompt') ?? DEFAULT_PROMPT,
    params,
    ...(stringValue(values, 'model') ? { model: stringValue(values, 'model') } : {}),
    ...(stringValue(values, 'draft') ? { draft: stringValue(values, 'draft') } : {}),
    ...(Object.keys(record).length > 0 ? { record } : {}),
  };
  const checked = RunRequest.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const [head, key] = issue.path.map(String);
    const flag = head === 'params' && key ? FLAG_OF[key] ?? `--${key}` : `--${head}`;
    throw new UsageError(`${flag}: ${issue.message} (${formatPath(issue.path)})`);
  }
  return request;
}

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('run', argv, OPTIONS, 0);
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const request = buildRequest(values);
  const out = stringValue(values, 'out');
  if ((request.record?.attentions || request.record?.hiddenStates) && !out) {
    throw new UsageError('--record-attentions/--record-hidden-states need --out (tensors go to a sidecar next to the trace)');
  }
  const { startRun, RunRequestError } = await import('../../index');
  // Tensors reach the sidecar through TraceWriter.writeTensor once the engine records them; until then the engine
  // notes in the trace that it recorded distributions only, and no sidecar is announced.
  const writer = out ? new TraceWriter(out) : null;
  const progress = new ProgressLine(request.params.max_new_tokens, Boolean(values.progress));
  const onRecord = (record: TraceRecord) => {
    writer?.write(record);
    if (record.type === 'commit') progress.advance(record.tokens.length);
  };
  let interrupted = false;
  let controller;
  try {
    controller = startRun(request, onRecord);
  } catch (e) {
    writer?.close();
    // Rejected before anything ran (unknown method, bad parameter combination): a usage error.
    if (e instanceof RunRequestError) throw new UsageError(e.message.replace(/^method: /, '--method: '));
    throw e;
  }
  const onSigint = () => {
    interrupted = true;
    controller.cancel();
  };
  process.once('SIGINT', onSigint);
  let footer;
  try {
    footer = await controller.done;
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.done();
    writer?.close();
  }
  const s = footer.summary;
  if (values.json) {
    printJson({
      text: s.text,
      tokenIds: s.tokenIds,
      newTokens: s.newTokens,
      targetForwardPasses: s.targetForwardPasses,
      tau: s.tau,
      acceptanceRate: s.acceptanceRate,
      wallMs: s.wallMs,
      tokensPerSecond: s.tokensPerSecond,
    });
  } else {
    process.stdout.write(`${request.prompt}${s.text}\n`);
    const rate = s.acceptanceRate === null ? '' : `, acceptance ${(s.acceptanceRate * 100).toFixed(1)}%`;
    process.stderr.write(
      `${request.method}: ${s.newTokens} tokens, ${s.targetForwardPasses} target passes, τ ${s.tau.toFixed(2)}${rate}, ` +
        `${s.tokensPerSecond.toFixed(1)} tok/s (${s.finishReason})${out ? `; trace: ${out}` : ''}\n`,
    );
  }
  if (footer.status === 'error') {
    process.stderr.write(`run failed: ${footer.error ?? 'unknown error'}\n`);
    return 1;
  }
  return interrupted ? 130 : 0;
}
