/**
 * The engine's utilityProcess: started at launch, connected to the window by a MessageChannelMain
 * pair, restarted when it dies. The window is told at each turn (lost → restarting → ready) so the
 * UI can keep what it has and say what happened.
 */
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import type { EngineStatus } from '../engine/protocol/messages';
import { IpcChannel } from './bridge-api';

export interface EngineProcessOptions {
  /** out/electron/engine.cjs */
  entry: string;
  env: Record<string, string>;
  log(message: string): void;
}

const RESTART_WINDOW_MS = 60_000;
const MAX_RESTARTS_PER_WINDOW = 5;

export class EngineProcess {
  private child: UtilityProcess | undefined;
  private stopping = false;
  private restarts: number[] = [];
  private readonly windows = new Set<WebContents>();

  constructor(private readonly options: EngineProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = utilityProcess.fork(this.options.entry, [], {
      serviceName: 'Decodescope Engine',
      env: this.options.env,
      stdio: 'inherit',
    });
    this.child = child;
    child.once('spawn', () => {
      this.options.log(`engine: started (pid ${child.pid})`);
      for (const contents of this.windows) this.connect(contents);
    });
    child.once('exit', (code) => {
      if (this.child === child) this.child = undefined;
      if (!this.stopping) this.handleCrash(code);
    });
  }

  /** Gives a window a fresh engine connection (at load, on reload, after a restart). */
  attach(contents: WebContents): void {
    if (!this.windows.has(contents)) {
      this.windows.add(contents);
      contents.once('destroyed', () => this.windows.delete(contents));
    }
    if (this.child?.pid !== undefined) this.connect(contents);
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill();
    this.child = undefined;
  }

  private connect(contents: WebContents): void {
    if (!this.child || contents.isDestroyed()) return;
    const { port1, port2 } = new MessageChannelMain();
    this.child.postMessage({ type: 'connect' }, [port1]);
    contents.postMessage(IpcChannel.enginePort, null, [port2]);
    this.tell({ state: 'ready' });
  }

  private tell(status: EngineStatus): void {
    for (const contents of this.windows) {
      if (!contents.isDestroyed()) contents.send(IpcChannel.engineStatus, status);
    }
  }

  private handleCrash(code: number): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    this.options.log(`engine: exited with code ${code}`);
    if (this.restarts.length >= MAX_RESTARTS_PER_WINDOW) {
      this.tell({
        state: 'lost',
        message: `The engine stopped (exit code ${code}) ${MAX_RESTARTS_PER_WINDOW} times in a minute; not restarting. What is on screen is kept; restart the app to run again.`,
      });
      return;
    }
    this.restarts.push(now);
    this.tell({ state: 'lost', message: `The engine stopped (exit code ${code}); what is on screen is kept. Restarting it…` });
    this.tell({ state: 'restarting' });
    // A short pause so a crash loop does not spin the CPU.
    setTimeout(() => {
      if (!this.stopping) this.start();
    }, 250 * this.restarts.length);
  }
}
