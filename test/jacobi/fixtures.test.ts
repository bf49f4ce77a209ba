/**
 * The Jacobi-family strategies on the tiny fixture exports (fp16 with external data, no position_ids input,
 * merged use_cache_branch): they must run on every I/O convention and still give the greedy output.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { startRun } from '../../engine/runner/start-run';

const FIXTURES = ['tiny-llama-fp16', 'tiny-gpt2-style-no-position-ids', 'tiny-llama-merged'];
const METHODS: [string, Record<string, number | string>][] = [
  ['jacobi', { block: 4 }],
  ['jacobi_kv', { block: 4 }],
  ['lookahead', { level: 3, window: 3, guess: 2 }],
  ['lookahead', { level: 3, window: 3, guess: 2, passes: 'separate' }],
  ['sjd', { window: 4 }],
];

async function ids(model: string, method: string, knobs: Record<string, number | string> = {}) {
  const footer = await startRun({ method, prompt: 'def f', model, params: { max_new_tokens: 16, do_sample: false, eos_token_id: [], method: knobs } }, () => {}).done;
  expect(footer.status, footer.error).toBe('completed');
  return footer.summary.tokenIds;
}

describe('Jacobi-family strategies on fixture exports', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture}: every method equals greedy`, async () => {
      const model = resolve('test/fixtures/models', fixture);
      const greedy = await ids(model, 'autoregressive');
      expect(greedy).toHaveLength(16);
      for (const [method, knobs] of METHODS) expect(await ids(model, method, knobs), `${method} ${JSON.stringify(knobs)}`).toEqual(greedy);
    });
  }

  it("refuses 'single' lookahead passes on a model without a 4-D mask input", async () => {
    const model = resolve('test/fixtures/models', 'tiny-llama-merged');
    await expect(startRun({ method: 'lookahead', prompt: 'def f', model, params: { max_new_tokens: 4, do_sample: false, method: { passes: 'single' } } }, () => {}).done).rejects.toThrow(
      /passes: 'single' needs a model with a 4-D attention mask/,
    );
  });
});
