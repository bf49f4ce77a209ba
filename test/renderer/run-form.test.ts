import { describe, expect, it } from 'vitest';
import { FIELDS, DEFAULT_FORM, buildRunRequest, parseField, formErrors } from '../../renderer/src/store/run-form';
import { RunRequest } from '../../engine/protocol/messages';

const field = (name: string) => FIELDS.find((f) => f.name === name)!;

describe('run parameters', () => {
  it('refuses malformed values at the field, saying what is allowed', () => {
    expect(parseField(field('temperature'), '0').error).toMatch(/greater than 0/);
    expect(parseField(field('temperature'), 'warm').error).toMatch(/number/);
    expect(parseField(field('top_p'), '1.5').error).toMatch(/at most 1/);
    expect(parseField(field('top_k'), '2.5').error).toMatch(/whole number/);
    expect(parseField(field('max_new_tokens'), '').error).toMatch(/required/);
    expect(parseField(field('max_new_tokens'), '1e2').value).toBe(100);
    expect(parseField(field('min_p'), '').value).toBeUndefined();
  });

  it('builds a RunRequest the protocol accepts; greedy runs leave out the sampling knobs', () => {
    const greedy = buildRunRequest(DEFAULT_FORM, 'autoregressive', 'def f(');
    expect(greedy.errors).toEqual({});
    expect(RunRequest.safeParse(greedy.request).success).toBe(true);
    expect(greedy.request!.params.temperature).toBeUndefined();
    const sampled = buildRunRequest({ ...DEFAULT_FORM, do_sample: 'true' }, 'autoregressive', 'def f(');
    expect(sampled.request!.params).toMatchObject({ do_sample: true, temperature: 0.8, top_k: 50, top_p: 0.95, seed: 42 });
    expect(RunRequest.safeParse(sampled.request).success).toBe(true);
  });

  it('returns no request while any field is malformed', () => {
    const r = buildRunRequest({ ...DEFAULT_FORM, seed: '-3' }, 'autoregressive', 'x');
    expect(r.request).toBeUndefined();
    expect(Object.keys(formErrors({ ...DEFAULT_FORM, seed: '-3' }))).toEqual(['seed']);
  });
});
