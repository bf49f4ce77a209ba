/**
 * Where a step's time goes, for the UI benchmark's diagnostic flags:
 *   --profile  JS self and inclusive time per function (build with `--minify false` for readable names)
 *   --trace    the browser's own phases (script, style recalc, layout, pre-paint, paint…) per step
 * Both record a few steps on an already open page and print a table; nothing here is asserted.
 */
import type { Browser, Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Steps forward `n` times the way the benchmark does (commit, then a forced style + layout). */
export async function stepForward(page: Page, n: number): Promise<void> {
  await page.evaluate(async (count) => {
    const store = (window as unknown as { __decodescope: { store: { getState(): { move(h: string): void } } } }).__decodescope.store;
    for (let i = 0; i < count; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      store.getState().move('nextToken');
      await new Promise((r) => setTimeout(r, 0));
      void document.body.offsetHeight;
    }
  }, n);
}

function frameKey(n: ProfileNode): string {
  const f = n.callFrame;
  return `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
}

/** Self and inclusive milliseconds per function (inclusive counts a function once per stack). */
export function summariseProfile(nodes: ProfileNode[], msPerHit: number, steps: number, top = 25): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const n of nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    self.set(frameKey(n), (self.get(frameKey(n)) ?? 0) + hits);
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const k = frameKey(byId.get(id)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + hits);
    }
  }
  const ms = (h: number) => ((h * msPerHit) / steps).toFixed(2).padStart(7);
  const bySelf = [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, h]) => `${ms(h)} self  ${k}`);
  return [...bySelf, '---- inclusive:', ...[...incl]
    .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(program)') && !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, h]) => `${ms(h)} incl ${ms(self.get(k) ?? 0)} self  ${k}`)];
}

export async function profileSteps(page: Page, steps = 40): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const intervalUs = 100;
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  await stepForward(page, steps);
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] } };
  // Samples are not exactly `interval` apart under load: spread the real duration over them.
  const msPerHit = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  return ['ms per step (JS profile):', ...summariseProfile(profile.nodes, msPerHit, steps, 80)];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: what the step cost, whatever else the machine was running. */
  tdur?: number;
  tid: number;
  pid: number;
  args?: { name?: string };
}

function mainThreadEvents(events: TraceEvent[]): TraceEvent[] {
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
}

/** The phases a step's CPU time is split into (trace event name → column). */
const PHASES: Record<string, string> = {
  FunctionCall: 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'prepaint',
  Paint: 'paint',
  Layerize: 'layerize',
  'LocalFrameView::RunAccessibilitySteps': 'a11y',
  HitTest: 'hittest',
  'InlineNode::ShapeTextIncludingFirstLine': 'shape',
  'Blink.IntersectionObservation.UpdateTime': 'io',
};

/** Main-thread CPU milliseconds per step: all top-level tasks, and per phase (outermost events only). */
export function cpuPerStep(events: TraceEvent[], steps: number): Record<string, number> {
  const main = mainThreadEvents(events).sort((a, b) => a.ts - b.ts);
  const out: Record<string, number> = { total: 0 };
  let taskEnd = -1;
  const phaseEnd = new Map<string, number>();
  for (const e of main) {
    const cpu = (e.tdur ?? 0) / 1000 / steps;
    if (e.name === 'ThreadControllerImpl::RunTask' && e.ts >= taskEnd) {
      out.total! += cpu;
      taskEnd = e.ts + (e.dur ?? 0);
    }
    const phase = PHASES[e.name];
    if (phase && e.ts >= (phaseEnd.get(phase) ?? -1)) {
      out[phase] = (out[phase] ?? 0) + cpu;
      phaseEnd.set(phase, e.ts + (e.dur ?? 0));
    }
  }
  return out;
}

/** Traces `steps` steps forward and returns their main-thread CPU time per step. */
export async function cpuSteps(browser: Browser, page: Page, steps: number): Promise<Record<string, number>> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'toplevel', 'blink'] });
  await stepForward(page, steps);
  const buf = await browser.stopTracing();
  return cpuPerStep((JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents, steps);
}

/** Total duration per event name on the renderer's main thread, per step (nested events overlap). */
export function summariseTrace(events: TraceEvent[], steps: number): string[] {
  const mainTids = new Set(events.filter((e) => e.name === 'thread_name' && (e as unknown as { args: { name: string } }).args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const total = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || !mainTids.has(`${e.pid}:${e.tid}`)) continue;
    total.set(e.name, (total.get(e.name) ?? 0) + e.dur / 1000);
  }
  // How much each layout and style recalc had to touch: the clue to what invalidated it.
  const sizes: string[] = [];
  for (const e of events) {
    if (e.ph !== 'X' || !mainTids.has(`${e.pid}:${e.tid}`)) continue;
    const args = (e as unknown as { args?: { beginData?: { dirtyObjects?: number; totalObjects?: number }; elementCount?: number } }).args;
    if (e.name === 'Layout' && args?.beginData) sizes.push(`layout ${args.beginData.dirtyObjects}/${args.beginData.totalObjects} objects ${(e.dur! / 1000).toFixed(1)} ms`);
    if (e.name === 'UpdateLayoutTree' && args?.elementCount !== undefined) sizes.push(`style ${args.elementCount} elements ${(e.dur! / 1000).toFixed(1)} ms`);
  }
  return [
    ...[...total]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 24)
      .map(([name, ms]) => `${(ms / steps).toFixed(2).padStart(7)} ms  ${name}`),
    'last layouts / style recalcs:',
    ...sizes.slice(-8),
  ];
}

export async function traceSteps(browser: Browser, page: Page, steps = 20): Promise<string[]> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'blink', '__metadata'] });
  await stepForward(page, steps);
  const buf = await browser.stopTracing();
  const { traceEvents } = JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] };
  return ['ms per step (browser phases, main thread):', ...summariseTrace(traceEvents, steps)];
}
