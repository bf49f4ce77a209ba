/**
 * UI benchmark (not a timed test): opens a 10,000-step trace in Debian Chromium through the real web
 * host and measures (1) opening it — file input change → parsed, indexed and drawn — goal < 2 s, and
 * (2) a step forward — store update → React commit → layout, plus the whole frame — goal < 16 ms.
 * Usage: npm run bench:ui  [-- --steps 10000 --samples 60]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startWebServer } from '../../../engine/host/web-server';
import { syntheticTrace, toJsonl } from '../../renderer/fixtures/synthetic-trace';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const STEPS = arg('steps', 10_000);
const SAMPLES = arg('samples', 60);

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1]!.toFixed(2) };
}

const dir = mkdtempSync(join(tmpdir(), 'decodescope-perf-'));
const tracePath = join(dir, `perf-${STEPS}.trace.jsonl`);
writeFileSync(tracePath, toJsonl(syntheticTrace({ steps: STEPS, sample: true })));

const server = await startWebServer({
  port: 0,
  rendererDir: fileURLToPath(new URL('../../../out/renderer', import.meta.url)),
  // No live runs here: an engine that is never asked for anything.
  engine: () => Promise.reject(new Error('no engine in the UI benchmark')),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.getByTestId('distribution-svg').waitFor();

  // 1. Open: from the input's change event to two animation frames after the new trace is in the store.
  await page.evaluate(() => {
    const w = window as unknown as { __perfOpenStart?: number };
    document.querySelector('[data-testid="open-trace-input"]')!.addEventListener('change', () => (w.__perfOpenStart = performance.now()), { capture: true, once: true });
  });
  await page.getByTestId('open-trace-input').setInputFiles(tracePath);
  const open = await page.evaluate(async (steps) => {
    type S = { trace: { steps: unknown[] } };
    const store = (window as unknown as { __decodescope: { store: { getState(): S } } }).__decodescope.store;
    while (store.getState().trace.steps.length !== steps) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const w = window as unknown as { __perfOpenStart: number; __decodescopeLastOpenMs: number };
    return { totalMs: performance.now() - w.__perfOpenStart, parseAndIndexMs: w.__decodescopeLastOpenMs };
  }, STEPS);

  // Diagnostic: --hide SELECTOR takes one panel out of layout to see what a step costs without it.
  const hide = process.argv.indexOf('--hide');
  if (hide >= 0) await page.addStyleTag({ content: `${process.argv[hide + 1]} { display: none !important; }` });
  // 2. Step forward from the middle of the run.
  const step = await page.evaluate(async (samples) => {
    type S = { move(how: string): void; gotoStep(i: number): void };
    const store = (window as unknown as { __decodescope: { store: { getState(): S } } }).__decodescope.store;
    store.getState().gotoStep(5000);
    await new Promise((r) => setTimeout(r, 50));
    const update: number[] = [];
    const frame: number[] = [];
    for (let i = 0; i < samples; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      store.getState().move('nextToken');
      await new Promise((r) => setTimeout(r, 0)); // React's sync-lane commit has run
      void document.body.offsetHeight; // style + layout
      update.push(performance.now() - t0);
      await new Promise((r) => requestAnimationFrame(r)); // paint of this frame
      frame.push(performance.now() - t0);
    }
    return { update, frame };
  }, SAMPLES);

  console.log('DOM', await page.evaluate(() => ({ heapMB: Math.round(((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 1e6), chips: document.querySelectorAll('.chip').length, all: document.querySelectorAll('*').length, live: document.querySelectorAll('[data-live="1"]').length })));
  if (process.argv.includes('--profile')) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    await page.evaluate(async () => {
      const store = (window as unknown as { __decodescope: { store: { getState(): { move(h: string): void } } } }).__decodescope.store;
      for (let i = 0; i < 5; i++) {
        store.getState().move('nextToken');
        await new Promise((r) => setTimeout(r, 0));
        void document.body.offsetHeight;
      }
    });
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[] } };
    const self = new Map<string, number>();
    for (const n of profile.nodes) {
      const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(k, (self.get(k) ?? 0) + (n.hitCount ?? 0));
    }
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 15));
  }

  const report = {
    steps: STEPS,
    traceMB: +((await import('node:fs')).statSync(tracePath).size / 1e6).toFixed(1),
    open: { totalMs: Math.round(open.totalMs), parseAndIndexMs: Math.round(open.parseAndIndexMs), goalMs: 2000 },
    stepForward: { updateMs: stats(step.update), frameMs: stats(step.frame), goalMs: 16 },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await server.close();
}
