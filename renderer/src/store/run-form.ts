/**
 * The run panel's parameters: Hugging Face names, ranges, and parsing that refuses malformed values at
 * the field (the message says what is allowed). Pure, so tests cover every rule.
 */
import { recordFromForm } from '../views/internals/RecordInternalsField';
import type { GenerationParams } from '../../../engine/trace/schema';
import type { MethodDescription, RunRequest } from '../../../engine/protocol/messages';

export interface FieldSpec {
  name: string;
  label: string;
  kind: 'int' | 'float' | 'bool';
  min?: number;
  max?: number;
  /** Exclusive lower bound (temperature > 0). */
  gt?: number;
  step?: number;
  /** Empty means "not set" (the engine's default) for optional fields. */
  optional: boolean;
  /** Only meaningful when sampling. */
  sampling?: boolean;
  help: string;
}

export const FIELDS: FieldSpec[] = [
  { name: 'max_new_tokens', label: 'max_new_tokens', kind: 'int', min: 1, max: 4096, step: 1, optional: false, help: 'How many tokens to generate at most.' },
  { name: 'do_sample', label: 'do_sample', kind: 'bool', optional: false, help: 'Sample from the processed distribution instead of taking the argmax.' },
  { name: 'temperature', label: 'temperature', kind: 'float', gt: 0, max: 10, step: 0.05, optional: true, sampling: true, help: 'Divides the logits; < 1 sharpens, > 1 flattens. Must be > 0.' },
  { name: 'top_k', label: 'top_k', kind: 'int', min: 0, max: 100000, step: 1, optional: true, sampling: true, help: 'Keep the k most likely tokens (0 = off).' },
  { name: 'top_p', label: 'top_p', kind: 'float', gt: 0, max: 1, step: 0.01, optional: true, sampling: true, help: 'Keep the smallest set whose probability reaches p (0 < p ≤ 1).' },
  { name: 'min_p', label: 'min_p', kind: 'float', min: 0, max: 1, step: 0.01, optional: true, sampling: true, help: 'Drop tokens below min_p × the top probability.' },
  { name: 'typical_p', label: 'typical_p', kind: 'float', gt: 0, max: 1, step: 0.01, optional: true, sampling: true, help: 'Locally typical sampling mass (0 < p ≤ 1).' },
  { name: 'repetition_penalty', label: 'repetition_penalty', kind: 'float', gt: 0, max: 10, step: 0.05, optional: true, help: 'Penalise tokens already in the sequence (1 = off).' },
  { name: 'num_beams', label: 'num_beams', kind: 'int', min: 1, max: 16, step: 1, optional: true, help: 'Beams for beam search (1 = off).' },
  { name: 'seed', label: 'seed', kind: 'int', min: 0, max: 2 ** 31 - 1, step: 1, optional: true, help: 'Seed of the recorded random stream: the same seed replays the same run.' },
];

export type FormValues = Record<string, string>;

/** Method knobs that Hugging Face names at the top level of GenerationParams; every other knob goes in params.method. */
const HF_TOP_LEVEL = new Set(['num_beams', 'length_penalty', 'penalty_alpha', 'top_k', 'top_p', 'temperature', 'min_p', 'typical_p', 'repetition_penalty']);

/** Form key of a method knob (kept apart from the Hugging Face fields: contrastive search's top_k is not the sampler's). */
export const methodKey = (name: string) => `method.${name}`;

/** Whether a method uses the num_beams field (otherwise the field is dimmed and left out of the request). */
export const usesBeams = (method: MethodDescription | undefined) => Boolean(method?.params?.some((p) => p.name === 'num_beams'));

/**
 * The selected method's own knobs as fields (from the engine's method list): ranges from the engine, empty = the
 * method's default. num_beams stays in the main grid.
 */
export function methodFields(method: MethodDescription | undefined): FieldSpec[] {
  return (method?.params ?? [])
    .filter((p) => p.name !== 'num_beams')
    .map((p) => ({
      name: p.name,
      label: p.name,
      kind: Number.isInteger(p.step) && Number.isInteger(p.default) ? 'int' : 'float',
      min: p.min,
      max: p.max,
      step: p.step,
      optional: true,
      help: `${p.help} (default ${p.default}, ${p.min}–${p.max})`,
    }));
}

export const DEFAULT_FORM: FormValues = {
  max_new_tokens: '48',
  do_sample: 'false',
  temperature: '0.8',
  top_k: '50',
  top_p: '0.95',
  min_p: '',
  typical_p: '',
  repetition_penalty: '',
  num_beams: '',
  seed: '42',
};

/** Returns the parsed value, undefined for an empty optional field, or an error message. */
export function parseField(spec: FieldSpec, text: string): { value?: number | boolean; error?: string } {
  const t = text.trim();
  if (spec.kind === 'bool') return { value: t === 'true' };
  if (t === '') return spec.optional ? {} : { error: `${spec.name} is required` };
  const n = Number(t);
  if (!Number.isFinite(n) || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return { error: `${spec.name} must be a number` };
  if (spec.kind === 'int' && !Number.isInteger(n)) return { error: `${spec.name} must be a whole number` };
  if (spec.gt !== undefined && !(n > spec.gt)) return { error: `${spec.name} must be greater than ${spec.gt}` };
  if (spec.min !== undefined && n < spec.min) return { error: `${spec.name} must be at least ${spec.min}` };
  if (spec.max !== undefined && n > spec.max) return { error: `${spec.name} must be at most ${spec.max}` };
  return { value: n };
}

/** Field errors keyed by form key; a method's knobs are checked only for that method. */
export function formErrors(values: FormValues, method?: MethodDescription): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of FIELDS) {
    const r = parseField(f, values[f.name] ?? '');
    if (r.error) errors[f.name] = r.error;
  }
  for (const f of methodFields(method)) {
    const r = parseField(f, values[methodKey(f.name)] ?? '');
    if (r.error) errors[methodKey(f.name)] = r.error;
  }
  return errors;
}

/** Builds the RunRequest, or returns the field errors when any value is malformed. */
export function buildRunRequest(
  values: FormValues,
  method: string,
  prompt: string,
  model?: string,
  description?: MethodDescription,
): { request?: RunRequest; errors: Record<string, string> } {
  const errors = formErrors(values, description);
  if (Object.keys(errors).length > 0) return { errors };
  const params: Record<string, unknown> = {};
  const sampling = values.do_sample === 'true';
  for (const f of FIELDS) {
    // Sampling knobs are left out of greedy runs so the trace records only what took effect; likewise num_beams
    // for a method that decodes one sequence (when the method list is known).
    if (f.sampling && !sampling) continue;
    if (f.name === 'num_beams' && description && !usesBeams(description)) continue;
    const r = parseField(f, values[f.name] ?? '');
    if (r.value !== undefined) params[f.name] = r.value;
  }
  const knobs: Record<string, number> = {};
  for (const f of methodFields(description)) {
    const r = parseField(f, values[methodKey(f.name)] ?? '');
    if (typeof r.value !== 'number') continue;
    if (HF_TOP_LEVEL.has(f.name)) params[f.name] = r.value;
    else knobs[f.name] = r.value;
  }
  if (Object.keys(knobs).length > 0) params.method = knobs;
  return {
    request: { method, prompt, params: params as unknown as GenerationParams, ...(model ? { model } : {}), ...recordFromForm(values) },
    errors,
  };
}
