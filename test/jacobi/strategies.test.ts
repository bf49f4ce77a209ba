/**
 * Jacobi-family strategies on the bundled target model (real ONNX, no mocks). Oracle (decoding-algorithms §12.1):
 * teacher-force each method's output through the standard export and require every emitted token to be the argmax
 * of its position, or within 1e-4 log-probability of it (a float near-tie between differently shaped passes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../engine/runner/start-run';
import { loadModel } from '../../engine/model/registry';
import type { LoadedModel } from '../../engine/model/loader';
import { logitsAt } from '../../engine/strategies/blocks';
import type { JacobiIterRecord, LookaheadRecord, TraceRecord } from '../../engine/trace/schema';

const PROMPTS = [
  'def main(',
  'import os\n',
  'class Foo:\n    def',
  'for i in range(',
  'return self.',
  'if __name__ ==',
  'try:\n    import',
  '# Copyright',
  'def __init__(self,',
  'with open(',
  'raise ValueError(',
  'x = [',
];
const MAX_NEW = 24;

async function run(method: string, prompt: string, method_: Record<string, number | string> = {}) {
  const records: TraceRecord[] = [];
  const footer = await startRun({ method, prompt, params: { max_new_tokens: MAX_NEW, do_sample: false, method: method_ } }, (r) => records.push(r)).done;
  expect(footer.status, footer.error).toBe('completed');
  return { ids: footer.summary.tokenIds, records, summary: footer.summary };
}

const greedyIds = new Map<string, Promise<number[]>>();
function greedy(prompt: string): Promise<number[]> {
  if (!greedyIds.has(prompt)) greedyIds.set(prompt, run('autoregressive', prompt).then((r) => r.ids));
  return greedyIds.get(prompt)!;
}

let model: LoadedModel;
beforeAll(async () => {
  model = await loadModel('target');
});

/** Positions where the output is neither the argmax nor within 1e-4 log-prob of it. */
async function teacherForcedMismatches(prompt: string, output: number[]): Promise<number[]> {
  const ids = [...model.tokenizer.encode(prompt), ...output];
  const promptLen = ids.length - output.length;
  const out = await model.primary.forward({ inputIds: [ids], cache: model.primary.emptyCache(), logits: 'all' });
  const bad: number[] = [];
  output.forEach((tok, k) => {
    const row = logitsAt(out, 0, promptLen - 1 + k);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    if (max - row[tok]! > 1e-4) bad.push(k);
  });
  return bad;
}

describe('Jacobi-family strategies equal greedy on the bundled target (teacher-forced)', () => {
  const methods: [string, Record<string, number | string>][] = [
    ['jacobi', {}],
    ['jacobi_kv', { block: 5 }],
    ['lookahead', {}],
    ['lookahead', { passes: 'separate', level: 4, window: 4, guess: 3 }],
    ['sjd', { window: 6 }],
  ];
  for (const [method, knobs] of methods) {
    it(`${method} ${JSON.stringify(knobs)} on ${PROMPTS.length} prompts`, async () => {
      let exact = 0;
      for (const prompt of PROMPTS) {
        const r = await run(method, prompt, knobs);
        expect(r.ids.length).toBeGreaterThan(0);
        expect(await teacherForcedMismatches(prompt, r.ids), `prompt ${JSON.stringify(prompt)}`).toEqual([]);
        if (JSON.stringify(await greedy(prompt)) === JSON.stringify(r.ids)) exact++;
        for (const c of r.records) if (c.type === 'commit') expect(c.tokens.length).toBeGreaterThanOrEqual(1);
        expect(r.summary.targetForwardPasses).toBeLessThanOrEqual(method === 'lookahead' && knobs.passes === 'separate' ? 2 * r.ids.length : r.ids.length + 1);
      }
      // Exact equality is expected on CPU fp32; the teacher-forced check above is the contract.
      expect(exact).toBeGreaterThanOrEqual(PROMPTS.length - 1);
    });
  }
});

describe('Jacobi trace invariants on the bundled target', () => {
  for (const method of ['jacobi', 'jacobi_kv']) {
    it(`${method}: converged prefix never shrinks, grows each iteration, iterations ≤ block length`, async () => {
      for (const prompt of PROMPTS.slice(0, 6)) {
        const r = await run(method, prompt, { block: 6 });
        const rows = r.records.filter((x): x is JacobiIterRecord => x.type === 'jacobi_iter');
        expect(rows.length).toBeGreaterThan(0);
        const blocks = new Map<number, JacobiIterRecord[]>();
        for (const row of rows) blocks.set(row.blockStart, [...(blocks.get(row.blockStart) ?? []), row]);
        let committed = 0;
        for (const [, block] of blocks) {
          expect(block[0]!.iteration).toBe(0);
          const iterations = block.length - 1;
          expect(iterations).toBeLessThanOrEqual(block[0]!.blockSize);
          for (let t = 1; t < block.length; t++) {
            expect(block[t]!.iteration).toBe(t);
            expect(block[t]!.convergedPrefix).toBeGreaterThanOrEqual(block[t - 1]!.convergedPrefix + 1);
            committed += block[t]!.committed?.length ?? 0;
          }
        }
        // Every generated token after the prefill's came from a proven cell.
        expect(committed).toBe(r.ids.length - 1);
      }
    });
  }

  it('lookahead: the trace says which pass layout ran, and the pool respects G', async () => {
    const single = await run('lookahead', 'def main(', { guess: 2 });
    const la = single.records.filter((x): x is LookaheadRecord => x.type === 'lookahead');
    expect(la.length).toBeGreaterThan(0);
    expect(new Set(la.map((x) => x.passes))).toEqual(new Set([model.manifest.treeMask ? 'single' : 'separate']));
    for (const x of la) expect(x.candidates.length).toBeLessThanOrEqual(2);
    const calls = single.records.filter((x) => x.type === 'model_call' && x.purpose === 'lookahead');
    if (model.manifest.treeMask) for (const c of calls) expect(c.type === 'model_call' && c.maskKind).toBe('lookahead');
    const separate = await run('lookahead', 'def main(', { passes: 'separate' });
    expect(new Set(separate.records.filter((x): x is LookaheadRecord => x.type === 'lookahead').map((x) => x.passes))).toEqual(new Set(['separate']));
    expect(separate.ids).toEqual(single.ids);
  });
});

describe('SJD sampled runs replay from their recorded draws', () => {
  it('same tokens and decisions when the rng_draw values are fed back', async () => {
    const params = { max_new_tokens: MAX_NEW, do_sample: true, temperature: 1, top_k: 50, seed: 7, method: { window: 6 } };
    const first: TraceRecord[] = [];
    const f1 = await startRun({ method: 'sjd', prompt: 'def main(', params }, (r) => first.push(r)).done;
    expect(f1.status).toBe('completed');
    const draws = first.flatMap((r) => (r.type === 'rng_draw' ? [r.u] : []));
    expect(draws.length).toBeGreaterThan(0);
    const second: TraceRecord[] = [];
    const f2 = await startRun({ method: 'sjd', prompt: 'def main(', params: { ...params, seed: 999 } }, (r) => second.push(r), { replayDraws: draws }).done;
    expect(f2.summary.tokenIds).toEqual(f1.summary.tokenIds);
    const verdicts = (rs: TraceRecord[]) => rs.flatMap((r) => (r.type === 'verify' ? [r.decisions.map((d) => d.accepted)] : []));
    expect(verdicts(second)).toEqual(verdicts(first));
  });
});
