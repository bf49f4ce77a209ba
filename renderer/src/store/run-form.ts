/**
 * The run panel's parameters: Hugging Face names, ranges, and parsing that refuses malformed values at
 * the field (the message says what is allowed). Pure, so tests cover every rule.
 */
import { recordFromForm } from '../views/internals/RecordInternalsField';
import type { GenerationParams } from '../../../engine/trace/schema';
import type { RunRequest } from '../../../engine/protocol/messages';

export interface FieldSpec {
  name: keyof GenerationParams & string;
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

export function formErrors(values: FormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of FIELDS) {
    const r = parseField(f, values[f.name] ?? '');
    if (r.error) errors[f.name] = r.error;
  }
  return errors;
}

/** Builds the RunRequest, or returns the field errors when any value is malformed. */
export function buildRunRequest(
  values: FormValues,
  method: string,
  prompt: string,
  model?: string,
): { request?: RunRequest; errors: Record<string, string> } {
  const errors = formErrors(values);
  if (Object.keys(errors).length > 0) return { errors };
  const params: Record<string, number | boolean> = {};
  const sampling = values.do_sample === 'true';
  for (const f of FIELDS) {
    // Sampling knobs are left out of greedy runs so the trace records only what took effect.
    if (f.sampling && !sampling) continue;
    const r = parseField(f, values[f.name] ?? '');
    if (r.value !== undefined) params[f.name] = r.value;
  }
  return {
    request: { method, prompt, params: params as unknown as GenerationParams, ...(model ? { model } : {}), ...recordFromForm(values) },
    errors,
  };
}
