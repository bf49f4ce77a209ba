/**
 * Breakpoint conditions on the recorded demo traces (assets/demo/, bundled models). Every expected hit
 * list is worked out here straight from the JSONL records, independently of the evaluator.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexRecords, TraceIndex } from '../../renderer/src/trace/trace-index';
import { parseTraceText } from '../../renderer/src/trace/parse-trace';
import {
  allHitSteps,
  evaluateStep,
  nextHit,
  prevHit,
  unsupportedReason,
  validateBreakpoint,
  type Breakpoint,
  type Condition,
} from '../../renderer/src/debug/breakpoints';
import { createDebugStore, loadBreakpoints } from '../../renderer/src/debug/debug-store';
import { continueToNextHit, continueToPrevHit, evaluateLiveSteps } from '../../renderer/src/debug/continue';
import { createAppStore } from '../../renderer/src/store/store';
import type { TraceRecord } from '../../engine/trace/schema';

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function demo(name: string): { raw: Raw[]; index: TraceIndex; records: TraceRecord[] } {
  return fromText(readFileSync(`assets/demo/${name}.trace.jsonl`, 'utf8'));
}

/** A fresh trace from the CLI on the bundled models (methods without a bundled demo). */
function cliRun(args: string[]): ReturnType<typeof demo> {
  const out = join(mkdtempSync(join(tmpdir(), 'breakpoints-')), 't.trace.jsonl');
  execFileSync('node', ['engine/cli/decodescope.mjs', 'run', '--prompt', 'def parse_args(', '--out', out, ...args], { stdio: 'pipe' });
  return fromText(readFileSync(out, 'utf8'));
}

function fromText(text: string): { raw: Raw[]; index: TraceIndex; records: TraceRecord[] } {
  const records = parseTraceText(text).records;
  return { raw: text.trim().split('\n').map((l) => JSON.parse(l) as Raw), index: indexRecords(records), records };
}

const bp = (condition: Condition, log?: string, id = 'b'): Breakpoint => ({ id, enabled: true, condition, ...(log ? { log } : {}) });

/** Step positions (0-based, as the cursor counts) of the steps where the evaluator says `condition` holds. */
function hitsOf(index: TraceIndex, condition: Condition): number[] {
  return index.steps.map((_, i) => i).filter((i) => evaluateStep(index, i, [bp(condition)]).length > 0);
}

/** Step positions from step numbers, via the order steps first appear in the raw records. */
function stepOrder(raw: Raw[]): number[] {
  const order: number[] = [];
  for (const r of raw) if (typeof r.step === 'number' && !order.includes(r.step)) order.push(r.step);
  return order;
}

function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size;
    },
  } as Storage;
}

describe('speculative demo: rejections and accepted length', () => {
  let d: ReturnType<typeof demo>;
  let rejected: number[];
  beforeAll(() => {
    d = demo('speculative');
    const order = stepOrder(d.raw);
    rejected = d.raw.filter((r) => r.type === 'verify' && r.decisions.some((x: Raw) => !x.accepted)).map((r) => order.indexOf(r.step));
  });

  it('a rejection breakpoint hits exactly the steps whose verification refused a draft token', () => {
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    expect(hitsOf(d.index, { kind: 'rejection' })).toEqual(rejected);
    const hit = evaluateStep(d.index, rejected[0]!, [bp({ kind: 'rejection' })])[0]!;
    const v = d.raw.find((r) => r.type === 'verify' && stepOrder(d.raw).indexOf(r.step) === rejected[0])!;
    const refused = v.decisions.find((x: Raw) => !x.accepted);
    expect(hit.detail).toContain(`(node ${refused.node}) rejected`);
    expect(hit.detail).toContain(`accepted ${v.acceptedLength}/`);
  });

  it('continue walks the rejections forwards, reverse-continue walks them back', () => {
    const bps = [bp({ kind: 'rejection' })];
    const first = nextHit(d.index, -1, bps);
    expect(first.stepIdx).toBe(rejected[0]);
    expect(nextHit(d.index, first.stepIdx!, bps).stepIdx).toBe(rejected[1]);
    expect(nextHit(d.index, rejected[rejected.length - 1]!, bps).stepIdx).toBeNull();
    expect(prevHit(d.index, rejected[1]!, bps).stepIdx).toBe(rejected[0]);
    expect(prevHit(d.index, rejected[0]!, bps).stepIdx).toBeNull();
    // A disabled breakpoint never hits.
    expect(nextHit(d.index, -1, [{ ...bps[0]!, enabled: false }]).stepIdx).toBeNull();
  });

  it('accepted length < k hits the verified steps that accepted fewer than k drafts', () => {
    const order = stepOrder(d.raw);
    const expected = d.raw.filter((r) => r.type === 'verify' && r.acceptedLength < 4).map((r) => order.indexOf(r.step));
    expect(expected.length).toBeGreaterThan(rejected.length - 1);
    expect(hitsOf(d.index, { kind: 'accepted-below', k: 4 })).toEqual(expected);
    expect(hitsOf(d.index, { kind: 'accepted-below', k: 1 })).toEqual(d.raw.filter((r) => r.type === 'verify' && r.acceptedLength < 1).map((r) => order.indexOf(r.step)));
  });

  it('a logpoint prints its filled-in message at every hit and never stops', () => {
    const order = stepOrder(d.raw);
    const verifies = d.raw.filter((r) => r.type === 'verify' && r.acceptedLength < 4);
    const drafted = (step: number) => d.raw.filter((r) => r.type === 'draft' && r.step === step).reduce((n, r) => n + r.nodes.length, 0);
    const result = nextHit(d.index, -1, [bp({ kind: 'accepted-below', k: 4 }, 'step {step}: accepted {accepted}/{drafted}')]);
    expect(result.stepIdx).toBeNull();
    expect(result.logs.map((l) => l.message)).toEqual(verifies.map((v) => `step ${v.step}: accepted ${v.acceptedLength}/${drafted(v.step)}`));
    expect(result.logs.map((l) => l.stepIdx)).toEqual(verifies.map((v) => order.indexOf(v.step)));
    // With a stopping breakpoint too, logs are printed up to (and at) the stop.
    const both = nextHit(d.index, -1, [bp({ kind: 'accepted-below', k: 4 }, 'a={accepted}', 'log'), bp({ kind: 'rejection' }, undefined, 'stop')]);
    expect(both.stepIdx).toBe(rejected[0]);
    expect(both.logs.every((l) => l.stepIdx <= rejected[0]!)).toBe(true);
    expect(allHitSteps(d.index, [bp({ kind: 'rejection' })]).stops).toEqual(rejected);
  });
});

describe('sampling demo: entropy and chosen-token probability', () => {
  let d: ReturnType<typeof demo>;
  beforeAll(() => (d = demo('sampling')));

  it('entropy > x (nats) hits the steps whose committed token came from a distribution above x', () => {
    const dists = new Map(d.raw.filter((r) => r.type === 'distribution').map((r) => [r.distId, r]));
    const commits = d.raw.filter((r) => r.type === 'commit');
    const entropies = commits.map((c) => Math.max(...c.tokens.map((t: Raw) => dists.get(t.distId)!.processed.entropy)));
    const x = [...entropies].sort((a, b) => a - b)[Math.floor(entropies.length * 0.75)]!;
    const expected = entropies.map((h, i) => (h > x ? i : -1)).filter((i) => i >= 0);
    expect(expected.length).toBeGreaterThan(3);
    expect(hitsOf(d.index, { kind: 'entropy-above', nats: x })).toEqual(expected);
  });

  it('chosen-token p < p0 hits the steps whose choice record has a lower probability', () => {
    const order = stepOrder(d.raw);
    const expected = d.raw.filter((r) => r.type === 'choice' && r.prob < 0.1).map((r) => order.indexOf(r.step));
    expect(expected.length).toBeGreaterThan(2);
    expect(hitsOf(d.index, { kind: 'prob-below', p: 0.1 })).toEqual(expected);
    const h = evaluateStep(d.index, expected[0]!, [bp({ kind: 'prob-below', p: 0.1 }, 'p={prob} H={entropy}')])[0]!;
    expect(h.log).toMatch(/^p=0\.\d+ H=\d/);
  });
});

describe('greedy demo: output text and step number', () => {
  let d: ReturnType<typeof demo>;
  let prefixes: string[];
  beforeAll(() => {
    d = demo('greedy');
    const text = new Map<number, string>();
    for (const r of d.raw) if (r.type === 'tokens') for (const e of r.entries) text.set(e.id, e.text);
    let acc = '';
    prefixes = d.raw.filter((r) => r.type === 'commit').map((c) => (acc += c.tokens.map((t: Raw) => text.get(t.id)).join('')));
  });

  /** Steps whose new text completes an occurrence: a match ending inside the step's own characters. */
  const endsInStep = (test: (upToEnd: string) => boolean) =>
    prefixes.map((p, i) => i).filter((i) => {
      const start = i > 0 ? prefixes[i - 1]!.length : 0;
      for (let e = start + 1; e <= prefixes[i]!.length; e++) if (test(prefixes[i]!.slice(0, e))) return true;
      return false;
    });

  // The patterns come from the demo's own text, so regenerated demos (new models) keep the test meaningful.
  const outputText = () => prefixes[prefixes.length - 1]!;
  const frequentWord = () => {
    const counts = new Map<string, number>();
    for (const w of outputText().match(/[A-Za-z_]{3,}/g) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
  };

  it('a literal piece of text hits where the output first completes it', () => {
    const literal = outputText().slice(4, 16);
    const expected = endsInStep((t) => t.endsWith(literal));
    expect(expected.length).toBeGreaterThanOrEqual(1);
    expect(hitsOf(d.index, { kind: 'text', pattern: literal, regex: false })).toEqual(expected);
  });

  it('a regular expression hits each step that completes a match', () => {
    const [word, count] = frequentWord();
    expect(count).toBeGreaterThan(2);
    const expected = endsInStep((t) => new RegExp(`${word}\\s+\\w+$`).test(t));
    expect(expected.length).toBeGreaterThan(1);
    expect(hitsOf(d.index, { kind: 'text', pattern: `${word}\\s+\\w+`, regex: true })).toEqual(expected);
  });

  it('an invalid regular expression is refused with a clear message', () => {
    expect(validateBreakpoint({ kind: 'text', pattern: '(name', regex: true })).toBe('Invalid regular expression /(name/: Unterminated group');
    expect(validateBreakpoint({ kind: 'text', pattern: 'a*', regex: true })).toMatch(/matches empty text/);
    // As plain text, the same characters are fine.
    expect(validateBreakpoint({ kind: 'text', pattern: '(name', regex: false })).toBeNull();
  });

  it('step = n hits the step with that number only', () => {
    const order = stepOrder(d.raw);
    expect(hitsOf(d.index, { kind: 'step', step: 17 })).toEqual([order.indexOf(17)]);
    expect(hitsOf(d.index, { kind: 'step', step: 4000 })).toEqual([]);
  });

  it('says why draft conditions cannot apply to an autoregressive trace', () => {
    expect(unsupportedReason(d.index, { kind: 'rejection' })).toMatch(/drafts nothing/);
    expect(unsupportedReason(d.index, { kind: 'accepted-below', k: 2 })).toMatch(/one token per step/);
    expect(unsupportedReason(d.index, { kind: 'entropy-above', nats: 1 })).toBeNull();
    expect(unsupportedReason(d.index, { kind: 'text', pattern: 'x', regex: false })).toBeNull();
  });
});

describe('beam demo: what a beam search trace can and cannot answer', () => {
  it('has entropies but no chosen-token probabilities, and says so', () => {
    const d = demo('beam');
    expect(unsupportedReason(d.index, { kind: 'prob-below', p: 0.5 })).toMatch(/no chosen-token probabilities \(beam_search\)/);
    expect(unsupportedReason(d.index, { kind: 'entropy-above', nats: 1 })).toBeNull();
    expect(unsupportedReason(d.index, { kind: 'rejection' })).toMatch(/drafts nothing/);
    // Steps that commit nothing are judged by their main distribution; every beam step has one.
    expect(hitsOf(d.index, { kind: 'entropy-above', nats: 0 })).toHaveLength(d.index.steps.length);
  });
});

describe('jacobi demo: accepted length from the commits', () => {
  it('counts guesses proved right beyond the one token each pass guarantees; rejection does not apply', () => {
    const d = demo('jacobi');
    const order = stepOrder(d.raw);
    const iterSteps = new Set(d.raw.filter((r) => r.type === 'jacobi_iter' && r.iteration > 0).map((r) => r.step));
    const expected = d.raw.filter((r) => r.type === 'commit' && iterSteps.has(r.step) && r.tokens.length - 1 >= 1).map((r) => order.indexOf(r.step));
    expect(expected.length).toBeGreaterThan(0);
    // accepted < 1 is the complement among Jacobi steps: the passes that proved only their one token.
    const none = d.raw.filter((r) => r.type === 'commit' && iterSteps.has(r.step) && r.tokens.length === 1).map((r) => order.indexOf(r.step));
    expect(hitsOf(d.index, { kind: 'accepted-below', k: 1 })).toEqual(none);
    expect(hitsOf(d.index, { kind: 'accepted-below', k: 99 }).length).toBe(none.length + expected.length);
    expect(unsupportedReason(d.index, { kind: 'rejection' })).toMatch(/verify-and-reject/);
    expect(unsupportedReason(d.index, { kind: 'accepted-below', k: 1 })).toBeNull();
  });
});

describe('methods without a demo (CLI runs on the bundled models)', () => {
  it('lookahead: a pool guess refused counts as a rejection; accepted length is the verified length', () => {
    const d = cliRun(['--method', 'lookahead', '--max-new-tokens', '32']);
    const order = stepOrder(d.raw);
    const la = d.raw.filter((r) => r.type === 'lookahead' && r.candidates.length > 0);
    const longest = (r: Raw) => Math.max(...r.candidates.map((c: Raw) => c.ngram.length));
    const refused = la.filter((r) => r.verified.acceptedLength < longest(r)).map((r) => order.indexOf(r.step));
    expect(refused.length).toBeGreaterThan(0);
    expect(hitsOf(d.index, { kind: 'rejection' })).toEqual(refused);
    expect(hitsOf(d.index, { kind: 'accepted-below', k: 2 })).toEqual(la.filter((r) => r.verified.acceptedLength < 2).map((r) => order.indexOf(r.step)));
    expect(unsupportedReason(d.index, { kind: 'rejection' })).toBeNull();
  }, 120_000);

  it('medusa (tree): rejection and accepted length come from the verify records', () => {
    const d = cliRun(['--method', 'medusa', '--do-sample', '--seed', '2', '--max-new-tokens', '24']);
    const order = stepOrder(d.raw);
    const verifies = d.raw.filter((r) => r.type === 'verify');
    const refused = verifies.filter((r) => r.decisions.some((x: Raw) => !x.accepted && !x.reason.startsWith('skipped'))).map((r) => order.indexOf(r.step));
    expect(refused.length).toBeGreaterThan(0);
    expect(hitsOf(d.index, { kind: 'rejection' })).toEqual(refused);
    expect(hitsOf(d.index, { kind: 'accepted-below', k: 1 })).toEqual(verifies.filter((r) => r.acceptedLength < 1).map((r) => order.indexOf(r.step)));
  }, 120_000);
});

describe('debug store', () => {
  it('ignores garbage in localStorage with a message, and keeps the readable breakpoints', () => {
    expect(loadBreakpoints(memoryStorage({ 'decodescope.breakpoints': '{not json' })).warning).toMatch(/not valid JSON/);
    expect(loadBreakpoints(memoryStorage({ 'decodescope.breakpoints': '{"a":1}' })).warning).toMatch(/not a list/);
    const mixed = JSON.stringify([
      { id: 'a', enabled: true, condition: { kind: 'rejection' } },
      { id: 'b', enabled: false, condition: { kind: 'prob-below', p: 'low' } },
      { id: 'c', enabled: false, condition: { kind: 'text', pattern: '(', regex: true } },
      { id: 'd', condition: { kind: 'step', step: 3 }, log: 'at {step}' },
      null,
      'x',
    ]);
    const { breakpoints, warning } = loadBreakpoints(memoryStorage({ 'decodescope.breakpoints': mixed }));
    expect(breakpoints.map((b) => b.id)).toEqual(['a', 'd']);
    expect(breakpoints[1]).toMatchObject({ enabled: true, log: 'at {step}' });
    expect(warning).toMatch(/^4 saved breakpoints could not be read/);
  });

  it('adds, toggles and deletes breakpoints, remembering them', () => {
    const storage = memoryStorage();
    const store = createDebugStore(storage);
    expect(store.getState().add({ kind: 'text', pattern: '[', regex: true })).toMatch(/Invalid regular expression/);
    expect(store.getState().add({ kind: 'step', step: 2 }, 'at {stap}')).toMatch(/Unknown placeholder \{stap\}/);
    expect(store.getState().add({ kind: 'rejection' })).toBeNull();
    expect(store.getState().add({ kind: 'entropy-above', nats: 2 }, '  H={entropy}  ')).toBeNull();
    const [a, b] = store.getState().breakpoints;
    expect(b!.log).toBe('H={entropy}');
    store.getState().setEnabled(a!.id, false);
    expect(createDebugStore(storage).getState().breakpoints.map((x) => [x.condition.kind, x.enabled])).toEqual([
      ['rejection', false],
      ['entropy-above', true],
    ]);
    store.getState().remove(a!.id);
    expect(createDebugStore(storage).getState().breakpoints).toHaveLength(1);
  });
});

describe('continue semantics on the app store', () => {
  it('F8 moves the cursor to each rejection in turn (printing logpoints on the way); Shift+F8 goes back', () => {
    const d = demo('speculative');
    const order = stepOrder(d.raw);
    const rejected = d.raw.filter((r) => r.type === 'verify' && r.decisions.some((x: Raw) => !x.accepted)).map((r) => order.indexOf(r.step));
    const app = createAppStore();
    app.getState().loadTrace('demo', 'speculative', d.index);
    app.getState().move('first');
    const dbg = createDebugStore(memoryStorage());
    dbg.getState().add({ kind: 'rejection' });
    dbg.getState().add({ kind: 'step', step: 0 }, 'never printed: step 0 is behind the cursor');
    dbg.getState().add({ kind: 'accepted-below', k: 4 }, 'accepted {accepted}');
    expect(continueToNextHit(app, dbg)).toBe(true);
    expect(app.getState().cursor.stepIdx).toBe(rejected[0]);
    expect(dbg.getState().lastStop?.stepIdx).toBe(rejected[0]);
    expect(dbg.getState().log.map((l) => l.kind)).toEqual(['log', 'stop']);
    continueToNextHit(app, dbg);
    expect(app.getState().cursor.stepIdx).toBe(rejected[1]);
    continueToPrevHit(app, dbg);
    expect(app.getState().cursor.stepIdx).toBe(rejected[0]);
    expect(dbg.getState().log.some((l) => l.message.startsWith('never printed'))).toBe(false);
    // Past the last hit: continue runs to the end.
    app.getState().gotoStep(rejected[rejected.length - 1]!);
    continueToNextHit(app, dbg);
    expect(app.getState().cursor.stepIdx).toBe(d.index.steps.length - 1);
    expect(dbg.getState().lastStop).toBeNull();
  });

  it('a live run is evaluated as steps complete and holds at the first hit', () => {
    const d = demo('speculative');
    const order = stepOrder(d.raw);
    const firstRejected = d.raw.find((r) => r.type === 'verify' && r.decisions.some((x: Raw) => !x.accepted))!.step;
    const app = createAppStore();
    const live = new TraceIndex();
    app.getState().loadTrace('live', 'speculative · live', live);
    app.getState().setRun('run-1', 'paused');
    const dbg = createDebugStore(memoryStorage());
    dbg.getState().add({ kind: 'rejection' });
    // Feed the recorded run in small batches, as the frame batcher would.
    for (let i = 0; i < d.records.length; i += 7) {
      live.append(d.records.slice(i, i + 7));
      app.getState().traceGrew();
      evaluateLiveSteps(app, dbg, live, false);
    }
    // It stopped at the first rejection and stayed there while later records kept arriving.
    expect(app.getState().cursor.stepIdx).toBe(order.indexOf(firstRejected));
    expect(app.getState().follow).toBe(false);
    expect(dbg.getState().log.filter((l) => l.kind === 'stop').map((l) => l.step)).toEqual([firstRejected]);
  });
});
