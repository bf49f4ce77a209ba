/**
 * Request/response bookkeeping shared by the transports: ids, pending promises, run handlers and status
 * listeners. A transport only has to deliver EngineMessages to `receive` and send ClientRequests.
 */
import type { LosslessProgress, LosslessReport } from '../../../engine/analysis/lossless-report';
import {
  PROTOCOL_VERSION,
  type ClientRequest,
  type EngineClient,
  type EngineMessage,
  type EngineStatus,
  type LosslessCheckOptions,
  type LosslessCheckRequest,
  type MethodDescription,
  type ModelInfo,
  type RunHandlers,
  type RunRequest,
} from '../../../engine/protocol/messages';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export abstract class RpcClient implements EngineClient {
  abstract readonly transport: EngineClient['transport'];
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly runs = new Map<string, RunHandlers>();
  /** Records that arrived before startRun's response told us the run id. */
  private readonly early = new Map<string, EngineMessage[]>();
  /** Progress listeners of the lossless checks in flight, by the id of their request. */
  private readonly checks = new Map<number, (p: LosslessProgress) => void>();
  private readonly statusListeners = new Set<(s: EngineStatus) => void>();
  protected status: EngineStatus = { state: 'connecting' };

  protected abstract send(msg: ClientRequest): void;

  protected setStatus(status: EngineStatus): void {
    this.status = status;
    if (status.state === 'lost') {
      // Nothing in flight will be answered now; the UI keeps what it already has.
      for (const p of this.pending.values()) p.reject(new Error(status.message ?? 'engine connection lost'));
      this.pending.clear();
      for (const h of this.runs.values()) h.onEnd('error', status.message ?? 'engine connection lost');
      this.runs.clear();
    }
    for (const l of this.statusListeners) l(status);
  }

  protected request<T>(req: WithoutId<ClientRequest>, onId?: (id: number) => void): Promise<T> {
    const id = this.nextId++;
    onId?.(id);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.send({ ...req, id } as ClientRequest);
      } catch (e) {
        this.pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Handshake: every transport says hello first and checks the protocol version. */
  protected async hello(): Promise<void> {
    await this.request({ kind: 'hello', protocol: PROTOCOL_VERSION });
  }

  protected receive(msg: EngineMessage): void {
    if (msg.kind === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
      return;
    }
    if (msg.kind === 'check_progress') {
      this.checks.get(msg.checkId)?.({ done: msg.done, total: msg.total, label: msg.label });
      return;
    }
    const handlers = this.runs.get(msg.runId);
    if (!handlers) {
      const queue = this.early.get(msg.runId) ?? [];
      queue.push(msg);
      this.early.set(msg.runId, queue);
      return;
    }
    this.dispatch(handlers, msg);
  }

  private dispatch(h: RunHandlers, msg: EngineMessage): void {
    if (msg.kind === 'record') h.onRecord(msg.record);
    else if (msg.kind === 'run_state') h.onState?.(msg.state);
    else if (msg.kind === 'run_end') {
      this.runs.delete(msg.runId);
      h.onEnd(msg.status, msg.error);
    }
  }

  listModels(): Promise<ModelInfo[]> {
    return this.request({ kind: 'list_models' });
  }
  listMethods(): Promise<MethodDescription[]> {
    return this.request({ kind: 'list_methods' });
  }
  inspectModel(path: string): Promise<ModelInfo> {
    return this.request({ kind: 'inspect_model', path });
  }
  tokenize(text: string, model?: string): Promise<{ ids: number[]; tokens: string[] }> {
    return this.request({ kind: 'tokenize', text, model });
  }
  async startRun(request: RunRequest, handlers: RunHandlers): Promise<string> {
    const result = await this.request<{ runId: string } | string>({ kind: 'start_run', request });
    const runId = typeof result === 'string' ? result : result.runId;
    this.runs.set(runId, handlers);
    const queued = this.early.get(runId);
    this.early.delete(runId);
    for (const m of queued ?? []) this.dispatch(handlers, m);
    return runId;
  }
  async pause(runId: string): Promise<void> {
    await this.request({ kind: 'pause', runId });
  }
  async resume(runId: string): Promise<void> {
    await this.request({ kind: 'resume', runId });
  }
  async step(runId: string): Promise<void> {
    await this.request({ kind: 'step', runId });
  }
  async cancel(runId: string): Promise<void> {
    await this.request({ kind: 'cancel', runId });
  }
  async checkLossless(request: LosslessCheckRequest, options: LosslessCheckOptions = {}): Promise<LosslessReport> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new Error('lossless check cancelled');
    let checkId = -1;
    const onAbort = () => {
      // The engine answers the check itself with a "cancelled" error once it has stopped.
      if (checkId >= 0) this.request({ kind: 'cancel_check', checkId }).catch(() => {});
    };
    signal?.addEventListener('abort', onAbort);
    try {
      return await this.request<LosslessReport>({ kind: 'lossless_check', request }, (id) => {
        checkId = id;
        if (onProgress) this.checks.set(id, onProgress);
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.checks.delete(checkId);
    }
  }
  onStatus(listener: (status: EngineStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }
  abstract dispose(): void;
}
