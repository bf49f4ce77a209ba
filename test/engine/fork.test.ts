/**
 * What-if forks on the real bundled models: the fork request derived from a recorded trace re-decodes to the
 * same tokens as a fresh run given the same forced list, keeps the parent's prefix, and takes the new token.
 */
import { describe, expect, it } from 'vitest';
import type { RunRequest } from '../../engine/protocol/messages';
import type { HeaderRecord, TraceRecord } from '../../engine/trace/schema';
import { forkRequest, requestFromHeader, ForkError } from '../../engine/trace/fork';
import { ofType, runToEnd } from './helpers/run';

const prompt = 'def fibonacci(n):';
const FORK_AT = 6;

function outputOf(records: TraceRecord[]): number[] {
  return ofType(records, 'commit').flatMap((c) => c.tokens.map((t) => t.id));
}

function headerOf(records: TraceRecord[]): HeaderRecord {
  return ofType(records, 'header')[0]!;
}

/** The best-ranked candidate the parent did not take at output i, from the distribution that decided i. */
function alternativeAt(records: TraceRecord[], i: number): number {
  let seen = 0;
  for (const c of ofType(records, 'commit')) {
    for (const t of c.tokens) {
      if (seen++ !== i) continue;
      const dist = ofType(records, 'distribution').find((d) => d.distId === t.distId)!;
      return dist.processed.topk.find((e) => e.id !== t.id && e.logprob !== null)!.id;
    }
  }
  throw new Error(`no output ${i}`);
}

async function checkFork(request: RunRequest) {
  const parent = await runToEnd(request);
  expect(parent.footer.status).toBe('completed');
  const parentOut = outputOf(parent.records);
  expect(parentOut.length).toBeGreaterThan(FORK_AT + 2);
  const tokenId = alternativeAt(parent.records, FORK_AT);
  expect(tokenId).not.toBe(parentOut[FORK_AT]);

  const forkReq = forkRequest(headerOf(parent.records), parentOut, { outputIndex: FORK_AT, tokenId }, 'parent.trace.jsonl');
  const fork = await runToEnd(forkReq);
  // A fresh run built by hand from the original request and the same forced list.
  const fresh = await runToEnd({ ...request, forced: [...parentOut.slice(0, FORK_AT).map((id, outputIndex) => ({ outputIndex, tokenId: id })), { outputIndex: FORK_AT, tokenId }] });
  const forkOut = outputOf(fork.records);
  const freshOut = outputOf(fresh.records);

  expect(fork.footer.status).toBe('completed');
  expect(forkOut).toEqual(freshOut);
  expect(forkOut.slice(0, FORK_AT)).toEqual(parentOut.slice(0, FORK_AT));
  expect(forkOut[FORK_AT]).toBe(tokenId);
  const h = headerOf(fork.records);
  expect(h.fork).toEqual({ parent: 'parent.trace.jsonl', parentCreatedAt: headerOf(parent.records).createdAt, outputIndex: FORK_AT, tokenId, originalTokenId: parentOut[FORK_AT] });
  expect(h.request?.forced?.length).toBe(FORK_AT + 1);
  expect(h.params.seed).toBe(headerOf(parent.records).params.seed);
  return { parentOut, forkOut, tokenId };
}

describe('what-if forks re-decode exactly', () => {
  it('autoregressive greedy', async () => {
    const request: RunRequest = { method: 'autoregressive', prompt, params: { max_new_tokens: 20, do_sample: false } };
    const { forkOut, tokenId } = await checkFork(request);
    // Greedy output is a function of the prefix: forcing only the fork position gives the same tokens.
    const onlyAt = await runToEnd({ ...request, forced: [{ outputIndex: FORK_AT, tokenId }] });
    expect(outputOf(onlyAt.records)).toEqual(forkOut);
  });

  it('autoregressive sampling with a seed (the seed is carried over even when the parent picked it)', async () => {
    await checkFork({ method: 'autoregressive', prompt, params: { max_new_tokens: 20, do_sample: true, temperature: 0.9, seed: 11 } });
    // Without a seed in the request, the fork must reuse the one the parent's header recorded.
    const parent = await runToEnd({ method: 'autoregressive', prompt, params: { max_new_tokens: 12, do_sample: true } });
    const again = await runToEnd(requestFromHeader(headerOf(parent.records)));
    expect(outputOf(again.records)).toEqual(outputOf(parent.records));
  });

  it('chain speculative decoding, greedy', async () => {
    await checkFork({ method: 'speculative', prompt, params: { max_new_tokens: 20, do_sample: false } });
  });

  it('chain speculative decoding, sampled', async () => {
    const { forkOut } = await checkFork({ method: 'speculative', prompt, params: { max_new_tokens: 20, do_sample: true, seed: 5 } });
    expect(forkOut.length).toBeGreaterThan(FORK_AT);
  });
});

describe('fork requests', () => {
  it('rebuild the request from the header: bundled ids, draft, method params', async () => {
    const request: RunRequest = { method: 'speculative', prompt, params: { max_new_tokens: 4, do_sample: false, method: { num_assistant_tokens: 3 } }, draft: 'draft' };
    const parent = await runToEnd(request);
    const rebuilt = requestFromHeader(headerOf(parent.records));
    expect(rebuilt.method).toBe('speculative');
    expect(rebuilt.draft).toBe('draft');
    expect(rebuilt.model).toBeUndefined();
    expect(rebuilt.params.method).toEqual({ num_assistant_tokens: 3 });
    // A pre-1.3 header (no `request`): bundled models are recognised by their folder.
    const { request: _dropped, ...old } = headerOf(parent.records);
    const fromOld = requestFromHeader(old as HeaderRecord);
    expect(fromOld.model).toBe('target');
    expect(fromOld.draft).toBe('draft');
  });

  it('refuse what cannot be forked, naming why', async () => {
    const parent = await runToEnd({ method: 'beam_search', prompt, params: { max_new_tokens: 3, do_sample: false, num_beams: 2 } });
    const h = headerOf(parent.records);
    expect(() => forkRequest(h, outputOf(parent.records), { outputIndex: 0, tokenId: 5 }, 'p')).toThrow(/beam search/);
    const ar = await runToEnd({ method: 'autoregressive', prompt, params: { max_new_tokens: 3, do_sample: false } });
    expect(() => forkRequest(headerOf(ar.records), outputOf(ar.records), { outputIndex: 3, tokenId: 5 }, 'p')).toThrow(ForkError);
    expect(() => forkRequest(headerOf(ar.records), outputOf(ar.records), { outputIndex: 1, tokenId: 10 ** 7 }, 'p')).toThrow(/vocabulary/);
  });
});
