/**
 * The Lossless tab without React: the form → the engine request (with field problems named), and a report →
 * the verdict badge and the table rows the view draws. Pure, so it is tested without a browser.
 */
import type { LosslessCheckRequest, MethodDescription } from '../../../../engine/protocol/messages';
import type { GreedyReport, LosslessReport, ReportToken, SamplingReport } from '../../../../engine/analysis/lossless-report';
import { formatP } from '../../../../engine/analysis/lossless-report';

export type CheckMode = 'greedy' | 'sampling';

export interface LosslessForm {
  method: string;
  mode: CheckMode;
  /** Greedy: tokens per prompt. */
  tokens: number;
  /** Sampling: output positions compared. */
  positions: number;
  samples: number;
  temperature: number;
  seed: number;
  /** Method knobs the user changed from their defaults. */
  params: Record<string, number>;
}

export const DEFAULT_FORM: LosslessForm = { method: '', mode: 'greedy', tokens: 32, positions: 4, samples: 200, temperature: 1, seed: 0, params: {} };

/** The method the tab starts on: a lossless method that is not the baseline itself. */
export function defaultMethod(methods: readonly MethodDescription[]): string {
  return methods.find((m) => m.name === 'speculative')?.name ?? methods.find((m) => m.lossless && m.name !== 'autoregressive')?.name ?? methods[0]?.name ?? '';
}

export interface FormProblem {
  field: keyof LosslessForm | `params.${string}`;
  message: string;
}

export function formProblems(form: LosslessForm, methods: readonly MethodDescription[]): FormProblem[] {
  const problems: FormProblem[] = [];
  const method = methods.find((m) => m.name === form.method);
  if (!method) problems.push({ field: 'method', message: form.method ? `unknown method '${form.method}'` : 'choose a method' });
  const int = (field: keyof LosslessForm, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) problems.push({ field, message: `${field} must be an integer in ${min}..${max}` });
  };
  if (form.mode === 'greedy') int('tokens', form.tokens, 1, 512);
  else {
    int('positions', form.positions, 1, 64);
    int('samples', form.samples, 10, 10000);
    int('seed', form.seed, 0, 2 ** 40);
    if (!(form.temperature > 0)) problems.push({ field: 'temperature', message: 'temperature must be > 0' });
  }
  for (const [name, value] of Object.entries(form.params)) {
    const spec = method?.params?.find((p) => p.name === name);
    if (spec && (!Number.isFinite(value) || value < spec.min || value > spec.max)) problems.push({ field: `params.${name}`, message: `${name} must be in ${spec.min}..${spec.max}` });
  }
  return problems;
}

/** The engine request for a valid form; only knobs that the method declares and that differ from their defaults go along. */
export function checkRequest(form: LosslessForm, methods: readonly MethodDescription[]): LosslessCheckRequest {
  const declared = methods.find((m) => m.name === form.method)?.params ?? [];
  const params = Object.fromEntries(Object.entries(form.params).filter(([k, v]) => declared.some((p) => p.name === k && p.default !== v)));
  const knobs = Object.keys(params).length ? { params } : {};
  if (form.mode === 'greedy') return { method: form.method, mode: 'greedy', maxNewTokens: form.tokens, ...knobs };
  return { method: form.method, mode: 'sampling', maxNewTokens: form.positions, samples: form.samples, seed: form.seed, processors: { temperature: form.temperature }, ...knobs };
}

/** Runs a check costs: the view says so before it starts. */
export function runCount(form: LosslessForm): number {
  return form.mode === 'greedy' ? 5 * 2 : form.samples * 2;
}

export type BadgeKind = 'pass' | 'fail';

export interface Verdict {
  kind: BadgeKind;
  /** Short word on the badge. */
  label: string;
  summary: string;
}

export function verdictOf(report: LosslessReport): Verdict {
  if (report.mode === 'greedy') {
    const label = report.verdict === 'identical' ? 'identical' : report.verdict === 'near-tie' ? 'identical up to fp near-ties' : 'different';
    return { kind: report.lossless ? 'pass' : 'fail', label, summary: report.summary };
  }
  return { kind: report.lossless ? 'pass' : 'fail', label: report.verdict, summary: report.summary };
}

export interface GreedyRow {
  index: number;
  prompt: string;
  tokens: string;
  passes: string;
  identical: boolean;
  /** For a divergence: where, the two tokens, and greedy's log-prob gap. */
  divergence: { position: number; method: ReportToken | null; baseline: ReportToken | null; gap: string; nearTie: boolean } | null;
}

export function greedyRows(report: GreedyReport): GreedyRow[] {
  return report.prompts.map((p, i) => ({
    index: i + 1,
    prompt: p.prompt,
    tokens: `${p.methodTokens} / ${p.baselineTokens}`,
    passes: `${p.methodTargetPasses} / ${p.baselineTargetPasses}`,
    identical: p.identical,
    divergence: p.divergence
      ? {
          position: p.divergence.position,
          method: p.divergence.method,
          baseline: p.divergence.baseline,
          gap: p.divergence.logprobGap === null ? 'outside top-20' : formatP(Math.abs(p.divergence.logprobGap)),
          nearTie: p.divergence.nearTie,
        }
      : null,
  }));
}

export interface SamplingRow {
  key: string;
  prompt: number;
  position: number;
  tv: number;
  tvNoise: number;
  chiSquare: string;
  df: number;
  p: string;
  adjustedP: string;
  different: boolean;
  top: { token: ReportToken | null; method: number; baseline: number }[];
}

export function samplingRows(report: SamplingReport): SamplingRow[] {
  return report.results.map((r) => ({
    key: `${r.promptIndex}:${r.position}`,
    prompt: r.promptIndex + 1,
    position: r.position,
    tv: r.tv,
    tvNoise: r.tvNoise,
    chiSquare: r.chiSquare.toFixed(1),
    df: r.df,
    p: formatP(r.pValue),
    adjustedP: formatP(r.adjustedP),
    different: r.adjustedP <= report.alpha,
    top: r.top.slice(0, 3),
  }));
}

/** One line describing what was compared, above the table. */
export function setupLine(report: LosslessReport): string {
  const knobs = Object.entries(report.methodParams).map(([k, v]) => `${k}=${String(v)}`);
  const method = `${report.method}${knobs.length ? ` (${knobs.join(', ')})` : ''}`;
  if (report.mode === 'greedy') return `${method} vs plain greedy · ${report.prompts.length} prompt${report.prompts.length === 1 ? '' : 's'} × ${report.maxNewTokens} tokens`;
  const warpers = Object.entries(report.processors).map(([k, v]) => `${k} ${v}`);
  return `${method} vs plain sampling · ${report.samples} + ${report.samples} samples (independent seeds) · ${report.positions} positions · ${warpers.join(', ')} · α = ${report.alpha}, Holm-adjusted`;
}
