// `decodescope check-lossless`: the spawned command on the bundled models (exit 0 when identical, 1 when a lossy
// option makes a difference, the table with its numbers), and usage errors in-process.
import { describe, expect, it } from 'vitest';
import { cli, inProcess } from './cli-helpers';
import { haveModels } from '../speculative/engine-run';

const SLOW = 300_000;

describe.skipIf(!haveModels)('decodescope check-lossless (spawned, bundled models)', () => {
  it('greedy: a lossless method prints one "identical" row per prompt and exits 0', async () => {
    const r = await cli(['check-lossless', '--method', 'prompt-lookup', '--prompt', 'def add(a, b):', '--prompt', 'for i in range(10):', '--max-new-tokens', '8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^check-lossless: prompt-lookup vs autoregressive, greedy, 8 tokens per prompt$/m);
    expect(r.stdout).toMatch(/^1 +def add\(a, b\): +8\/8 +\d+\/8 +identical$/m);
    expect(r.stdout).toMatch(/^2 +for i in range\(10\): +8\/8 +\d+\/8 +identical$/m);
    expect(r.stdout).toMatch(/^identical on 2\/2 prompts, 16 tokens$/m);
  }, SLOW);

  it('sampling: Medusa typical acceptance is reported DIFFERENT with its numbers and exits 1', async () => {
    const r = await cli(['check-lossless', '--method', 'medusa', '--sampling', '--samples', '30', '--max-new-tokens', '2', '--param', 'typical_acceptance=1', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ mode: 'sampling', method: 'medusa', samples: 30, positions: 2, verdict: 'different', lossless: false });
    expect(report.results).toHaveLength(2);
    expect(report.results[1].adjustedP).toBeLessThan(0.01);
  }, SLOW);
});

describe('decodescope check-lossless usage', () => {
  it('names the missing or misused flag and exits 2', async () => {
    const missing = await inProcess(['check-lossless']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--method is required/);
    const greedySamples = await inProcess(['check-lossless', '--method', 'speculative', '--samples', '100']);
    expect(greedySamples.code).toBe(2);
    expect(greedySamples.stderr).toMatch(/--samples applies to --sampling only/);
    const few = await inProcess(['check-lossless', '--method', 'speculative', '--sampling', '--samples', '5']);
    expect(few.stderr).toMatch(/--samples must be an integer in 10\.\.10000, got '5'/);
    const unknown = await inProcess(['check-lossless', '--method', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--method: unknown method 'nope'/);
  });
  it('is listed in the main help and has its own', async () => {
    expect((await inProcess(['--help'])).stdout).toMatch(/check-lossless +does a method change the output/);
    const help = await inProcess(['check-lossless', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--sampling +compare sampled outputs/);
  });
});
