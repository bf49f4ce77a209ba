/**
 * The Electron transport without Electron: the utility entry's parent-port handling and the
 * MessagePort connection, driven through Node's MessageChannel and the real engine.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineMessage } from '../../engine/protocol/messages';
import { createDispatcher } from '../../engine/host/dispatcher';
import type { EngineFacade, HostedRun } from '../../engine/host/engine-facade';
import { loadEngine } from '../../engine/host/engine-adapter';
import type { EnginePort } from '../../engine/host/port-connection';
import { serveParentPort } from '../../engine/host/utility-entry';

/** Node's MessagePort delivers the data itself; Electron's MessagePortMain delivers {data, ports}. */
function asEnginePort(port: MessagePort): EnginePort {
  return {
    on(event: 'message' | 'close', listener: (event: { data: unknown }) => void) {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
      else port.on('close', () => (listener as () => void)());
      return this;
    },
    postMessage: (message) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  } as EnginePort;
}

function collect(port: MessagePort): EngineMessage[] {
  const messages: EngineMessage[] = [];
  port.on('message', (m: EngineMessage) => messages.push(m));
  return messages;
}

async function waitFor<T>(find: () => T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const opened: MessagePort[] = [];
afterAll(() => {
  for (const port of opened) port.close();
});

describe('utility entry over a MessagePort', () => {
  it('serves each port the parent sends, with structured-clone messages', async () => {
    const parent = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void; sent: unknown[] };
    parent.sent = [];
    parent.postMessage = (m) => parent.sent.push(m);
    serveParentPort(parent as never, loadEngine, () => {});
    expect(parent.sent).toEqual([{ type: 'ready' }]);

    const { port1, port2 } = new MessageChannel();
    opened.push(port1, port2);
    parent.emit('message', { data: { type: 'connect' }, ports: [asEnginePort(port1)] });
    const messages = collect(port2);
    port2.postMessage({ kind: 'hello', id: 1, protocol: 1 });
    port2.postMessage({ kind: 'start_run', id: 2, request: { method: 'autoregressive', prompt: 'x = ', params: { max_new_tokens: 3, do_sample: false } } });
    port2.postMessage(JSON.stringify({ kind: 'list_methods', id: 3 }));
    port2.postMessage({ kind: 'tokenize', id: 4 });

    const hello = await waitFor(() => messages.find((m) => m.kind === 'response' && m.id === 1));
    expect(hello).toMatchObject({ ok: true, result: { protocol: 1 } });
    const end = await waitFor(() => messages.find((m) => m.kind === 'run_end'));
    expect(end).toMatchObject({ status: 'completed' });
    const records = messages.flatMap((m) => (m.kind === 'record' ? [m.record] : []));
    expect(records[0]?.type).toBe('header');
    expect(records.filter((r) => r.type === 'commit')).toHaveLength(3);
    expect(messages.find((m) => m.kind === 'response' && m.id === 3)).toMatchObject({ ok: true });
    expect(messages.find((m) => m.kind === 'response' && m.id === 4)).toMatchObject({
      ok: false,
      error: expect.stringContaining('text:'),
    });
  });

  it('ignores parent messages that are not a connect with a port', () => {
    const parent = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void };
    parent.postMessage = () => {};
    const logs: string[] = [];
    serveParentPort(parent as never, loadEngine, (m) => logs.push(m));
    parent.emit('message', { data: { type: 'something-else' }, ports: [] });
    parent.emit('message', { data: { type: 'connect' }, ports: [] });
    expect(logs).toEqual(['engine host: connect message without a port']);
  });
});

describe('dispatcher lifetime', () => {
  it('cancels the runs of a connection when it closes', async () => {
    const real = await loadEngine();
    const started: HostedRun[] = [];
    // The real engine, with the runs it starts kept for inspection.
    const engine: EngineFacade = {
      ...real,
      async startRun(request, hooks) {
        const run = await real.startRun(request, hooks);
        started.push(run);
        return run;
      },
    };
    const sent: EngineMessage[] = [];
    const dispatcher = createDispatcher({ engine, send: (m) => sent.push(m) });
    await dispatcher.handle({
      kind: 'start_run',
      id: 1,
      request: { method: 'autoregressive', prompt: 'for i in', params: { max_new_tokens: 5000, do_sample: false } },
    });
    await waitFor(() => (sent.some((m) => m.kind === 'record' && m.record.type === 'commit') ? true : undefined));
    expect(dispatcher.activeRunIds).toHaveLength(1);
    const before = sent.length;
    await dispatcher.close();
    const footer = (await started[0]!.done) as { status: string; summary: { newTokens: number } };
    expect(footer.status).toBe('cancelled');
    expect(footer.summary.newTokens).toBeLessThan(5000);
    expect(dispatcher.activeRunIds).toHaveLength(0);
    // Nothing is sent on a closed connection.
    expect(sent.length).toBe(before);
  });
});
