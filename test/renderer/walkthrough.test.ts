/**
 * Walkthroughs on the bundled demo traces (real engine output): the beats' sentences carry the trace's
 * own numbers (recomputed here from the records), every highlight target exists in the trace, every
 * step gets a beat, a growing trace extends the beat list, and Space/Backspace move as documented.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexRecords, type TraceIndex } from '../../renderer/src/trace/trace-index';
import { parseTraceText } from '../../renderer/src/trace/parse-trace';
import type { TraceRecord } from '../../engine/trace/schema';
import { expandWalkthrough, pickWalkthrough } from '../../renderer/src/walkthrough/expand';
import type { Beat, WalkTarget } from '../../renderer/src/walkthrough/types';
import { formatProb, tokenLabel } from '../../renderer/src/format/format';
import { createAppStore } from '../../renderer/src/store/store';
import { createWalkStore } from '../../renderer/src/walkthrough/walk-store';

function records(name: string): TraceRecord[] {
  return parseTraceText(readFileSync(`assets/demo/${name}.trace.jsonl`, 'utf8'), name).records;
}

function beatsOf(name: string): { trace: TraceIndex; beats: Beat[]; id: string } {
  const trace = indexRecords(records(name));
  const { walk } = pickWalkthrough(trace);
  if (!walk) throw new Error(`no walkthrough for ${name}`);
  return { trace, beats: expandWalkthrough(trace, walk), id: walk.id };
}

const label = (trace: TraceIndex, id: number) => tokenLabel(trace.tokenText(id).text, trace.tokenText(id).bytes);

/** Does the trace hold the part a target names? Checked against the raw records, not the view models. */
function exists(trace: TraceIndex, recs: TraceRecord[], t: WalkTarget): boolean {
  switch (t.view) {
    case 'token':
      return t.outputIndex >= 0 && t.outputIndex < trace.output.length;
    case 'distribution': {
      const d = trace.dists.get(t.distId);
      return !!d && [...d.raw.topk, ...d.processed.topk].some((x) => x.id === t.token);
    }
    case 'draw':
      return trace.dists.has(t.distId) && trace.choiceByDist.has(t.distId);
    case 'draft-tree': {
      const e = trace.steps.find((s) => s.step === t.step);
      const draft = e?.drafts.at(-1);
      if (!e || !draft) return false;
      if (t.node === -1) return true;
      if (t.node === -2) return !!e.commit?.tokens.some((x) => x.source !== 'accepted');
      return draft.nodes.some((n) => n.node === t.node);
    }
    case 'jacobi-cell':
      return recs.some((r) => r.type === 'jacobi_iter' && r.blockStart === t.blockStart && r.iteration === t.iteration && t.position >= 0 && t.position < r.offset + r.tokens.length);
    case 'lookahead-window':
    case 'lookahead-candidate':
    case 'lookahead-pool': {
      const r = recs.find((x) => x.type === 'lookahead' && x.step === t.step);
      if (!r || r.type !== 'lookahead') return false;
      if (t.view === 'lookahead-window') return t.row === 'new' ? r.newLevel.length > 0 : r.window.some((w) => w.level === t.row);
      if (t.view === 'lookahead-candidate') return t.candidate >= 0 && t.candidate < r.candidates.length;
      return t.key === r.last.id;
    }
  }
}

const DEMOS: [string, string][] = [
  ['sampling', 'sampling'],
  ['speculative', 'chain-speculative'],
  ['specinfer', 'tree-speculative'],
  ['jacobi', 'jacobi'],
  ['lookahead', 'lookahead'],
];

describe.each(DEMOS)('walkthrough on the %s demo', (name, family) => {
  const { trace, beats, id } = beatsOf(name);
  const recs = trace.records;

  it(`is the ${family} walkthrough, with an intro and an outro`, () => {
    expect(id).toBe(family);
    expect(beats[0]!.key).toBe('intro');
    expect(beats.at(-1)!.key).toBe('outro');
    expect(new Set(beats.map((b) => b.key)).size).toBe(beats.length);
  });

  it('covers every step', () => {
    const covered = new Set(beats.filter((b) => b.key !== 'intro' && b.key !== 'outro').map((b) => b.stepIdx));
    expect(covered.size).toBe(trace.steps.length);
  });

  it("highlights only parts that exist in the trace, and each beat's action is a real step", () => {
    for (const b of beats) {
      for (const t of b.targets) expect(exists(trace, recs, t), `${b.key}: ${JSON.stringify(t)}`).toBe(true);
      expect(b.action.stepIdx).toBeGreaterThanOrEqual(0);
      expect(b.action.stepIdx).toBeLessThan(trace.steps.length);
      expect(b.sentence.text.length).toBeGreaterThan(20);
    }
  });

  it("closes with the run's totals", () => {
    const f = recs.find((r) => r.type === 'footer');
    if (f?.type !== 'footer') throw new Error('demo has no footer');
    const outro = beats.at(-1)!.sentence.text;
    expect(outro).toContain(`${f.summary.newTokens} tokens`);
    expect(outro).toContain(`${f.summary.targetForwardPasses} target forward passes`);
  });
});

describe('sentences carry the trace’s numbers', () => {
  it('sampling: the first draw names its u, the landing interval and the token’s probability', () => {
    const { trace, beats } = beatsOf('sampling');
    const c = trace.records.find((r) => r.type === 'choice' && r.u !== undefined);
    if (c?.type !== 'choice') throw new Error('no sampled choice');
    const stepIdx = trace.stepIndexOf(c.step);
    const draw = beats.find((b) => b.key === `${stepIdx}:draw:0`)!;
    expect(draw.action.phase).toBe('draw');
    expect(draw.sentence.text).toContain(`u = ${c.u!.toFixed(3)}`);
    expect(draw.sentence.text).toContain(`[${(c.cumBefore ?? 0).toFixed(3)}, ${((c.cumBefore ?? 0) + c.prob).toFixed(3)})`);
    expect(draw.sentence.text).toContain(`p = ${formatProb(c.prob)}`);
    expect(draw.sentence.text).toContain(label(trace, c.tokenId));
    // A later step, told in one beat, still names its draw.
    const late = trace.records.filter((r) => r.type === 'choice' && r.step >= 10 && r.u !== undefined)[0];
    if (late?.type !== 'choice') throw new Error('no later choice');
    const lateBeats = beats.filter((b) => b.stepIdx === trace.stepIndexOf(late.step));
    expect(lateBeats).toHaveLength(1);
    expect(lateBeats[0]!.sentence.text).toContain(`u = ${late.u!.toFixed(3)}`);
  });

  it('chain speculative: accepted and rejected drafts with their q, p, min(1, p/q) and u; the residual draw', () => {
    const { trace, beats } = beatsOf('speculative');
    const steps = trace.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.verify);
    const acc = steps.flatMap(({ s, i }) => s.verify!.decisions.map((d, n) => ({ d, n, i }))).find(({ d }) => d.accepted && d.q! > d.p)!;
    const beat = beats.find((b) => b.key === `${acc.i}:decide:${acc.n}`)!;
    const thr = Math.min(1, acc.d.p / acc.d.q!);
    expect(beat.sentence.text).toContain(`q = ${formatProb(acc.d.q)}`);
    expect(beat.sentence.text).toContain(`p = ${formatProb(acc.d.p)}`);
    expect(beat.sentence.text).toContain(`min(1, p/q) = ${thr.toFixed(3)}`);
    expect(beat.sentence.text).toContain(`u = ${acc.d.u!.toFixed(3)} ≤ ${thr.toFixed(3)}, so it is accepted`);
    expect(beat.targets).toContainEqual({ view: 'draft-tree', step: acc.i === -1 ? -1 : trace.steps[acc.i]!.step, node: acc.d.node });
    expect(beat.action).toMatchObject({ phase: 'verify', tab: 'draft-tree', select: { kind: 'node', node: acc.d.node } });

    const pGeQ = steps.flatMap(({ s, i }) => s.verify!.decisions.map((d, n) => ({ d, n, i }))).find(({ d }) => d.accepted && d.p >= d.q!);
    if (pGeQ) expect(beats.find((b) => b.key === `${pGeQ.i}:decide:${pGeQ.n}`)!.sentence.text).toContain('Since p ≥ q');

    const rej = steps.flatMap(({ s, i }) => s.verify!.decisions.map((d, n) => ({ d, n, i }))).find(({ d }) => !d.accepted)!;
    const rthr = Math.min(1, rej.d.p / rej.d.q!);
    expect(beats.find((b) => b.key === `${rej.i}:decide:${rej.n}`)!.sentence.text).toContain(`u = ${rej.d.u!.toFixed(3)} > ${rthr.toFixed(3)}, so it is rejected`);

    // The correction after that rejection: drawn from the residual with its own u.
    const corr = trace.steps[rej.i]!.commit!.tokens.find((t) => t.source === 'resampled')!;
    const choice = trace.choiceByDist.get(corr.distId!)!;
    const supply = beats.find((b) => b.key === `${rej.i}:supply:0`)!;
    expect(supply.sentence.text).toContain('norm(max(0, p − q))');
    expect(supply.sentence.text).toContain(`u = ${choice.u!.toFixed(3)} picks \`${label(trace, corr.id)}\``);
    expect(supply.sentence.text).toContain(`commits ${trace.steps[rej.i]!.commit!.tokens.length} tokens`);
  });

  it('tree speculative (greedy walk): each level names the target’s top pick and where the walk goes', () => {
    const { trace, beats } = beatsOf('specinfer');
    const i = trace.steps.findIndex((s) => s.drafts.length > 0);
    const e = trace.steps[i]!;
    const first = e.verify!.decisions[0]!;
    // The target's top pick at the root, straight from the distribution record.
    const dist = trace.dists.get(first.targetDistId!)!;
    const top = dist.processed.topk.filter((t) => t.logprob !== null).sort((a, b) => b.logprob! - a.logprob!)[0]!;
    const walk0 = beats.find((b) => b.key === `${i}:walk:0`)!;
    expect(walk0.sentence.text).toContain(`top pick is \`${label(trace, top.id)}\` (p = ${formatProb(Math.exp(top.logprob!))})`);
    const rootChildren = e.drafts[0]!.nodes.filter((n) => n.parent === -1).map((n) => n.node);
    const examined = e.verify!.decisions.filter((d) => rootChildren.includes(d.node));
    const accepted = examined.find((d) => d.accepted);
    if (accepted) expect(walk0.sentence.text).toContain(`\`${label(trace, accepted.tokenId)}\` matches, so the walk moves down to it`);
    expect(walk0.targets.map((t) => (t.view === 'draft-tree' ? t.node : null))).toEqual([-1, ...examined.map((d) => d.node)]);
    // The step's result: accepted path length out of the drafted nodes, and what it commits.
    const result = beats.find((b) => b.key === `${i}:result:0`)!;
    expect(result.sentence.text).toContain(`${e.verify!.acceptedLength} of ${e.drafts[0]!.nodes.length} drafted nodes`);
    expect(result.sentence.text).toContain(`commits ${e.commit!.tokens.length} tokens`);
    // Every tree step gets a growing beat, a verification-pass beat, one beat per level walked, and a result.
    for (const [k, s] of trace.steps.entries()) {
      if (!s.drafts.length) continue;
      const parents = new Set(s.verify!.decisions.map((d) => s.drafts[0]!.nodes.find((n) => n.node === d.node)!.parent));
      expect(beats.filter((b) => b.key.startsWith(`${k}:walk:`))).toHaveLength(parents.size);
    }
  });

  it('Jacobi: every iteration names how the converged prefix grew and how many guesses changed', () => {
    const { trace, beats } = beatsOf('jacobi');
    const rows = trace.records.filter((r) => r.type === 'jacobi_iter');
    let checked = 0;
    rows.forEach((r, k) => {
      if (r.type !== 'jacobi_iter' || r.iteration === 0) return;
      const prev = rows[k - 1]!;
      if (prev.type !== 'jacobi_iter') return;
      const b = beats.find((x) => x.key === `${trace.stepIndexOf(r.step)}:iterate:0`)!;
      expect(b.sentence.text).toContain(`Iteration ${r.iteration}:`);
      expect(b.sentence.text).toContain(`${r.changed.filter(Boolean).length} guess`);
      if (r.convergedPrefix > prev.convergedPrefix) expect(b.sentence.text).toContain(`grows from ${prev.convergedPrefix} to ${r.convergedPrefix}`);
      if (r.changed.every((c) => !c)) expect(b.sentence.text).toContain('fixed point');
      checked++;
    });
    expect(checked).toBeGreaterThan(10);
  });

  it('lookahead: pool size, the verified candidate’s match length and the tokens committed', () => {
    const { trace, beats } = beatsOf('lookahead');
    let hits = 0;
    for (const r of trace.records) {
      if (r.type !== 'lookahead') continue;
      const i = trace.stepIndexOf(r.step);
      const win = beats.find((b) => b.key === `${i}:window:0`)!;
      const ver = beats.find((b) => b.key === `${i}:verify:0`)!;
      if (r.phase === 'full') expect(win.sentence.text).toContain(`The pool now holds ${r.poolSize}`);
      const n = trace.steps[i]!.commit!.tokens.length;
      if (r.verified.candidate >= 0) {
        const c = r.candidates[r.verified.candidate]!;
        expect(ver.sentence.text).toContain(`matches on ${c.matchLength} of its ${c.ngram.length} tokens`);
        expect(ver.sentence.text).toContain(`commits ${n} tokens`);
        expect(ver.targets).toContainEqual({ view: 'lookahead-candidate', step: r.step, candidate: r.verified.candidate });
        hits++;
      } else expect(ver.sentence.text).toContain(`only the target's`);
    }
    expect(hits).toBeGreaterThan(0);
  });
});

describe('a growing (live) trace', () => {
  it('expands up to what exists and extends as records arrive, keeping the beats already made', () => {
    const recs = records('specinfer');
    const footerAt = recs.findIndex((r) => r.type === 'footer');
    const cut = recs.findIndex((r) => r.type === 'commit' && r.step === 2) + 1;
    const trace = indexRecords(recs.slice(0, cut));
    const walk = pickWalkthrough(trace).walk!;
    const early = expandWalkthrough(trace, walk);
    expect(early.some((b) => b.key === 'outro')).toBe(false);
    expect(Math.max(...early.map((b) => b.stepIdx))).toBe(trace.stepIndexOf(2));
    trace.append(recs.slice(cut, footerAt + 1));
    const all = expandWalkthrough(trace, walk);
    expect(all.length).toBeGreaterThan(early.length);
    expect(all.slice(0, early.length).map((b) => b.key)).toEqual(early.map((b) => b.key));
    expect(all.at(-1)!.key).toBe('outro');
  });
});

describe('walkthrough keys: text first, then the action; Backspace goes back one beat', () => {
  it('moves the cursor only on the second Space and restores it on Backspace', () => {
    const app = createAppStore();
    app.getState().loadTrace('demo', 'specinfer', indexRecords(records('specinfer')));
    const walk = createWalkStore(app);
    const before = app.getState().cursor;
    expect(walk.getState().begin()).toBe(true);
    const w = () => walk.getState();
    expect(w().stage).toBe('text');
    w().next(); // intro: its action puts the cursor on step 0
    expect(w().stage).toBe('done');
    expect(app.getState().cursor.stepIdx).toBe(0);
    // Walk until a beat that moves the cursor into a drafted step's draft sub-step.
    let guard = 0;
    while (!w().beats[w().index]!.key.endsWith(':draft:0') && guard++ < 50) w().next();
    const draftBeat = w().beats[w().index]!;
    expect(w().stage).toBe('text');
    const cursorBefore = app.getState().cursor;
    expect(cursorBefore.stepIdx).not.toBe(draftBeat.action.stepIdx); // text shown, nothing moved yet
    w().next();
    expect(app.getState().cursor).toEqual({ stepIdx: draftBeat.action.stepIdx, phase: 0 });
    expect(app.getState().mainTab).toBe('draft-tree');
    w().next(); // the next beat's text
    const idx = w().index;
    w().back(); // back one beat: the draft beat's state again
    expect(w().index).toBe(idx - 1);
    expect(app.getState().cursor).toEqual({ stepIdx: draftBeat.action.stepIdx, phase: 0 });
    // To the end and past it.
    guard = 0;
    while (!w().ended && guard++ < 500) w().next();
    expect(w().ended).toBe(true);
    expect(app.getState().cursor.stepIdx).toBe(app.getState().trace.steps.length - 1);
    w().exit();
    expect(w().active).toBe(false);
    void before;
  });
});

describe('other methods of each family, run live by the CLI on the bundled models', () => {
  const run = (args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'walk-'));
    const out = join(dir, 't.trace.jsonl');
    execFileSync('node', ['engine/cli/decodescope.mjs', 'run', '--prompt', 'def f(a):\n    return a\ndef f(a):\n', '--out', out, ...args], { stdio: 'pipe' });
    return indexRecords(parseTraceText(readFileSync(out, 'utf8')).records);
  };
  it.each([
    ['prompt-lookup', ['--method', 'prompt-lookup', '--max-new-tokens', '12'], 'chain-speculative'],
    ['early-exit, sampled', ['--method', 'early-exit', '--max-new-tokens', '10', '--do-sample', '--seed', '2'], 'chain-speculative'],
    ['medusa', ['--method', 'medusa', '--max-new-tokens', '10'], 'tree-speculative'],
    ['specinfer, sampled (recursive rejection)', ['--method', 'specinfer', '--max-new-tokens', '10', '--do-sample', '--seed', '1'], 'tree-speculative'],
    ['jacobi_kv', ['--method', 'jacobi_kv', '--max-new-tokens', '10', '--param', 'block=5'], 'jacobi'],
  ])('%s', (_label, args, family) => {
    const trace = run(args as string[]);
    const { walk } = pickWalkthrough(trace);
    expect(walk?.id).toBe(family);
    const beats = expandWalkthrough(trace, walk!);
    expect(new Set(beats.filter((b) => b.key !== 'intro' && b.key !== 'outro').map((b) => b.stepIdx)).size).toBe(trace.steps.length);
    for (const b of beats) {
      for (const t of b.targets) expect(exists(trace, trace.records, t), `${b.key}: ${JSON.stringify(t)}`).toBe(true);
      expect(b.sentence.text).not.toMatch(/undefined|NaN|\[object/);
    }
    // Sampled verification names each draw; recursive rejection hands the residual to the next sibling.
    const sampled = trace.steps.flatMap((s) => s.verify?.decisions ?? []).filter((d) => d.u !== undefined);
    for (const d of sampled.slice(0, 5)) expect(beats.some((b) => b.sentence.text.includes(`u = ${d.u!.toFixed(3)}`))).toBe(true);
  }, 120_000);
});
