import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexRecords, traceToJsonl, TraceIndex } from '../../renderer/src/trace/trace-index';
import * as C from '../../renderer/src/trace/cursor';
import { parseTraceText, TraceParseError } from '../../renderer/src/trace/parse-trace';
import { distributionView, drawView } from '../../renderer/src/trace/distribution-model';
import { FrameBatcher } from '../../renderer/src/store/live-run';
import { syntheticTrace, toJsonl } from './fixtures/synthetic-trace';

describe('trace index', () => {
  const index = indexRecords(syntheticTrace({ steps: 12, sample: true }));

  it('indexes steps, output tokens and distributions', () => {
    expect(index.steps).toHaveLength(12);
    expect(index.output).toHaveLength(12);
    expect(index.output[3]!.stepIdx).toBe(3);
    expect(index.mainDistribution(3)?.step).toBe(3);
    expect(index.choiceFor(index.output[3]!)?.tokenId).toBe(index.output[3]!.id);
    expect(index.metrics().tokens).toBe(12);
  });

  it('round-trips to the same JSONL text it was built from', () => {
    const text = toJsonl(syntheticTrace({ steps: 5 }));
    expect(traceToJsonl(indexRecords(parseTraceText(text).records))).toBe(text);
  });

  it('derives metrics from the records when there is no footer (live run)', () => {
    const records = syntheticTrace({ steps: 6 }).filter((r) => r.type !== 'footer');
    const live = new TraceIndex();
    live.append(records);
    const m = live.metrics();
    expect(m.tokens).toBe(6);
    expect(m.targetForwardPasses).toBe(6);
    expect(m.tau).toBe(1);
    expect(m.acceptanceRate).toBeNull();
  });
});

describe('cursor stepping (debugger semantics)', () => {
  const index = indexRecords(syntheticTrace({ steps: 4 }));
  const commit = index.phasesOf(0).length - 1;

  it('F10 goes commit to commit; ← goes back', () => {
    let c = C.first(index);
    expect(c).toEqual({ stepIdx: 0, phase: commit });
    c = C.nextToken(index, c);
    expect(c).toEqual({ stepIdx: 1, phase: commit });
    c = C.prevToken(index, c);
    expect(c.stepIdx).toBe(0);
    expect(C.nextToken(index, C.last(index))).toEqual(C.last(index));
  });

  it('F11 walks forward → processors → draw → commit, then into the next step', () => {
    expect(index.phasesOf(1)).toEqual(['forward', 'processors', 'draw', 'commit']);
    let c = C.first(index);
    c = C.stepInto(index, c);
    expect(c).toEqual({ stepIdx: 1, phase: 0 });
    c = C.stepInto(index, c);
    expect(c).toEqual({ stepIdx: 1, phase: 1 });
    // Shift+F11 leaves the sub-steps for the token's commit.
    expect(C.stepOut(index, c)).toEqual({ stepIdx: 1, phase: commit });
    // A token becomes visible only at its step's commit.
    expect(C.visibleOutputCount(index, c)).toBe(1);
    expect(C.visibleOutputCount(index, C.stepOut(index, c))).toBe(2);
  });

  it('stepping back through sub-steps crosses into the previous commit', () => {
    expect(C.stepBackInto(index, { stepIdx: 2, phase: 0 })).toEqual({ stepIdx: 1, phase: commit });
    expect(C.stepBackInto(index, { stepIdx: 2, phase: 2 })).toEqual({ stepIdx: 2, phase: 1 });
  });
});

describe('opening traces', () => {
  const good = toJsonl(syntheticTrace({ steps: 3 }));

  it('refuses an invalid record naming the line and the field', () => {
    const lines = good.trim().split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"choice"'));
    const bad = JSON.parse(lines[i]!);
    bad.prob = 'high';
    lines[i] = JSON.stringify(bad);
    try {
      parseTraceText(lines.join('\n'), 'bad.jsonl');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TraceParseError);
      const msg = (e as Error).message;
      expect(msg).toContain('bad.jsonl');
      expect(msg).toContain(`line ${i + 1}`);
      expect(msg).toContain('prob');
      expect((e as TraceParseError).line).toBe(i + 1);
    }
  });

  it('refuses text that is not a trace', () => {
    expect(() => parseTraceText('hello\n', 'x.jsonl')).toThrow(/line 1/);
    expect(() => parseTraceText('{"type":"commit"}\n', 'x.jsonl')).toThrow(/header/);
  });

  it('opens a truncated trace with a warning', () => {
    const cut = good.trim().split('\n').slice(0, -3).join('\n') + '\n';
    const t = parseTraceText(cut, 'cut.jsonl');
    expect(t.truncated).toBe(true);
    expect(t.warnings.join(' ')).toMatch(/footer|truncat/i);
  });

  it('reads the bundled demo traces', () => {
    for (const name of ['greedy', 'sampling']) {
      const text = readFileSync(new URL(`../../assets/demo/${name}.trace.jsonl`, import.meta.url), 'utf8');
      const index = indexRecords(parseTraceText(text, name).records);
      expect(index.steps.length).toBeGreaterThan(0);
      expect(index.output.length).toBeGreaterThan(0);
      const dist = index.mainDistribution(0)!;
      expect(distributionView(dist).rows.length).toBeGreaterThan(0);
    }
  });
});

describe('distribution view model', () => {
  const index = indexRecords(syntheticTrace({ steps: 6, sample: true, seed: 11 }));
  it('names the stage that removed each masked candidate', () => {
    const view = distributionView(index.mainDistribution(2)!);
    expect(view.columns.map((c) => c.name)).toEqual(['raw', 'temperature', 'top_k', 'top_p', 'processed']);
    const removed = view.rows.filter((r) => r.removedBy);
    expect(removed.length).toBeGreaterThan(0);
    expect(new Set(removed.map((r) => r.removedBy))).toContain('top-k');
    for (const r of removed) expect(r.processedProb).toBeNull();
  });
  it('puts the chosen token where the draw u landed', () => {
    for (let s = 0; s < 6; s++) {
      const dist = index.mainDistribution(s)!;
      const choice = index.choiceByDist.get(dist.distId)!;
      const dv = drawView(dist, choice);
      expect(dv.chosen?.id).toBe(choice.tokenId);
      expect(dv.u!).toBeGreaterThanOrEqual(dv.chosen!.start);
      expect(dv.u!).toBeLessThan(dv.chosen!.start + dv.chosen!.prob + 1e-9);
    }
  });
});

describe('live batching', () => {
  it('appends a frame worth of records in one batch', async () => {
    const index = new TraceIndex();
    let flushes = 0;
    const b = new FrameBatcher(index, () => flushes++);
    for (const r of syntheticTrace({ steps: 5 })) b.push(r);
    expect(index.recordCount).toBe(0);
    await new Promise((r) => setTimeout(r, 40));
    expect(flushes).toBe(1);
    expect(index.steps).toHaveLength(5);
    expect(index.version).toBe(1);
  });
});
