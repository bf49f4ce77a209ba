/**
 * The tiny fixture exports (Optimum / transformers.js conventions) load unchanged, match torch's logits, report the
 * right capabilities, and run greedy decoding deterministically.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../engine/model/registry';
import { logitsAt } from '../../engine/strategies/blocks';
import { startRun } from '../../engine/runner/start-run';
import type { FooterRecord, TraceRecord } from '../../engine/trace/schema';
import { TraceRecord as TraceRecordSchema } from '../../engine/trace/schema';

const root = join(__dirname, '../fixtures/models');
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as {
  fixtures: Record<string, { file: string; expected: { input_ids: number[]; last_logits_first8: number[]; last_argmax: number } }>;
};

const expectedManifest: Record<string, Record<string, unknown>> = {
  'tiny-llama': { ioConvention: 'optimum', dtype: 'float32', positionIds: true, treeMask: false },
  'tiny-llama-instrumented': { ioConvention: 'custom', treeMask: true, attentions: true, hiddenStates: true, exitLogits: true },
  'tiny-llama-external-data': { externalData: true },
  'tiny-llama-external-data-dotdata': { externalData: true },
  'tiny-llama-fp16': { dtype: 'float16' },
  'tiny-gpt2-style-no-position-ids': { ioConvention: 'optimum-no-position-ids', positionIds: false },
  'tiny-llama-logits-to-keep': { numLogitsToKeep: true },
  'tiny-llama-merged': { ioConvention: 'optimum-merged', useCacheBranch: true },
  'tiny-llama-gqa': { numKvHeads: 2 },
  'tiny-llama-no-config': { numLayers: 2, numKvHeads: 4, headDim: 8, vocabSize: 257 },
};

async function greedy(model: string, maxNewTokens = 8): Promise<{ footer: FooterRecord; records: TraceRecord[] }> {
  const records: TraceRecord[] = [];
  const footer = await startRun({ method: 'autoregressive', prompt: 'def f(x):', params: { max_new_tokens: maxNewTokens, do_sample: false }, model }, (r) => records.push(r)).done;
  return { footer, records };
}

describe('fixture exports', () => {
  for (const [name, fx] of Object.entries(index.fixtures)) {
    describe(name, () => {
      const dir = join(root, name);

      it(`loads ${fx.file} and matches torch's prefill logits`, async () => {
        const m = await loadModel(dir);
        expect(m.manifest).toMatchObject({ vocabSize: 257, numLayers: 2, kvCache: true, ...expectedManifest[name] });
        const session = m.primary;
        expect(session.file).toBe(fx.file);
        const out = await session.forward({ inputIds: [fx.expected.input_ids], cache: session.emptyCache(), logits: 'last' });
        const last = logitsAt(out, 0);
        const tol = m.manifest.dtype === 'float16' ? 1e-2 : 1e-4;
        fx.expected.last_logits_first8.forEach((v, i) => expect(Math.abs(last[i]! - v)).toBeLessThanOrEqual(tol));
        let best = 0;
        for (let i = 1; i < last.length; i++) if (last[i]! > last[best]!) best = i;
        expect(best).toBe(fx.expected.last_argmax);
      });

      it('runs greedy decoding deterministically with valid trace records', async () => {
        const a = await greedy(dir);
        const b = await greedy(dir);
        expect(a.footer.status).toBe('completed');
        expect(a.footer.summary.newTokens).toBe(8);
        expect(b.footer.summary.tokenIds).toEqual(a.footer.summary.tokenIds);
        for (const r of a.records) expect(TraceRecordSchema.safeParse(r).success).toBe(true);
      });
    });
  }
});
