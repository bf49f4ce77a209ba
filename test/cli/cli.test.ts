// The real CLI, spawned as a child process, on the real bundled models (few tokens per run).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../../engine/trace/read-file';
import { cli, ROOT } from './cli-helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'ds-cli-'));
const SUMMARY_KEYS = ['text', 'tokenIds', 'newTokens', 'targetForwardPasses', 'tau', 'acceptanceRate', 'wallMs', 'tokensPerSecond'];

describe('decodescope run', () => {
  it('--json prints one line with the documented keys; --out writes a valid trace with the same tokens', async () => {
    const out = join(tmp(), 'run.jsonl.gz');
    const r = cli(['run', '--prompt', 'def add(a, b):', '--max-new-tokens', '6', '--json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]);
    expect(Object.keys(summary).sort()).toEqual([...SUMMARY_KEYS].sort());
    expect(summary.newTokens).toBe(6);
    expect(summary.tokenIds).toHaveLength(6);
    expect(summary.tau).toBe(1);
    expect(summary.acceptanceRate).toBeNull();
    expect(summary.targetForwardPasses).toBe(6);
    const trace = await readTraceFile(out);
    expect(trace.errors).toEqual([]);
    expect(trace.footer?.summary.tokenIds).toEqual(summary.tokenIds);
    expect(trace.header?.params).toMatchObject({ max_new_tokens: 6, do_sample: false });
  });

  it('HF-named sampling flags reach the trace header; the same seed gives the same tokens', () => {
    const args = ['run', '--prompt', 'import', '--max-new-tokens', '5', '--do-sample', '--temperature', '0.7', '--top-k', '30', '--top-p', '0.9', '--seed', '11', '--json'];
    const a = cli(args);
    const b = cli(args);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).tokenIds).toEqual(JSON.parse(b.stdout).tokenIds);
  });

  it('bad values and unknown flags exit 2 with a message naming the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['run', '--bogus'], /unknown option --bogus/],
      [['run', '--top-p', '1.5'], /--top-p must be a number in \(0, 1\], got '1.5'/],
      [['run', '--max-new-tokens', 'ten'], /--max-new-tokens must be an integer/],
      [['run', '--temperature', '0'], /--temperature must be a number > 0/],
      [['run', '--param', 'gamma'], /--param expects key=value/],
      [['run', '--prompt'], /option --prompt needs a value/],
      [['run', '--method', 'no_such_method'], /--method: unknown method 'no_such_method'/],
      [['export', join(ROOT, 'test/fixtures/traces/greedy-small.trace.jsonl'), '--format', 'svg', '--out', '-'], /--format must be perfetto or hf/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });
});

describe('decodescope validate / stats / export', () => {
  const good = join(ROOT, 'test/fixtures/traces/greedy-small.trace.jsonl');
  const broken = join(ROOT, 'test/fixtures/traces/broken');

  it('validate: 0 for a valid trace, 1 with "line N: field" for a broken one, 1 for a truncated one', () => {
    expect(cli(['validate', good]).code).toBe(0);
    const bad = cli(['validate', join(broken, 'wrong-type-field.jsonl')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line \d+: distribution\.raw\.topk\[3\]\.logprob: expected number/);
    const cut = cli(['validate', join(broken, 'truncated.jsonl')]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/truncated/);
    const v2 = cli(['validate', join(broken, 'major-version-2.jsonl'), '--json']);
    expect(v2.code).toBe(1);
    expect(JSON.parse(v2.stdout)).toMatchObject({ valid: false, fatal: expect.stringMatching(/2\.0\.0 is not supported/) });
    expect(cli(['validate', join(broken, 'no-such-file.jsonl')]).code).toBe(1);
  });

  it('stats --json: the footer summary and record counts', () => {
    const r = cli(['stats', good, '--json']);
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.summary).toMatchObject({ newTokens: 8, targetForwardPasses: 8, tau: 1 });
    expect(stats.records).toMatchObject({ model_call: 8, commit: 8 });
    expect(stats.status).toBe('completed');
    const cut = JSON.parse(cli(['stats', join(broken, 'truncated.jsonl'), '--json']).stdout);
    expect(cut.status).toBe('truncated');
    expect(cut.summarySource).toBe('records');
  });

  it('export writes Perfetto and HF JSON files', () => {
    const dir = tmp();
    for (const format of ['perfetto', 'hf']) {
      const out = join(dir, `${format}.json`);
      const r = cli(['export', good, '--format', format, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(readFileSync(out, 'utf8'));
      if (format === 'perfetto') expect(json.traceEvents.some((e: { ph: string }) => e.ph === 'X')).toBe(true);
      else expect(json.sequences[0]).toHaveLength(5 + 8);
    }
  });
});

describe('decodescope methods / models / help', () => {
  it('methods --json lists name, family, lossless and needs for each method', () => {
    const r = cli(['methods', '--json']);
    expect(r.code).toBe(0);
    const methods = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(methods.map((m) => m.name)).toContain('autoregressive');
    for (const m of methods) {
      expect(typeof m.family).toBe('string');
      expect(typeof m.lossless).toBe('boolean');
      expect(Array.isArray(m.needs)).toBe(true);
    }
  });

  it('models --json lists the bundled target and draft with capability manifests', () => {
    const r = cli(['models', '--json']);
    expect(r.code).toBe(0);
    const models = JSON.parse(r.stdout) as Array<{ id: string; manifest: { kvCache: boolean; vocabSize: number } }>;
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['target', 'draft']));
    for (const m of models) expect(m.manifest.kvCache).toBe(true);
  });

  it('every command has --help (exit 0)', () => {
    for (const command of ['run', 'methods', 'models', 'validate', 'stats', 'export', 'serve']) {
      const r = cli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`Usage: decodescope ${command}`));
    }
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:/);
  });
});
