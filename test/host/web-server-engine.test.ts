/**
 * The web-mode server driving the real engine on the bundled target model, as the browser does:
 * one WebSocket, JSON text frames.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EngineMessage } from '../../engine/protocol/messages';
import { startWebServer, type WebServer } from '../../engine/host/web-server';

const rendererDir = mkdtempSync(join(tmpdir(), 'ds-web-engine-'));
let server: WebServer;

/** A protocol client that keeps every message, so tests can wait for a condition over all of them. */
class TestClient {
  readonly messages: EngineMessage[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as EngineMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(): Promise<TestClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine?token=${server.token}`, {
      headers: { origin: `http://127.0.0.1:${server.port}` },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  async until<T>(find: (messages: EngineMessage[]) => T | undefined, timeoutMs = 90_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find(this.messages);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out; last messages: ${JSON.stringify(this.messages.slice(-3)).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  response(id: number): Promise<Extract<EngineMessage, { kind: 'response' }>> {
    return this.until((ms) => ms.find((m): m is Extract<EngineMessage, { kind: 'response' }> => m.kind === 'response' && m.id === id));
  }

  runEnd(runId: string): Promise<Extract<EngineMessage, { kind: 'run_end' }>> {
    return this.until((ms) => ms.find((m): m is Extract<EngineMessage, { kind: 'run_end' }> => m.kind === 'run_end' && m.runId === runId));
  }

  recordsOf(runId: string) {
    return this.messages.flatMap((m) => (m.kind === 'record' && m.runId === runId ? [m.record] : []));
  }
}

const greedy = (max: number, extra: Record<string, unknown> = {}) => ({
  method: 'autoregressive',
  prompt: 'def add(a, b):',
  params: { max_new_tokens: max, do_sample: false },
  ...extra,
});

beforeAll(async () => {
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  server = await startWebServer({ rendererDir, host: '127.0.0.1', log: () => {} });
});

afterAll(async () => {
  await server?.close();
});

describe('web server + engine', () => {
  it('says hello, lists methods and models, and streams a greedy run on the bundled model', async () => {
    const client = await TestClient.open();
    client.send({ kind: 'hello', id: 1, protocol: 1 });
    client.send({ kind: 'list_methods', id: 2 });
    client.send({ kind: 'list_models', id: 3 });
    expect(await client.response(1)).toMatchObject({ ok: true, result: { protocol: 1 } });
    const methods = await client.response(2);
    expect(methods.ok).toBe(true);
    const names = (methods.ok ? (methods.result as Array<{ name: string }>) : []).map((m) => m.name);
    expect(names).toContain('autoregressive');
    const models = await client.response(3);
    expect(models.ok && (models.result as Array<{ id: string }>).map((m) => m.id)).toContain('target');

    client.send({ kind: 'start_run', id: 4, request: greedy(6) });
    const started = await client.response(4);
    if (!started.ok) throw new Error(started.error);
    const { runId } = started.result as { runId: string };
    const end = await client.runEnd(runId);
    expect(end.status).toBe('completed');

    // The response precedes every record of the run, and run_end follows the last one.
    const indexOfResponse = client.messages.indexOf(started);
    const runMessages = client.messages.map((m, i) => ({ m, i })).filter(({ m }) => 'runId' in m && m.runId === runId);
    expect(runMessages.every(({ i }) => i > indexOfResponse)).toBe(true);
    expect(runMessages.at(-1)?.m.kind).toBe('run_end');

    const records = client.recordsOf(runId);
    expect(records[0]?.type).toBe('header');
    expect(records.at(-1)?.type).toBe('footer');
    const committed = records.flatMap((r) => (r.type === 'commit' ? r.tokens : []));
    expect(committed).toHaveLength(6);
    expect(records.some((r) => r.type === 'distribution')).toBe(true);
    client.ws.close();
  });

  it('gives the same tokens for the same greedy request twice', async () => {
    const client = await TestClient.open();
    const ids: number[][] = [];
    for (const id of [10, 11]) {
      client.send({ kind: 'start_run', id, request: greedy(4) });
      const started = await client.response(id);
      if (!started.ok) throw new Error(started.error);
      const { runId } = started.result as { runId: string };
      await client.runEnd(runId);
      ids.push(client.recordsOf(runId).flatMap((r) => (r.type === 'commit' ? r.tokens.map((t) => t.id) : [])));
    }
    expect(ids[0]).toHaveLength(4);
    expect(ids[1]).toEqual(ids[0]);
    client.ws.close();
  });

  it('answers a malformed request with an error naming the field', async () => {
    const client = await TestClient.open();
    client.send({ kind: 'start_run', id: 20, request: { ...greedy(4), params: { max_new_tokens: 0, do_sample: false } } });
    const bad = await client.response(20);
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('request.params.max_new_tokens') });
    client.send({ kind: 'start_run', id: 21, request: { prompt: 'x', params: { max_new_tokens: 4, do_sample: false } } });
    expect(await client.response(21)).toMatchObject({ ok: false, error: expect.stringContaining('request.method') });
    client.send({ kind: 'start_run', id: 22, request: greedy(4, { method: 'no_such_method' }) });
    expect(await client.response(22)).toMatchObject({ ok: false, error: expect.stringContaining("unknown method 'no_such_method'") });
    client.send({ kind: 'pause', id: 23, runId: 'nope' });
    expect(await client.response(23)).toMatchObject({ ok: false, error: expect.stringContaining('runId: no active run "nope"') });
    // The connection still works after all that.
    client.send({ kind: 'hello', id: 24, protocol: 1 });
    expect(await client.response(24)).toMatchObject({ ok: true });
    client.ws.close();
  });

  it('steps a paused run, then cancels it', async () => {
    const client = await TestClient.open();
    client.send({ kind: 'start_run', id: 30, request: greedy(50, { startPaused: true }) });
    const started = await client.response(30);
    if (!started.ok) throw new Error(started.error);
    const { runId } = started.result as { runId: string };
    const commits = () => client.recordsOf(runId).filter((r) => r.type === 'commit').length;
    await client.until((ms) => (ms.some((m) => m.kind === 'record' && m.runId === runId && m.record.type === 'header') ? true : undefined));
    expect(commits()).toBe(0);
    client.send({ kind: 'step', id: 31, runId });
    expect(await client.response(31)).toMatchObject({ ok: true });
    await client.until(() => (commits() >= 1 ? true : undefined));
    // Still paused after the single step: no more commits arrive on their own.
    await new Promise((r) => setTimeout(r, 1500));
    expect(commits()).toBe(1);
    client.send({ kind: 'cancel', id: 32, runId });
    expect(await client.response(32)).toMatchObject({ ok: true });
    expect((await client.runEnd(runId)).status).toBe('cancelled');
    expect(client.recordsOf(runId).at(-1)).toMatchObject({ type: 'footer', status: 'cancelled' });
    // run_state tells each transition once: paused at start, running for the step, paused after it.
    const states = client.messages.flatMap((m) => (m.kind === 'run_state' && m.runId === runId ? [m.state] : []));
    expect(states).toEqual(['paused', 'running', 'paused']);
    client.ws.close();
  });

  it('pauses and resumes a running run', async () => {
    const client = await TestClient.open();
    client.send({ kind: 'start_run', id: 50, request: greedy(2000) });
    const started = await client.response(50);
    if (!started.ok) throw new Error(started.error);
    const { runId } = started.result as { runId: string };
    const commits = () => client.recordsOf(runId).filter((r) => r.type === 'commit').length;
    await client.until(() => (commits() >= 2 ? true : undefined));
    client.send({ kind: 'pause', id: 51, runId });
    expect(await client.response(51)).toMatchObject({ ok: true, result: { state: 'paused' } });
    await new Promise((r) => setTimeout(r, 300));
    const whilePaused = commits();
    await new Promise((r) => setTimeout(r, 1000));
    expect(commits()).toBe(whilePaused);
    client.send({ kind: 'resume', id: 52, runId });
    expect(await client.response(52)).toMatchObject({ ok: true, result: { state: 'running' } });
    await client.until(() => (commits() > whilePaused ? true : undefined));
    client.send({ kind: 'cancel', id: 53, runId });
    expect((await client.runEnd(runId)).status).toBe('cancelled');
    const states = client.messages.flatMap((m) => (m.kind === 'run_state' && m.runId === runId ? [m.state] : []));
    expect(states).toEqual(['running', 'paused', 'running']);
    client.ws.close();
  });

  it('tokenizes with the bundled tokenizer', async () => {
    const client = await TestClient.open();
    client.send({ kind: 'tokenize', id: 40, text: 'def add(a, b):' });
    const reply = await client.response(40);
    if (!reply.ok) throw new Error(reply.error);
    const { ids, tokens } = reply.result as { ids: number[]; tokens: string[] };
    expect(ids.length).toBeGreaterThan(0);
    expect(tokens).toHaveLength(ids.length);
    client.ws.close();
  });
});
