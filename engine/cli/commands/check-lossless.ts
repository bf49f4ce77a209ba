/**
 * `decodescope check-lossless`: does a method change the output? Greedy: token-for-token against plain greedy
 * decoding. --sampling: many independent seeds per side, per-position chi-square tests (Holm-adjusted) and
 * total-variation distances. Prints a table; exit 0 when no difference was found, 1 when one was.
 */
import { keyValues, numberValue, parseCommand, stringValue, UsageError, type OptionSpec, type Parsed } from '../args';
import { printJson, table } from '../output';
import type { LosslessCheckRequest } from '../../protocol/messages';
import { formatP, tokenLabel, type GreedyReport, type LosslessProgress, type LosslessReport, type SamplingReport } from '../../analysis/lossless-report';

export const CHECK_LOSSLESS_HELP = `Usage: decodescope check-lossless --method NAME [options]

Run a method and plain autoregressive decoding on the same prompts and report whether the method changed the
output. Greedy (default): token for token, with the first divergence and the two tokens. --sampling: N
independent seeds per side, compared per output position with a chi-square homogeneity test (rare tokens pooled,
Holm-adjusted over positions) and total-variation distance. Exit 0: no difference found; 1: a difference.

  --method NAME              the method to check (see 'decodescope methods')
  --param KEY=VALUE          a method-specific knob; repeatable (e.g. --param typical_acceptance=1)
  --prompt TEXT              a prompt; repeatable (default: 5 short code prompts greedy, 1 sampling)
  --max-new-tokens N         greedy: tokens per prompt (default 32); sampling: positions compared (default 4)
  --sampling                 compare sampled outputs instead of greedy ones
  --samples N                sampling: runs per side (default 200, at least 10)
  --seed S                   sampling: first seed (baseline seeds S.., method seeds S+N..; default 0)
  --temperature T            sampling: temperature for both sides (default 1)
  --top-k K, --top-p P       sampling: the same warpers on both sides
  --alpha A                  sampling: family-wise significance level (default 0.01)
  --model ID|PATH            target model (default: target)
  --draft ID|PATH            draft model for speculative methods (default: draft)
  --json                     print the full report as one JSON line
  --progress                 show progress on stderr even when it is not a terminal
  -h, --help                 this help
`;

const OPTIONS: OptionSpec = {
  method: { type: 'string' },
  param: { type: 'string', multiple: true },
  prompt: { type: 'string', multiple: true },
  'max-new-tokens': { type: 'string' },
  sampling: { type: 'boolean' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  alpha: { type: 'string' },
  model: { type: 'string' },
  draft: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function buildCheckRequest(values: Parsed['values']): LosslessCheckRequest {
  const method = stringValue(values, 'method');
  if (!method) throw new UsageError("--method is required (see 'decodescope methods')");
  const sampling = Boolean(values.sampling);
  const num = (name: string, rule: Parameters<typeof numberValue>[2]) => numberValue(values, name, rule);
  const samplingOnly = ['samples', 'seed', 'temperature', 'top-k', 'top-p', 'alpha'].filter((f) => values[f] !== undefined);
  if (!sampling && samplingOnly.length) throw new UsageError(`--${samplingOnly[0]} applies to --sampling only`);
  const processors: NonNullable<LosslessCheckRequest['processors']> = {};
  const temperature = num('temperature', { min: 0, minExclusive: true, describe: 'a number > 0' });
  const topK = num('top-k', { integer: true, min: 0, describe: 'an integer >= 0' });
  const topP = num('top-p', { min: 0, minExclusive: true, max: 1, describe: 'a number in (0, 1]' });
  if (temperature !== undefined) processors.temperature = temperature;
  if (topK !== undefined) processors.top_k = topK;
  if (topP !== undefined) processors.top_p = topP;
  const prompts = values.prompt as string[] | undefined;
  if (prompts?.some((p) => p === '')) throw new UsageError('--prompt must not be empty');
  const knobs = keyValues(values.param as string[] | undefined, 'param');
  const maxNewTokens = num('max-new-tokens', { integer: true, min: 1, max: 512, describe: 'an integer in 1..512' });
  const samples = num('samples', { integer: true, min: 10, max: 10000, describe: 'an integer in 10..10000' });
  const seed = num('seed', { integer: true, min: 0, describe: 'an integer >= 0' });
  const alpha = num('alpha', { min: 0, minExclusive: true, max: 0.5, describe: 'a number in (0, 0.5]' });
  return {
    method,
    mode: sampling ? 'sampling' : 'greedy',
    ...(prompts?.length ? { prompts } : {}),
    ...(maxNewTokens !== undefined ? { maxNewTokens } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(alpha !== undefined ? { alpha } : {}),
    ...(Object.keys(processors).length ? { processors } : {}),
    ...(Object.keys(knobs).length ? { params: knobs } : {}),
    ...(stringValue(values, 'model') ? { model: stringValue(values, 'model') } : {}),
    ...(stringValue(values, 'draft') ? { draft: stringValue(values, 'draft') } : {}),
  };
}

/** A prompt on one line: newlines as ↵, cut to `width`. */
function oneLine(text: string, width: number): string {
  const flat = text.replace(/\n/g, '↵').replace(/\t/g, '→');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function knobText(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length ? ` (${entries.map(([k, v]) => `${k}=${String(v)}`).join(', ')})` : '';
}

function variantLine(r: LosslessReport): string {
  return r.variant ? `variant: ${r.variant}${r.claimedLossless ? '' : ' — not claimed lossless'}\n` : '';
}

export function formatGreedyReport(r: GreedyReport): string {
  const rows = [['#', 'PROMPT', 'TOKENS', 'PASSES', 'RESULT']];
  r.prompts.forEach((p, i) => {
    const d = p.divergence;
    const result = !d
      ? 'identical'
      : `${d.nearTie ? 'near-tie' : 'DIFFERS'} at ${d.position}: ${tokenLabel(d.method)} vs greedy ${tokenLabel(d.baseline)}` +
        (d.logprobGap === null ? '' : ` (gap ${formatP(Math.abs(d.logprobGap))})`);
    rows.push([String(i + 1), oneLine(p.prompt, 28), `${p.methodTokens}/${p.baselineTokens}`, `${p.methodTargetPasses}/${p.baselineTargetPasses}`, result]);
  });
  return (
    `check-lossless: ${r.method}${knobText(r.methodParams)} vs autoregressive, greedy, ${r.maxNewTokens} tokens per prompt\n` +
    variantLine(r) +
    `(TOKENS and PASSES: method/greedy; PASSES = target forward passes)\n\n` +
    table(rows) +
    `\n${r.summary}\n` +
    r.notes.map((n) => `note: ${n}\n`).join('')
  );
}

export function formatSamplingReport(r: SamplingReport): string {
  const multi = r.results.some((x) => x.promptIndex > 0);
  const rows = [[...(multi ? ['PROMPT'] : []), 'POS', 'TV', 'CHANCE TV', 'CHI2', 'DF', 'P', 'ADJ P', 'RESULT', 'MOST FREQUENT (method/baseline)']];
  for (const x of r.results) {
    const top = x.top
      .slice(0, 3)
      .map((t) => `${t.token === null ? '(end)' : JSON.stringify(t.token.text)} ${t.method}/${t.baseline}`)
      .join(', ');
    rows.push([
      ...(multi ? [String(x.promptIndex + 1)] : []),
      String(x.position),
      x.tv.toFixed(3),
      x.tvNoise.toFixed(3),
      x.chiSquare.toFixed(1),
      String(x.df),
      formatP(x.pValue),
      formatP(x.adjustedP),
      x.adjustedP <= r.alpha ? 'DIFFERENT' : 'ok',
      top,
    ]);
  }
  const warpers = Object.entries(r.processors)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return (
    `check-lossless: ${r.method}${knobText(r.methodParams)} vs autoregressive, sampling, ${r.samples}+${r.samples} samples ` +
    `(seeds ${r.seed}..${r.seed + 2 * r.samples - 1}), ${warpers}, α=${r.alpha}\n` +
    variantLine(r) +
    (multi ? r.results.filter((x) => x.position === 0).map((x) => `prompt ${x.promptIndex + 1}: ${oneLine(x.prompt, 60)}\n`).join('') : `prompt: ${oneLine(r.results[0]?.prompt ?? '', 60)}\n`) +
    `\n` +
    table(rows) +
    `\n${r.summary}\n` +
    r.notes.map((n) => `note: ${n}\n`).join('')
  );
}

export function formatReport(r: LosslessReport): string {
  return r.mode === 'greedy' ? formatGreedyReport(r) : formatSamplingReport(r);
}

function progressReporter(forced: boolean): { update(p: LosslessProgress): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!tty && !forced) return;
      const now = Date.now();
      if (now - last < (tty ? 100 : 2000) && p.done < p.total) return;
      last = now;
      drawn = true;
      const text = `checking: ${p.done}/${p.total} runs — ${p.label}`;
      process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
    },
    done() {
      if (tty && drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

export async function checkLosslessCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('check-lossless', argv, OPTIONS, 0);
  if (values.help) {
    process.stdout.write(CHECK_LOSSLESS_HELP);
    return 0;
  }
  const request = buildCheckRequest(values);
  const { checkLossless, LosslessCheckError, LosslessCheckCancelled } = await import('../../analysis/lossless-check');
  const progress = progressReporter(Boolean(values.progress));
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let report: LosslessReport;
  try {
    report = await checkLossless({ ...request, onProgress: (p) => progress.update(p) }, abort.signal);
  } catch (e) {
    if (e instanceof LosslessCheckError) throw new UsageError(`--${e.message.replace(/^maxNewTokens/, 'max-new-tokens')}`);
    if (e instanceof LosslessCheckCancelled) {
      process.stderr.write('check-lossless: interrupted\n');
      return 130;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.done();
  }
  if (values.json) printJson(report);
  else process.stdout.write(formatReport(report));
  return report.lossless ? 0 : 1;
}
