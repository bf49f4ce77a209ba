/**
 * The lossless check over the wire protocol: the dispatcher with the real engine answers `lossless_check` with
 * a report after `check_progress` messages, names a bad field, and stops a check on `cancel_check`.
 */
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../engine/host/dispatcher';
import { loadEngine } from '../../engine/host/engine-adapter';
import type { EngineMessage } from '../../engine/protocol/messages';
import type { GreedyReport } from '../../engine/analysis/lossless-report';
import { haveModels } from '../speculative/engine-run';

type Response = Extract<EngineMessage, { kind: 'response' }>;

async function until<T>(find: () => T | undefined): Promise<T> {
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!haveModels)('lossless_check over the protocol', () => {
  it('answers with a report after progress messages', async () => {
    const sent: EngineMessage[] = [];
    const dispatcher = createDispatcher({ engine: loadEngine, send: (m) => sent.push(m) });
    await dispatcher.handle(JSON.stringify({ kind: 'lossless_check', id: 7, request: { method: 'prompt-lookup', mode: 'greedy', prompts: ['def add(a, b):'], maxNewTokens: 6 } }));
    const response = sent.find((m): m is Response => m.kind === 'response' && m.id === 7)!;
    expect(response.ok, JSON.stringify(response)).toBe(true);
    const report = (response as Response & { ok: true }).result as GreedyReport;
    expect(report).toMatchObject({ mode: 'greedy', method: 'prompt-lookup', verdict: 'identical', identicalPrompts: 1, totalTokens: 6 });
    const progress = sent.filter((m) => m.kind === 'check_progress');
    expect(progress.map((m) => (m.kind === 'check_progress' ? [m.checkId, m.done, m.total] : []))).toEqual([
      [7, 0, 2],
      [7, 1, 2],
      [7, 2, 2],
    ]);
    // Progress comes before the answer.
    expect(sent.indexOf(response)).toBe(sent.length - 1);
  }, 120_000);

  it('names a bad field, and a cancelled check is answered "cancelled"', async () => {
    const sent: EngineMessage[] = [];
    const dispatcher = createDispatcher({ engine: loadEngine, send: (m) => sent.push(m) });
    await dispatcher.handle({ kind: 'lossless_check', id: 1, request: { method: 'speculative', mode: 'sometimes' } });
    expect(sent[0]).toMatchObject({ kind: 'response', id: 1, ok: false });
    expect((sent[0] as Response & { ok: false }).error).toMatch(/request\.mode/);

    const running = dispatcher.handle({ kind: 'lossless_check', id: 2, request: { method: 'speculative', mode: 'sampling', samples: 500, maxNewTokens: 3 } });
    await until(() => sent.find((m) => m.kind === 'check_progress' && m.checkId === 2 && m.done >= 2));
    await dispatcher.handle({ kind: 'cancel_check', id: 3, checkId: 2 });
    await running;
    expect(sent.find((m) => m.kind === 'response' && m.id === 3)).toMatchObject({ ok: true });
    expect(sent.find((m) => m.kind === 'response' && m.id === 2)).toMatchObject({ ok: false, error: 'lossless_check cancelled' });
    await dispatcher.handle({ kind: 'cancel_check', id: 4, checkId: 2 });
    expect((sent.find((m) => m.kind === 'response' && m.id === 4) as Response & { ok: false }).error).toMatch(/^checkId: no lossless check 2/);
  }, 120_000);
});
