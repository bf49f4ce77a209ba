/** Pause / resume / single-step / cancel, applied between forward passes. */
import type { RunGate } from '../strategies/context';

export class RunCancelled extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'RunCancelled';
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** A pause/cancel message waits at most this long (plus one forward pass) before the run sees it. */
const YIELD_EVERY_MS = 4;

export class ControlGate implements RunGate {
  paused = false;
  cancelled = false;
  /** Pause again after the next commit (single-stepping / startPaused). */
  private stepping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly onChange: (state: 'running' | 'paused', why: string) => void,
    startPaused = false,
  ) {
    if (startPaused) {
      this.paused = true;
      this.stepping = true;
    }
  }

  /** From creation: a short run pays no event-loop turn before its first pass (the 4 ms bound still holds). */
  private lastYield = performance.now();
  /** Whether the event loop has reached its check phase since the last checkpoint (see checkpoint). */
  private loopTurned = true;
  private markerPending = false;

  async checkpoint(): Promise<void> {
    // Lets pause/cancel messages that arrived during the last pass be handled before the next one. A turn of the
    // event loop of our own costs a small model a few percent per step; most backends already wait on the event
    // loop inside a pass (onnxruntime-node runs each pass from a setImmediate), and I/O is serviced there. A
    // marker immediate tells whether that happened: it rides along in the same loop turn, so it adds none. Only
    // when no turn was seen for a few milliseconds (a backend that never leaves the microtask queue) is one forced.
    const now = performance.now();
    if (this.paused || this.stepping || (!this.loopTurned && now - this.lastYield >= YIELD_EVERY_MS)) {
      this.lastYield = now;
      await yieldToEventLoop();
    } else if (this.loopTurned) {
      this.lastYield = now;
    }
    this.watchForLoopTurn();
    while (!this.cancelled && this.paused) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.cancelled) throw new RunCancelled();
  }

  private watchForLoopTurn(): void {
    this.loopTurned = false;
    if (this.markerPending) return;
    this.markerPending = true;
    setImmediate(() => {
      this.markerPending = false;
      this.loopTurned = true;
    });
  }

  endStep(): void {
    if (this.stepping && !this.paused) {
      this.paused = true;
      this.onChange('paused', 'step');
    }
  }

  private release(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  pause(): void {
    if (this.paused || this.cancelled) return;
    this.paused = true;
    this.onChange('paused', 'pause');
  }

  resume(): void {
    this.stepping = false;
    if (!this.paused || this.cancelled) return;
    this.paused = false;
    this.onChange('running', 'resume');
    this.release();
  }

  step(): void {
    if (this.cancelled) return;
    this.stepping = true;
    if (this.paused) {
      this.paused = false;
      this.onChange('running', 'step');
      this.release();
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.release();
  }
}
