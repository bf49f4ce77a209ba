// The CLI. Runs that decode spawn the real `decodescope` on the real bundled models (few tokens); argument and
// message checks call the same main() in-process, because each spawn costs a Node + tsx start.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../engine/index';
import { readTraceFile } from '../../engine/trace/read-file';
import { cli, inProcess, ROOT } from './cli-helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'ds-cli-'));
const SUMMARY_KEYS = ['text', 'tokenIds', 'newTokens', 'targetForwardPasses', 'tau', 'acceptanceRate', 'wallMs', 'tokensPerSecond'];
const SLOW = 300_000;
const good = join(ROOT, 'test/fixtures/traces/greedy-small.trace.jsonl');
const broken = join(ROOT, 'test/fixtures/traces/broken');

describe('decodescope run (spawned, bundled model)', () => {
  it('--json prints one line with the documented keys; --out writes a valid trace with the same tokens', async () => {
    const out = join(tmp(), 'run.jsonl.gz');
    const r = await cli(['run', '--prompt', 'def add(a, b):', '--max-new-tokens', '6', '--json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]);
    expect(Object.keys(summary).sort()).toEqual([...SUMMARY_KEYS].sort());
    expect(summary.tokenIds).toHaveLength(summary.newTokens);
    expect(summary.newTokens).toBeLessThanOrEqual(6);
    expect(summary.tau).toBe(1);
    expect(summary.acceptanceRate).toBeNull();
    expect(summary.targetForwardPasses).toBe(summary.newTokens);
    const trace = await readTraceFile(out);
    expect(trace.errors).toEqual([]);
    expect(trace.footer?.summary.tokenIds).toEqual(summary.tokenIds);
    expect(trace.header?.params).toMatchObject({ max_new_tokens: 6, do_sample: false });
  }, SLOW);

  it('HF-named sampling flags mean what they mean in the engine: same tokens as the same request in-process', async () => {
    const r = await cli(['run', '--prompt', 'import', '--max-new-tokens', '5', '--do-sample', '--temperature', '0.7', '--top-k', '30', '--top-p', '0.9', '--seed', '11', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const run = startRun(
      { method: 'autoregressive', prompt: 'import', params: { max_new_tokens: 5, do_sample: true, temperature: 0.7, top_k: 30, top_p: 0.9, seed: 11 } },
      () => {},
    );
    expect(JSON.parse(r.stdout).tokenIds).toEqual((await run.done).summary.tokenIds);
  }, SLOW);

  it('a bad flag exits 2 naming the flag', async () => {
    const [unknown, badValue] = await Promise.all([cli(['run', '--bogus']), cli(['run', '--top-p', '1.5'])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --bogus/);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/--top-p must be a number in \(0, 1\], got '1.5'/);
  }, SLOW);
});

describe('argument errors (in-process main)', () => {
  it('bad values and unknown flags give exit code 2 and a message naming the flag', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['run', '--max-new-tokens', 'ten'], /--max-new-tokens must be an integer/],
      [['run', '--temperature', '0'], /--temperature must be a number > 0/],
      [['run', '--num-beams', '0'], /--num-beams must be an integer >= 1/],
      [['run', '--param', 'gamma'], /--param expects key=value/],
      [['run', '--prompt'], /option --prompt needs a value/],
      [['run', '--json=yes'], /option --json does not take a value/],
      [['run', '--max-new-tokens', '-3'], /option --max-new-tokens needs a value; one that starts with '-' is written --max-new-tokens=-…/],
      [['run', '--max-new-tokens=-3'], /--max-new-tokens must be an integer in 1..100000, got '-3'/],
      [['run', '--method', 'no_such_method'], /--method: unknown method 'no_such_method'/],
      [['validate'], /missing FILE/],
      [['export', good, '--format', 'svg', '--out', '-'], /--format must be one of perfetto, hf, html/],
      [['export', good, '--format', 'hf'], /missing --out/],
      [['serve', '--port', '70000'], /--port must be an integer port/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(2);
    }
  }, SLOW);

  it('every command has --help (exit 0)', async () => {
    for (const command of ['run', 'methods', 'models', 'validate', 'stats', 'export', 'serve']) {
      const r = await inProcess([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`Usage: decodescope ${command}`));
    }
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:/);
  }, SLOW);
});

describe('decodescope validate / stats / export', () => {
  it('validate: 0 for a valid trace, 1 with "line N: field" for a broken one, 1 for a truncated or refused one', async () => {
    const [ok, bad] = await Promise.all([cli(['validate', good]), cli(['validate', join(broken, 'wrong-type-field.jsonl')])]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line \d+: distribution\.raw\.topk\[3\]\.logprob: expected number/);
    const cut = await inProcess(['validate', join(broken, 'truncated.jsonl')]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/truncated/);
    const v2 = await inProcess(['validate', join(broken, 'major-version-2.jsonl'), '--json']);
    expect(v2.code).toBe(1);
    expect(JSON.parse(v2.stdout)).toMatchObject({ valid: false, fatal: expect.stringMatching(/2\.0\.0 is not supported/) });
    const missing = await inProcess(['validate', join(broken, 'no-such-file.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
  }, SLOW);

  it('stats --json: the footer summary and record counts; a truncated trace gets a derived summary', async () => {
    const r = await cli(['stats', good, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.summary).toMatchObject({ newTokens: 8, targetForwardPasses: 8, tau: 1 });
    expect(stats.records).toMatchObject({ model_call: 8, commit: 8 });
    expect(stats.status).toBe('completed');
    const cut = JSON.parse((await inProcess(['stats', join(broken, 'truncated.jsonl'), '--json'])).stdout);
    expect(cut.status).toBe('truncated');
    expect(cut.summarySource).toBe('records');
    expect(cut.summary.newTokens).toBe(cut.records.commit);
  }, SLOW);

  it('export writes Perfetto and HF JSON files', async () => {
    const dir = tmp();
    const formats = ['perfetto', 'hf'];
    const results = await Promise.all(formats.map((format) => cli(['export', good, '--format', format, '--out', join(dir, `${format}.json`)])));
    for (const [i, format] of formats.entries()) {
      expect(results[i].code, results[i].stderr).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, `${format}.json`), 'utf8'));
      if (format === 'perfetto') expect(json.traceEvents.some((e: { ph: string }) => e.ph === 'X')).toBe(true);
      else expect(json.sequences[0]).toHaveLength(5 + 8);
    }
  }, SLOW);
});

describe('decodescope methods / models (spawned)', () => {
  it('methods --json lists name, family, lossless and needs for each method', async () => {
    const r = await cli(['methods', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const methods = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(methods.map((m) => m.name)).toContain('autoregressive');
    for (const m of methods) {
      expect(typeof m.family).toBe('string');
      expect(typeof m.lossless).toBe('boolean');
      expect(Array.isArray(m.needs)).toBe(true);
    }
  }, SLOW);

  it('models --json lists the bundled target and draft with capability manifests', async () => {
    const r = await cli(['models', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const models = JSON.parse(r.stdout) as Array<{ id: string; manifest: { kvCache: boolean; vocabSize: number } }>;
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['target', 'draft']));
    for (const m of models) expect(m.manifest.kvCache).toBe(true);
  }, SLOW);
});
