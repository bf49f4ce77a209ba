/**
 * The slice of the engine the host needs, as one interface. The dispatcher is written against this,
 * and `loadEngine()` adapts the real engine (engine/index.ts) to it, so a change in the engine's
 * exports touches this file only.
 */
import type { LosslessCheckOptions, LosslessCheckRequest, MethodDescription, ModelInfo, RunRequest } from '../protocol/messages';
import type { LosslessReport } from '../analysis/lossless-report';
import type { TraceRecord } from '../trace/schema';

export type RunEndStatus = 'completed' | 'cancelled' | 'error';
export type RunState = 'running' | 'paused';

export interface HostedRun {
  readonly runId: string;
  /** The engine's own state word; the host reports 'paused' when it says paused, else 'running'. */
  readonly state: string;
  pause(): unknown;
  resume(): unknown;
  step(): unknown;
  cancel(): unknown;
  /** Settles when the run is over. A rejection or an `error` status becomes run_end status 'error'. */
  readonly done: Promise<unknown>;
}

export interface RunHooks {
  onRecord(record: TraceRecord): void;
  onState?(state: RunState): void;
}

export interface EngineFacade {
  listModels(): Promise<ModelInfo[]>;
  listMethods(): Promise<MethodDescription[]>;
  inspectModel(path: string): Promise<ModelInfo>;
  tokenize(text: string, model?: string): Promise<{ ids: number[]; tokens: string[] }>;
  startRun(request: RunRequest, hooks: RunHooks): Promise<HostedRun>;
  /** Runs a lossless check (engine/analysis); absent on engines that cannot. */
  checkLossless?(request: LosslessCheckRequest, options: LosslessCheckOptions): Promise<LosslessReport>;
}

/** Reads the end status out of whatever `done` resolved with (a status word or an object carrying one). */
export function runEndOf(value: unknown): { status: RunEndStatus; error?: string } {
  const statuses: RunEndStatus[] = ['completed', 'cancelled', 'error'];
  if (typeof value === 'string' && (statuses as string[]).includes(value)) return { status: value as RunEndStatus };
  if (value && typeof value === 'object') {
    const v = value as { status?: unknown; error?: unknown };
    if (typeof v.status === 'string' && (statuses as string[]).includes(v.status)) {
      const error = v.error instanceof Error ? v.error.message : typeof v.error === 'string' ? v.error : undefined;
      return error ? { status: v.status as RunEndStatus, error } : { status: v.status as RunEndStatus };
    }
  }
  return { status: 'completed' };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
