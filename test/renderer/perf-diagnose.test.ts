import { describe, expect, it } from 'vitest';
import { cpuPerStep, summariseProfile } from '../e2e/perf/diagnose';

const meta = [{ name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: 7, args: { name: 'CrRendererMain' } }];
const ev = (name: string, ts: number, dur: number, tdur: number, tid = 7) => ({ name, ph: 'X', ts, dur, tdur, pid: 1, tid });

describe('UI benchmark diagnostics', () => {
  it('counts main-thread CPU once per top-level task and splits it into outermost phases', () => {
    const events = [
      ...meta,
      ev('ThreadControllerImpl::RunTask', 0, 10_000, 8_000),
      // a nested task and a nested layout inside a layout are not counted twice
      ev('ThreadControllerImpl::RunTask', 1_000, 2_000, 2_000),
      ev('FunctionCall', 1_000, 5_000, 4_000),
      ev('Layout', 2_000, 3_000, 3_000),
      ev('Layout', 2_500, 1_000, 1_000),
      ev('ThreadControllerImpl::RunTask', 20_000, 4_000, 2_000),
      ev('Paint', 21_000, 1_000, 1_000),
      // another thread is ignored
      ev('ThreadControllerImpl::RunTask', 0, 50_000, 50_000, 9),
    ];
    const cpu = cpuPerStep(events, 2);
    expect(cpu.total).toBeCloseTo(5); // (8 + 2) ms over 2 steps
    expect(cpu.script).toBeCloseTo(2);
    expect(cpu.layout).toBeCloseTo(1.5);
    expect(cpu.paint).toBeCloseTo(0.5);
  });

  it('attributes profile samples to a function as self time and to its callers as inclusive time', () => {
    const frame = (functionName: string) => ({ functionName, url: 'http://x/app.js', lineNumber: 1 });
    const nodes = [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      { id: 2, callFrame: frame('render'), hitCount: 1, children: [3] },
      { id: 3, callFrame: frame('layout'), hitCount: 3 },
    ];
    const lines = summariseProfile(nodes, 1, 1);
    expect(lines.find((l) => l.includes('self') && !l.includes('incl') && l.includes('layout'))).toMatch(/^\s+3\.00 self/);
    expect(lines.find((l) => l.includes('incl') && l.includes('render'))).toMatch(/^\s+4\.00 incl\s+1\.00 self/);
  });
});
