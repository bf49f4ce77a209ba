/**
 * Sampled speculative runs replay exactly from their recorded draws, and every recorded decision can be re-derived
 * from the trace alone (decoding-algorithms §12.2.4): accepted ⇔ u ≤ p/q (p > 0), every trace record valid.
 */
import { describe, expect, it } from 'vitest';
import { TraceRecord } from '../../engine/trace/schema';
import type { TraceRecord as Rec } from '../../engine/trace/schema';
import { committedIds, haveModels, runRecords } from './engine-run';

const decisionsOf = (records: readonly Rec[]) => records.flatMap((r) => (r.type === 'verify' ? r.decisions : []));
const drawsOf = (records: readonly Rec[]) => records.flatMap((r) => (r.type === 'rng_draw' ? [r.u] : []));

describe.skipIf(!haveModels)('replay and re-derivation of sampled speculative runs', () => {
  for (const method of ['speculative', 'eagle', 'early-exit']) {
    it(`${method}: replays from recorded draws; decisions follow u <= p/q; records valid`, async () => {
      const params = { max_new_tokens: 20, do_sample: true, seed: 1234, temperature: 0.9, top_k: 40 };
      const live = await runRecords(method, 'def main():\n    parser = argparse.ArgumentParser(', params);
      for (const r of live) expect(() => TraceRecord.parse(r)).not.toThrow();
      const draws = drawsOf(live);
      expect(draws.length).toBeGreaterThan(0);
      const replay = await runRecords(method, 'def main():\n    parser = argparse.ArgumentParser(', { ...params, seed: 999 }, { replayDraws: draws });
      expect(committedIds(replay)).toEqual(committedIds(live));
      expect(decisionsOf(replay)).toEqual(decisionsOf(live));
      const decided = decisionsOf(live).filter((d) => d.u !== undefined && d.q !== undefined);
      expect(decided.length).toBeGreaterThan(0);
      for (const d of decided) {
        const ratio = d.p / d.q!;
        expect(d.accepted, `node ${d.node}: p ${d.p} q ${d.q} u ${d.u}`).toBe(d.p > 0 && d.u! <= ratio);
      }
    }, 600_000);
  }
});
