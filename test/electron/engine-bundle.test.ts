/**
 * The bundles Electron runs, checked without Electron: esbuild output exists, the preload needs
 * nothing but electron, and out/electron/engine.cjs (the utilityProcess entry) serves a real greedy
 * run when given a parentPort, from a working directory that is not the repository.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../scripts/build-electron.mjs';

// A private build: other test files build out/electron too, possibly at the same time.
const out = join(process.cwd(), 'out', `test-bundle-${process.pid}`, 'electron');

beforeAll(async () => {
  await buildElectron({ outDir: out });
});

afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

describe('Electron bundles', () => {
  it('the sandboxed preload requires electron and nothing else', () => {
    const preload = readFileSync(join(out, 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('main and engine keep onnxruntime-node external and leave no import.meta behind', () => {
    const engine = readFileSync(join(out, 'engine.cjs'), 'utf8');
    const main = readFileSync(join(out, 'main.cjs'), 'utf8');
    expect(engine).toContain('require("onnxruntime-node")');
    expect(engine).not.toMatch(/\bimport\.meta\b/);
    expect(main).not.toMatch(/\bimport\.meta\b/);
    expect(main).not.toContain('onnxruntime');
  });

  it('engine.cjs runs a greedy request over its parent port', () => {
    const result = spawnSync(
      process.execPath,
      ['--require', join(__dirname, 'fixtures', 'fake-parent-port.cjs'), join(out, 'engine.cjs')],
      { cwd: tmpdir(), encoding: 'utf8', timeout: 150_000, env: { ...process.env, DECODESCOPE_MODELS_DIR: join(process.cwd(), 'assets', 'models') } },
    );
    expect(result.stderr).not.toContain('no run_end');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ fromEngine: { type: 'ready' } });
    expect(lines.find((m) => m.kind === 'response' && m.id === 1)).toMatchObject({ ok: true, result: { protocol: 1 } });
    const commits = lines.filter((m) => m.kind === 'record' && (m.record as { type: string }).type === 'commit');
    expect(commits).toHaveLength(3);
    expect(lines.at(-1)).toMatchObject({ kind: 'run_end', status: 'completed' });
  });
});
