/**
 * The run gate lets pause/cancel messages (timers, socket data: event-loop callbacks) reach a running loop both
 * when the backend's passes wait on the event loop (onnxruntime-node runs each pass from a setImmediate) and when
 * they never leave the microtask queue; the first case must not cost a turn of its own per step.
 */
import { describe, expect, it } from 'vitest';
import { ControlGate, RunCancelled } from '../../engine/runner/gate';

/** Checkpoints and fake passes until the gate throws; returns how many passes ran. */
async function loop(gate: ControlGate, pass: () => Promise<void>, limit: number): Promise<number> {
  for (let i = 0; i < limit; i++) {
    try {
      await gate.checkpoint();
    } catch (e) {
      expect(e).toBeInstanceOf(RunCancelled);
      return i;
    }
    await pass();
  }
  return limit;
}

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('run gate', () => {
  it('a cancel sent from a timer reaches a loop whose passes never yield to the event loop', async () => {
    const gate = new ControlGate(() => {});
    setTimeout(() => gate.cancel(), 5);
    const passes = await loop(gate, async () => busy(0.5), 100_000);
    expect(passes).toBeLessThan(100_000);
  });

  it('a cancel sent from a timer reaches a loop whose passes wait on setImmediate, as onnxruntime-node does', async () => {
    const gate = new ControlGate(() => {});
    setTimeout(() => gate.cancel(), 5);
    const passes = await loop(gate, () => new Promise<void>((resolve) => setImmediate(() => (busy(0.2), resolve()))), 100_000);
    expect(passes).toBeLessThan(100_000);
  });

  it('adds no event-loop turn of its own when every pass already waits on the loop', async () => {
    const gate = new ControlGate(() => {});
    let turns = 0;
    let counting = true;
    const countTurns = () => {
      turns++;
      if (counting) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const passes = 200;
    // Each pass takes longer than the 4 ms forced-yield bound, so a gate yielding on time alone would add turns.
    await loop(gate, () => new Promise<void>((resolve) => setImmediate(() => (busy(4.5), resolve()))), passes);
    counting = false;
    // One loop turn per pass (the pass's own immediate), give or take the first and last.
    expect(turns).toBeLessThanOrEqual(passes + 2);
  }, 20_000);

  it('pauses at the next checkpoint and resumes', async () => {
    const states: string[] = [];
    const gate = new ControlGate((s) => states.push(s));
    let ran = 0;
    // Passes of 0.3 ms that wait on the loop, as onnxruntime-node's do; the timer fires a few passes later.
    const run = loop(gate, () => new Promise<void>((resolve) => setImmediate(() => {
      busy(0.3);
      ran++;
      if (ran === 3) setTimeout(() => gate.pause(), 0);
      resolve();
    })), 50);
    await new Promise((r) => setTimeout(r, 30));
    expect(gate.paused).toBe(true);
    const seen = ran;
    expect(seen).toBeLessThan(50);
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(seen); // stays paused
    gate.resume();
    expect(await run).toBe(50);
    expect(states).toEqual(['paused', 'running']);
  });
});
