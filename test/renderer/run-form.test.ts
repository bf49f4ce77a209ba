import { describe, expect, it } from 'vitest';
import { FIELDS, DEFAULT_FORM, buildRunRequest, parseField, formErrors, methodFields, methodKey } from '../../renderer/src/store/run-form';
import { listMethods } from '../../engine/strategies/registry';
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

  it("sends the selected method's own knobs: HF-named ones at the top level, the rest in params.method", () => {
    const methods = listMethods();
    const method = (name: string) => methods.find((m) => m.name === name)!;
    const eagle = method('eagle');
    expect(methodFields(eagle).map((f) => f.name)).toEqual(['eagle_topk', 'eagle_depth', 'tree_nodes']);
    const r = buildRunRequest({ ...DEFAULT_FORM, [methodKey('eagle_depth')]: '5', [methodKey('tree_nodes')]: '' }, 'eagle', 'x', undefined, eagle);
    expect(r.request!.params.method).toEqual({ eagle_depth: 5 });
    expect(RunRequest.safeParse(r.request).success).toBe(true);
    // contrastive search's top_k is a Hugging Face name: it goes top level, even in a greedy run.
    const contrastive = buildRunRequest({ ...DEFAULT_FORM, [methodKey('top_k')]: '6', [methodKey('penalty_alpha')]: '0.4' }, 'contrastive_search', 'x', undefined, method('contrastive_search'));
    expect(contrastive.request!.params).toMatchObject({ top_k: 6, penalty_alpha: 0.4 });
    expect(contrastive.request!.params.method).toBeUndefined();
  });

  it("checks a method knob against the engine's range, and only for the selected method", () => {
    const eagle = listMethods().find((m) => m.name === 'eagle')!;
    const bad = { ...DEFAULT_FORM, [methodKey('eagle_depth')]: '99' };
    expect(formErrors(bad, eagle)[methodKey('eagle_depth')]).toMatch(/at most 8/);
    expect(buildRunRequest(bad, 'eagle', 'x', undefined, eagle).request).toBeUndefined();
    expect(formErrors(bad, listMethods().find((m) => m.name === 'jacobi'))).toEqual({});
  });

  it('leaves num_beams out for a method that decodes one sequence, keeps it for beam search', () => {
    const methods = listMethods();
    const values = { ...DEFAULT_FORM, num_beams: '3' };
    expect(buildRunRequest(values, 'autoregressive', 'x', undefined, methods.find((m) => m.name === 'autoregressive')).request!.params.num_beams).toBeUndefined();
    expect(buildRunRequest(values, 'beam_search', 'x', undefined, methods.find((m) => m.name === 'beam_search')).request!.params.num_beams).toBe(3);
  });
});
