/** View models of the Jacobi and lookahead views, on real engine traces written by the CLI. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexRecords, type TraceIndex } from '../../renderer/src/trace/trace-index';
import { parseTraceText } from '../../renderer/src/trace/parse-trace';
import { traceExtras } from '../../renderer/src/views/trace-extras';
import { blockForStep, dependents, dependsOn, jacobiBlocks, jacobiGrid } from '../../renderer/src/views/jacobi/jacobi-model';
import { poolAfter, windowLayout } from '../../renderer/src/views/jacobi/lookahead-model';

function runCli(args: string[]): TraceIndex {
  const out = join(mkdtempSync(join(tmpdir(), 'jacobi-views-')), 't.trace.jsonl');
  execFileSync('node', ['engine/cli/decodescope.mjs', 'run', '--prompt', 'def parse_args(', '--out', out, ...args], { stdio: 'pipe' });
  return indexRecords(parseTraceText(readFileSync(out, 'utf8')).records);
}

describe('Jacobi dependency grid (jacobi_kv run)', () => {
  let trace: TraceIndex;
  beforeAll(() => {
    trace = runCli(['--method', 'jacobi_kv', '--max-new-tokens', '20']);
  }, 240_000);

  it('groups iterations into blocks that tile the output', () => {
    const blocks = jacobiBlocks(traceExtras(trace).jacobi);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) {
      expect(b.rows.map((r) => r.iteration)).toEqual(b.rows.map((_, i) => b.rows[0]!.iteration + i));
      expect(blockForStep(blocks, b.firstStep)).toBe(b);
    }
  });

  it('marks converged cells final, keeps the staircase monotone, and never flags converged cells as lucky', () => {
    for (const b of jacobiBlocks(traceExtras(trace).jacobi)) {
      const grid = jacobiGrid(b, (i) => trace.output[b.blockStart + i]?.id);
      for (let t = 1; t < grid.staircase.length; t++) expect(grid.staircase[t]!).toBeGreaterThanOrEqual(grid.staircase[t - 1]!);
      for (const row of grid.cells)
        for (const c of row) {
          if (c.converged && c.tokenId !== undefined) expect(c.final).toBe(true);
          if (c.rightDespiteWrongContext) expect(c.final && !c.converged).toBe(true);
        }
    }
  });

  it('links a cell to the previous row on its left and the next row on its right', () => {
    const b = jacobiBlocks(traceExtras(trace).jacobi).find((x) => x.rows.length >= 3)!;
    const grid = jacobiGrid(b, (i) => trace.output[b.blockStart + i]?.id);
    expect(dependsOn(grid, 1, 3).every(([t, i]) => t === 0 && i < 3)).toBe(true);
    expect(dependsOn(grid, 1, 3)).toHaveLength(3);
    expect(dependents(grid, 1, 3).every(([t, i]) => t === 2 && i > 3)).toBe(true);
    expect(dependsOn(grid, 0, 5)).toEqual([]);
  });
});

describe('lookahead view model', () => {
  let trace: TraceIndex;
  beforeAll(() => {
    trace = runCli(['--method', 'lookahead', '--max-new-tokens', '12']);
  }, 400_000);

  it('aligns window levels on absolute positions, the new level one position past the top level', () => {
    const recs = traceExtras(trace).lookahead;
    expect(recs.length).toBeGreaterThan(0);
    for (const r of recs) {
      const w = windowLayout(r);
      const top = r.window.at(-1)!;
      expect(w.rows.at(-1)!.startPosition).toBe(top.startPosition + 1);
      expect(w.start).toBeLessThanOrEqual(r.last.position + 1);
    }
  });

  it('rebuilds a pool whose size matches the recorded pool size', () => {
    const recs = traceExtras(trace).lookahead;
    for (const r of recs) {
      const pool = poolAfter(recs, r.step);
      let n = 0;
      for (const list of pool.values()) n += list.length;
      expect(n).toBe(r.poolSize);
      const touched = [...pool.values()].flat().filter((e) => e.touched).length;
      expect(touched).toBeLessThanOrEqual(r.poolInsertions.length);
    }
  });
});
