/**
 * Greedy speculative decoding must emit exactly plain greedy's tokens (decoding-algorithms §12.1), on the real
 * bundled models. Oracle: token-for-token equality with an autoregressive greedy run; at a first divergence the
 * method's token must be a near-tie of the AR argmax (log-prob gap < 1e-4), the documented fp caveat.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../engine/trace/schema';
import { PROMPTS, committedIds, haveModels, runRecords } from './engine-run';

const MAX_NEW = 16;
// "name:rows" runs a tree method with batch-row verification instead of the 4-D tree mask.
const METHODS = (process.env.SPEC_METHODS ?? 'speculative,prompt-lookup,ngram-table,early-exit,draft-verify,speculative-hetero,medusa,medusa:rows,eagle,eagle:rows,eagle-1,eagle-1:rows,specinfer,opt-tree,opt-tree:rows').split(',');

function divergenceReport(ar: readonly TraceRecord[], arIds: number[], ids: number[]): { index: number; gap: number } | null {
  const index = arIds.findIndex((t, i) => ids[i] !== t);
  if (index < 0) return ids.length === arIds.length ? null : { index: Math.min(ids.length, arIds.length), gap: Infinity };
  const distId = ar.flatMap((r) => (r.type === 'commit' ? r.tokens : []))[index]?.distId;
  const dist = ar.find((r) => r.type === 'distribution' && r.distId === distId);
  if (!dist || dist.type !== 'distribution') return { index, gap: Infinity };
  const best = dist.processed.topk[0]?.logprob ?? 0;
  const mine = dist.processed.topk.find((e) => e.id === ids[index])?.logprob;
  return { index, gap: mine === undefined || mine === null ? Infinity : best - mine };
}

describe.skipIf(!haveModels)('greedy speculative methods ≡ plain greedy on 20 prompts', () => {
  const arRuns = new Map<string, TraceRecord[]>();
  const ar = async (prompt: string) => {
    let r = arRuns.get(prompt);
    if (!r) arRuns.set(prompt, (r = await runRecords('autoregressive', prompt, { max_new_tokens: MAX_NEW, do_sample: false })));
    return r;
  };
  for (const spec of METHODS) {
    const [method, rows] = spec.split(':') as [string, string | undefined];
    it(`${spec}`, async () => {
      let exact = 0;
      let drafted = 0;
      for (const prompt of PROMPTS) {
        const base = await ar(prompt);
        const records = await runRecords(method, prompt, { max_new_tokens: MAX_NEW, do_sample: false, ...(rows ? { method: { tree_mode: 'rows' } } : {}) });
        drafted += records.filter((r) => r.type === 'draft').length;
        const arIds = committedIds(base);
        const ids = committedIds(records);
        const div = divergenceReport(base, arIds, ids);
        if (div === null) exact++;
        else expect(div.gap, `${method} diverged from greedy on ${JSON.stringify(prompt)} at output ${div.index}`).toBeLessThan(1e-4);
      }
      expect(exact).toBeGreaterThanOrEqual(PROMPTS.length - 1);
      expect(drafted, `${method} never drafted anything: the check would be vacuous`).toBeGreaterThan(0);
    }, 1_200_000);
  }
});
