/**
 * Transport-independent handling of the wire protocol (engine/protocol/messages.ts).
 *
 * One Dispatcher per connection (a WebSocket, or the MessagePort Electron hands the engine). It
 * validates every incoming message, answers each request with exactly one `response`, streams the
 * records of the runs it started, and cancels those runs when the connection closes. It never throws:
 * whatever arrives, the worst outcome is an error response naming what was wrong.
 */
import { z } from 'zod';
import { ClientRequest, PROTOCOL_VERSION, type EngineMessage } from '../protocol/messages';
import type { TraceRecord } from '../trace/schema';
import { errorMessage, runEndOf, type EngineFacade, type HostedRun, type RunState } from './engine-facade';

z.config({ jitless: true });

/** Used as the response id when a message is so malformed that it carries no usable id. */
export const UNKNOWN_REQUEST_ID = -1;

export interface DispatcherOptions {
  send(message: EngineMessage): void;
  /** The engine, or a promise of it (loaded on first use so a connection that only says hello stays cheap). */
  engine: EngineFacade | (() => Promise<EngineFacade>);
  appVersion?: string;
  /** Where to report problems that cannot be sent back (e.g. the transport is gone). */
  log?(message: string): void;
}

export interface Dispatcher {
  /** Handles one incoming message: a JSON text frame or an already-parsed object (MessagePort). */
  handle(raw: unknown): Promise<void>;
  /** The connection is gone: cancel every run it started and stop sending. */
  close(): Promise<void>;
  readonly activeRunIds: readonly string[];
}

/** Turns zod issues into one line that names each offending field, e.g. `request.params.top_p: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 4)
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(message)';
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

function requestIdOf(raw: unknown): number {
  if (raw && typeof raw === 'object' && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id)) return id;
  }
  return UNKNOWN_REQUEST_ID;
}

function decodeFrame(raw: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  let text: string | undefined;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array) text = new TextDecoder().decode(raw);
  else if (raw instanceof ArrayBuffer) text = new TextDecoder().decode(new Uint8Array(raw));
  if (text === undefined) return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `message is not valid JSON: ${errorMessage(error)}` };
  }
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const runs = new Map<string, HostedRun>();
  /** Lossless checks in flight, by the id of the request that started them. */
  const checks = new Map<number, AbortController>();
  /** The last run_state sent per run, so an engine that reports its own transitions is not echoed. */
  const reportedStates = new Map<string, RunState>();
  let closed = false;
  let enginePromise: Promise<EngineFacade> | undefined;

  const engine = (): Promise<EngineFacade> => {
    if (!enginePromise) {
      const source = options.engine;
      enginePromise = typeof source === 'function' ? source() : Promise.resolve(source);
    }
    return enginePromise;
  };

  const send = (message: EngineMessage): void => {
    if (closed) return;
    try {
      options.send(message);
    } catch (error) {
      options.log?.(`engine host: could not send ${message.kind}: ${errorMessage(error)}`);
    }
  };
  const reply = (id: number, result: unknown): void => send({ kind: 'response', id, ok: true, result });
  const fail = (id: number, error: string): void => send({ kind: 'response', id, ok: false, error });

  const stateOf = (run: HostedRun): RunState => (run.state === 'paused' ? 'paused' : 'running');
  const reportState = (runId: string, state: RunState): void => {
    reportedStates.set(runId, state);
    send({ kind: 'run_state', runId, state });
  };

  async function startRun(id: number, request: ClientRequest & { kind: 'start_run' }): Promise<void> {
    const facade = await engine();
    // Records may arrive before startRun returns (the header is written first); hold them until
    // the client has its runId, so the response always precedes the run's records.
    let runId: string | undefined;
    const early: TraceRecord[] = [];
    const earlyStates: RunState[] = [];
    const run = await facade.startRun(request.request, {
      onRecord(record) {
        if (runId === undefined) early.push(record);
        else send({ kind: 'record', runId, record });
      },
      onState(state) {
        if (runId === undefined) earlyStates.push(state);
        else reportState(runId, state);
      },
    });
    runId = run.runId;
    runs.set(runId, run);
    reply(id, { runId });
    for (const record of early) send({ kind: 'record', runId, record });
    for (const state of earlyStates) reportState(runId, state);
    // The client learns the starting state (a startPaused run begins paused).
    if (!reportedStates.has(runId)) reportState(runId, stateOf(run));
    const finishedId = runId;
    run.done.then(
      (value) => {
        runs.delete(finishedId);
        reportedStates.delete(finishedId);
        const end = runEndOf(value);
        send({ kind: 'run_end', runId: finishedId, ...end });
      },
      (error: unknown) => {
        runs.delete(finishedId);
        reportedStates.delete(finishedId);
        send({ kind: 'run_end', runId: finishedId, status: 'error', error: errorMessage(error) });
      },
    );
  }

  async function control(id: number, runId: string, action: 'pause' | 'resume' | 'step' | 'cancel'): Promise<void> {
    const run = runs.get(runId);
    if (!run) {
      fail(id, `runId: no active run "${runId}" on this connection`);
      return;
    }
    await run[action]();
    reply(id, { runId, state: stateOf(run) });
    if (action !== 'cancel' && reportedStates.get(runId) !== stateOf(run)) reportState(runId, stateOf(run));
  }

  async function losslessCheck(id: number, request: ClientRequest & { kind: 'lossless_check' }): Promise<void> {
    const facade = await engine();
    if (!facade.checkLossless) {
      fail(id, 'lossless_check: this engine cannot run lossless checks');
      return;
    }
    if (checks.has(id)) {
      fail(id, `id: a lossless check with id ${id} is already running`);
      return;
    }
    const abort = new AbortController();
    checks.set(id, abort);
    try {
      const report = await facade.checkLossless(request.request, {
        signal: abort.signal,
        onProgress: (progress) => send({ kind: 'check_progress', checkId: id, ...progress }),
      });
      reply(id, report);
    } catch (error) {
      fail(id, abort.signal.aborted ? 'lossless_check cancelled' : `lossless_check failed: ${errorMessage(error)}`);
    } finally {
      checks.delete(id);
    }
  }

  function cancelCheck(id: number, checkId: number): void {
    const check = checks.get(checkId);
    if (!check) {
      fail(id, `checkId: no lossless check ${checkId} running on this connection`);
      return;
    }
    check.abort();
    reply(id, { checkId });
  }

  async function dispatch(request: ClientRequest): Promise<void> {
    const { id } = request;
    switch (request.kind) {
      case 'hello':
        if (request.protocol !== PROTOCOL_VERSION) {
          fail(id, `protocol: client speaks version ${request.protocol}, this engine speaks ${PROTOCOL_VERSION}`);
          return;
        }
        reply(id, { protocol: PROTOCOL_VERSION, appVersion: options.appVersion ?? 'unknown' });
        return;
      case 'list_models':
        reply(id, await (await engine()).listModels());
        return;
      case 'list_methods':
        reply(id, await (await engine()).listMethods());
        return;
      case 'inspect_model':
        reply(id, await (await engine()).inspectModel(request.path));
        return;
      case 'tokenize':
        reply(id, await (await engine()).tokenize(request.text, request.model));
        return;
      case 'start_run':
        await startRun(id, request);
        return;
      case 'lossless_check':
        await losslessCheck(id, request);
        return;
      case 'cancel_check':
        cancelCheck(id, request.checkId);
        return;
      case 'pause':
      case 'resume':
      case 'step':
      case 'cancel':
        await control(id, request.runId, request.kind);
        return;
    }
  }

  return {
    get activeRunIds() {
      return [...runs.keys()];
    },

    async handle(raw) {
      if (closed) return;
      const frame = decodeFrame(raw);
      if (!frame.ok) {
        fail(UNKNOWN_REQUEST_ID, frame.error);
        return;
      }
      const id = requestIdOf(frame.value);
      const parsed = ClientRequest.safeParse(frame.value);
      if (!parsed.success) {
        fail(id, `invalid request: ${describeIssues(parsed.error)}`);
        return;
      }
      try {
        await dispatch(parsed.data);
      } catch (error) {
        fail(id, `${parsed.data.kind} failed: ${errorMessage(error)}`);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const check of checks.values()) check.abort();
      checks.clear();
      const pending = [...runs.values()];
      runs.clear();
      await Promise.all(
        pending.map(async (run) => {
          try {
            await run.cancel();
          } catch (error) {
            options.log?.(`engine host: cancelling ${run.runId} on close failed: ${errorMessage(error)}`);
          }
        }),
      );
    },
  };
}
