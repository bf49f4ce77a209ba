/**
 * Compare view logic on two recorded traces (test/fixtures/traces/fork: a greedy run on the bundled target and
 * its what-if fork at output 5): alignment, the first divergence, both distributions there; the run set.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexRecords } from '../../renderer/src/trace/trace-index';
import { parseTraceText } from '../../renderer/src/trace/parse-trace';
import { alignRuns, columnWindow, divergenceDetail, topBars, distributionAt } from '../../renderer/src/compare/align';
import { attachRunSet, createRunSetStore, showRun } from '../../renderer/src/compare/run-set';
import { runSetFiles } from '../../renderer/src/compare/save-run-set';
import { createAppStore } from '../../renderer/src/store/store';
import { forkBlocker, outputIndexOfDist } from '../../renderer/src/compare/fork-run';

const load = (name: string) => indexRecords(parseTraceText(readFileSync(`test/fixtures/traces/fork/${name}`, 'utf8'), name).records);
const parent = load('parent.trace.jsonl');
const fork = load('fork.trace.jsonl');
const AT = fork.header!.fork!.outputIndex;

describe('alignment of two runs', () => {
  it('finds the first divergence at the fork position, with both tokens', () => {
    expect(AT).toBe(5);
    const al = alignRuns(parent, fork);
    expect(al.divergence).toBe(AT);
    expect(al.samePrompt).toBe(true);
    expect(al.rows.slice(0, AT).every((r) => r.same)).toBe(true);
    const row = al.rows[AT]!;
    expect(row.same).toBe(false);
    expect(row.a!.id).toBe(fork.header!.fork!.originalTokenId);
    expect(row.b!.id).toBe(fork.header!.fork!.tokenId);
    expect(row.b!.source).toBe('forced');
    expect(al.aLength).toBe(16);
    expect(al.rows).toHaveLength(Math.max(parent.output.length, fork.output.length));
  });

  it('shows both distributions at the divergence, each run marking its own token and the other one', () => {
    const d = divergenceDetail(parent, fork, AT);
    expect(d.a.dist?.distId).toBe(parent.output[AT]!.distId);
    expect(d.a.bars.find((b) => b.chosen)?.id).toBe(parent.output[AT]!.id);
    expect(d.a.bars.find((b) => b.other)?.id).toBe(fork.output[AT]!.id);
    expect(d.b.bars.find((b) => b.chosen)?.id).toBe(fork.output[AT]!.id);
    // Same prefix, so the same distribution at the fork point: each side's view of the other token agrees.
    expect(d.a.otherProb).toBeCloseTo(d.b.token!.prob!, 5);
    expect(d.b.otherProb).toBeCloseTo(d.a.token!.prob!, 5);
    expect(d.a.token!.prob!).toBeGreaterThan(d.b.token!.prob!);
  });

  it('reports identical runs as such, and a run that stops early as the divergence', () => {
    expect(alignRuns(parent, parent).divergence).toBeNull();
    const upTo = parent.records.findIndex((r) => r.type === 'commit' && r.outputIndex === 3);
    const short = indexRecords(parent.records.slice(0, upTo));
    const al = alignRuns(parent, short);
    expect(al.divergence).toBe(3);
    expect(al.rows[3]!.b).toBeNull();
    expect(divergenceDetail(parent, short, 3).b.ended).toMatch(/only 3 tokens so far/);
  });

  it('keeps the chosen and the other token in the bars even outside the top rows', () => {
    const dist = distributionAt(parent, AT)!;
    const last = dist.processed.topk[dist.processed.topk.length - 1]!.id;
    const bars = topBars(dist, parent.output[AT]!.id, last, 2);
    expect(bars.map((b) => b.id)).toContain(last);
    expect(bars.find((b) => b.id === last)!.other).toBe(true);
  });

  it('windows the columns around the focus, using the room at the end for earlier context', () => {
    const widths = Array.from({ length: 30 }, () => 10);
    expect(columnWindow(widths, 12, 100)).toEqual({ start: 8, end: 18 });
    expect(columnWindow(widths, 28, 100)).toEqual({ start: 20, end: 30 });
    expect(columnWindow(widths, 0, 1000)).toEqual({ start: 0, end: 30 });
  });
});

describe('run set', () => {
  it('keeps the original and its forks, switches between them, and starts over for another trace', () => {
    const app = createAppStore();
    const set = createRunSetStore();
    const detach = attachRunSet(app, set);
    app.getState().loadTrace('trace', 'parent.trace.jsonl', parent);
    const originalId = set.getState().runs[0]!.id;
    const forkId = set.getState().add({ name: 'fork 1', index: fork, kind: 'fork', parentId: originalId, fork: { outputIndex: 5, tokenId: 321, originalTokenId: 466 }, status: 'ended', runId: null, sourceKind: 'live' });
    expect(set.getState().compareA).toBe(originalId);
    expect(set.getState().compareB).toBe(forkId);
    app.getState().setMainTab('compare');
    showRun(app, forkId, set);
    expect(app.getState().trace).toBe(fork);
    expect(app.getState().mainTab).toBe('compare');
    expect(set.getState().activeId).toBe(forkId);
    expect(set.getState().runs).toHaveLength(2);
    app.getState().loadTrace('trace', 'other.trace.jsonl', load('parent.trace.jsonl'));
    expect(set.getState().runs).toHaveLength(1);
    detach();
  });

  it('saves the original and each fork as its own file, the fork header naming the parent file', () => {
    const set = createRunSetStore();
    const id = set.getState().reset({ name: 'parent.trace.jsonl', index: parent, status: 'ended', runId: null, sourceKind: 'trace' });
    set.getState().add({ name: 'fork 1', index: fork, kind: 'fork', parentId: id, fork: { outputIndex: 5, tokenId: 321, originalTokenId: 466 }, status: 'ended', runId: null, sourceKind: 'live' });
    const files = runSetFiles(set.getState().runs);
    expect(files.map((f) => f.name)).toEqual(['parent.trace.jsonl', 'parent.fork1-at5.trace.jsonl']);
    const reread = parseTraceText(files[1]!.text, files[1]!.name);
    expect(reread.warnings).toEqual([]);
    const h = reread.records.find((r) => r.type === 'header');
    expect(h?.type === 'header' && h.fork?.parent).toBe('parent.trace.jsonl');
    expect(h?.type === 'header' && h.fork?.parentCreatedAt).toBe(parent.header!.createdAt);
    expect(files[0]!.text.split('\n').length).toBe(parent.records.length + 1);
  });
});

describe('fork action', () => {
  it('finds the output position a distribution decided, and says why a fork is not possible', () => {
    expect(outputIndexOfDist(parent, parent.output[AT]!.distId!)).toBe(AT);
    expect(outputIndexOfDist(parent, 'no-such-dist')).toBeNull();
    const app = createAppStore();
    expect(forkBlocker(app, parent)).toMatch(/no engine is connected/);
    app.getState().setEngine({ transport: 'websocket', engineStatus: { state: 'ready' } });
    expect(forkBlocker(app, parent)).toBeNull();
    app.getState().setRun('r1', 'running');
    expect(forkBlocker(app, parent)).toMatch(/Wait for the run to end/);
    const beam = indexRecords(parseTraceText(readFileSync('assets/demo/beam.trace.jsonl', 'utf8'), 'beam').records);
    expect(forkBlocker(createAppStore(), beam)).toMatch(/beam search/);
  });
});
