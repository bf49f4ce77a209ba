/** The client used when there is no engine (a static page, or the engine never came up): traces and demos only. */
import type { EngineClient, EngineStatus } from '../../../engine/protocol/messages';

const NO_ENGINE = 'No engine is connected: open a trace file or a demo, or start Decodescope with `npm start`.';

export class OfflineClient implements EngineClient {
  readonly transport = 'offline' as const;
  constructor(private readonly reason = NO_ENGINE) {}
  async listModels() {
    return [];
  }
  async listMethods() {
    return [];
  }
  inspectModel(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  tokenize(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  startRun(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  pause(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  resume(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  step(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  cancel(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
  /** A lossless check decodes on the real models, so it needs the engine. */
  checkLossless(): Promise<never> {
    return Promise.reject(new Error(`The lossless check runs the models, so it needs the engine. ${this.reason}`));
  }
  onStatus(listener: (s: EngineStatus) => void) {
    listener({ state: 'lost', message: this.reason });
    return () => {};
  }
  dispose() {}
}
