/** Self-speculative view models (layer strip, Draft & Verify series) on real traces written by the CLI. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexRecords, type TraceIndex } from '../../renderer/src/trace/trace-index';
import { parseTraceText } from '../../renderer/src/trace/parse-trace';
import { draftVerifySeries, drafterStrip, hasSelfSpeculation, pointAtCursor } from '../../renderer/src/views/speculative/selfspec-model';
import { parseDraftVerifyNote, parseLayerSkipNote } from '../../engine/trace/self-spec-notes';

function runCli(args: string[]): TraceIndex {
  const out = join(mkdtempSync(join(tmpdir(), 'selfspec-')), 't.trace.jsonl');
  execFileSync('node', ['engine/cli/decodescope.mjs', 'run', '--prompt', 'def f(x):', '--max-new-tokens', '48', '--out', out, ...args], { stdio: 'pipe' });
  return indexRecords(parseTraceText(readFileSync(out, 'utf8')).records);
}

const notes = (t: TraceIndex, kind: string) => t.steps.flatMap((e) => e.notes.filter((n) => n.kind === kind));
const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

describe('draft-verify (layer skip) trace', () => {
  let trace: TraceIndex;
  beforeAll(() => {
    trace = runCli(['--method', 'draft-verify']);
  }, 240_000);

  it('strip: one row per target layer, skipped cells exactly the note’s sets, KV marks on its kept layers', () => {
    expect(hasSelfSpeculation(trace)).toBe(true);
    const note = parseLayerSkipNote(notes(trace, 'layer-skip')[0]!.message)!;
    expect(note).not.toBeNull();
    const strip = drafterStrip(trace)!;
    expect(strip.method).toBe('layer-skip');
    expect(strip.numLayers).toBe(trace.header!.models.find((m) => m.role === 'target')!.manifest.numLayers);
    expect(strip.rows.map((r) => r.layer)).toEqual(range(0, note.numLayers));
    expect(strip.rows.filter((r) => r.attention === 'skipped').map((r) => r.layer)).toEqual(note.skipAttention);
    expect(strip.rows.filter((r) => r.mlp === 'skipped').map((r) => r.layer)).toEqual(note.skipMlp);
    expect(strip.rows.filter((r) => r.kv).map((r) => r.layer)).toEqual(note.kvLayers);
    // A layer-skip drafter skips something but not everything.
    expect(note.skipAttention.length).toBeGreaterThan(0);
    expect(strip.rows.some((r) => r.attention === 'used')).toBe(true);
  });

  it('series: one point per verified step, numbers as noted, stop reason from confidence vs threshold', () => {
    const series = draftVerifySeries(trace);
    const verified = trace.steps.map((e, i) => ({ e, i })).filter(({ e }) => e.verify);
    expect(series.length).toBeGreaterThan(5);
    expect(series.map((p) => p.stepIdx)).toEqual(verified.map(({ i }) => i));
    for (const p of series) {
      const parsed = parseDraftVerifyNote(trace.steps[p.stepIdx]!.notes.find((n) => n.kind === 'draft-verify')!.message)!;
      expect(p.thStopDraft).toBe(parsed.thStopDraft);
      expect(p.drafted).toBe(trace.steps[p.stepIdx]!.verify!.decisions.length);
      expect(p.accepted).toBe(trace.steps[p.stepIdx]!.verify!.acceptedLength);
      expect(p.stop).toBe(p.confidence! < p.thStopDraft ? 'below-threshold' : 'not-by-confidence');
    }
    // The adaptive threshold chains: a step's next threshold is the following step's threshold.
    for (let i = 1; i < series.length; i++) expect(series[i]!.thStopDraft).toBeCloseTo(series[i - 1]!.nextThStopDraft, 6);
  });

  it('cursor point is the last drafted step at or before the cursor', () => {
    const series = draftVerifySeries(trace);
    expect(pointAtCursor(series, 0)).toBeNull();
    expect(pointAtCursor(series, series[2]!.stepIdx)).toBe(series[2]);
    expect(pointAtCursor(series, trace.steps.length - 1)).toBe(series[series.length - 1]);
  });
});

describe('early-exit trace', () => {
  let trace: TraceIndex;
  beforeAll(() => {
    trace = runCli(['--method', 'early-exit']);
  }, 240_000);

  it('strip: layers below the exit are used, the rest not; draft KV = the first E layers; no threshold series', () => {
    expect(hasSelfSpeculation(trace)).toBe(true);
    const message = notes(trace, 'early-exit')[0]!.message;
    const exit = Number(/layers 0\.\.(\d+) of/.exec(message)![1]) + 1;
    const strip = drafterStrip(trace)!;
    expect(strip.method).toBe('early-exit');
    for (const r of strip.rows) {
      const expected = r.layer < exit ? 'used' : 'skipped';
      expect([r.attention, r.mlp]).toEqual([expected, expected]);
      expect(r.kv).toBe(r.layer < exit);
    }
    expect(strip.rows.length).toBe(trace.header!.models.find((m) => m.role === 'target')!.manifest.numLayers);
    expect(strip.rows.length).toBeGreaterThan(exit);
    expect(draftVerifySeries(trace)).toEqual([]);
  });
});

describe('not self-speculative', () => {
  it('a speculative (separate draft model) trace has no strip', () => {
    const trace = runCli(['--method', 'speculative', '--max-new-tokens', '8']);
    expect(hasSelfSpeculation(trace)).toBe(false);
    expect(drafterStrip(trace)).toBeNull();
  });
});

describe('draft-verify with a low threshold and a short cap', () => {
  it('drafting stops below the threshold or, above it, at the cap (the token budget may cut the last step)', () => {
    const trace = runCli(['--method', 'draft-verify', '--param', 'th_stop_draft=0.05', '--param', 'max_step_draft=3']);
    const series = draftVerifySeries(trace);
    const other = series.filter((p) => p.stop === 'not-by-confidence');
    const below = series.filter((p) => p.stop === 'below-threshold');
    expect(other.length).toBeGreaterThan(0);
    expect(below.length).toBeGreaterThan(0);
    expect(series.every((p) => p.drafted >= 1 && p.drafted <= 3)).toBe(true);
    expect(other.every((p) => p.confidence! >= p.thStopDraft)).toBe(true);
    expect(below.every((p) => p.confidence! < p.thStopDraft)).toBe(true);
    // Above the threshold, only the cap — or, on the final step, the token budget — ends drafting.
    expect(other.slice(0, -1).every((p) => p.drafted === 3)).toBe(true);
    // The note's stop key says which: the cap exactly when 3 were drafted, the budget otherwise.
    expect(other.map((p) => p.ended)).toEqual(other.map((p) => (p.drafted === 3 ? 'max_step' : 'budget')));
    expect(below.every((p) => p.ended === undefined)).toBe(true);
    const stops = notes(trace, 'draft-verify').map((n) => parseDraftVerifyNote(n.message)!.stop);
    expect(stops.filter((x) => x === 'confidence')).toHaveLength(below.length);
  }, 240_000);
});

describe('note parsers', () => {
  it('read a real layer-skip note, its MLP-unknown form, and refuse other text', () => {
    const trace = runCli(['--method', 'draft-verify', '--max-new-tokens', '4']);
    const message = notes(trace, 'layer-skip')[0]!.message;
    const parsed = parseLayerSkipNote(message)!;
    expect(parsed.numLayers).toBeGreaterThan(parsed.skipAttention.length);
    // describeSkipSets writes 'MLP ?' when a graph does not say which MLPs it skips: cells become 'unknown'.
    const unknownMlp = parseLayerSkipNote(message.replace(/MLP \{[^}]*\}/, 'MLP ?'))!;
    expect(unknownMlp.skipMlp).toBeNull();
    expect(unknownMlp.skipAttention).toEqual(parsed.skipAttention);
    expect(parseLayerSkipNote(notes(trace, 'draft-verify')[0]!.message)).toBeNull();
    expect(parseDraftVerifyNote(message)).toBeNull();
  }, 240_000);
});
