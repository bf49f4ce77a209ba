/**
 * The engine's feeds reproduce the recipe's torch fp32 golden vectors for the bundled target (assets/models/target/
 * golden/golden.json): prefill, one cached decode step, and a token tree through the instrumented graph.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, bundledModelsDir } from '../../engine/model/registry';
import type { ForwardOutput } from '../../engine/model/decoder-session';
import { logitsAt } from '../../engine/strategies/blocks';

const goldenPath = join(bundledModelsDir(), 'target/golden/golden.json');
const golden = existsSync(goldenPath) ? JSON.parse(readFileSync(goldenPath, 'utf8')) : null;
type Logits = { top10: { ids: number[][]; values: number[][] }; full_rows: Record<string, number[]> };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function checkLogits(out: ForwardOutput, want: Logits, tol: number) {
  want.top10.ids.forEach((ids, pos) => {
    const row = logitsAt(out, 0, pos);
    expect(maxDiff(ids.map((id) => row[id]!), want.top10.values[pos]!)).toBeLessThanOrEqual(tol);
  });
  for (const [pos, values] of Object.entries(want.full_rows)) expect(maxDiff(logitsAt(out, 0, Number(pos)), values)).toBeLessThanOrEqual(tol);
}

describe.skipIf(!golden)('golden vectors (bundled target)', () => {
  const tol: number = golden?.tolerance ?? 1e-4;

  async function prefill() {
    const m = await loadModel('target');
    const s = m.primary;
    expect(s.file).toBe(golden.prefill.graph === 'model.onnx' ? 'onnx/model.onnx' : golden.prefill.graph);
    return { m, out: await s.forward({ inputIds: golden.prefill.input_ids, positionIds: golden.prefill.position_ids, cache: s.emptyCache(), logits: 'all' }) };
  }

  it('prefill logits and present KV', async () => {
    const { m, out } = await prefill();
    expect(m.manifest).toMatchObject({ numLayers: golden.config.layers, numKvHeads: golden.config.kv_heads, headDim: golden.config.head_dim, vocabSize: golden.config.vocab });
    checkLogits(out, golden.prefill.logits, tol);
    const [b, h, t, d] = golden.prefill.present_shape as number[];
    expect(out.cache.shape).toEqual({ batch: b, heads: h, length: t, headDim: d });
    // present.0.key[0, :, 0, :]: the first token of every head.
    const key0 = out.cache.keys[0]!;
    const first = Array.from({ length: h! * d! }, (_, i) => key0[Math.floor(i / d!) * t! * d! + (i % d!)]!);
    expect(maxDiff(first, golden.prefill['present.0.key_first_token'])).toBeLessThanOrEqual(tol);
  });

  it('one cached decode step', async () => {
    const { m, out } = await prefill();
    const step = await m.primary.forward({ inputIds: golden.decode_step.input_ids, positionIds: golden.decode_step.position_ids, cache: out.cache, logits: 'all' });
    checkLogits(step, golden.decode_step.logits, tol);
  });

  it('a token tree in one pass of the instrumented graph (logits, attentions, hidden states, exit logits)', async () => {
    const { m, out } = await prefill();
    const s = m.sessionFor({ treeMask: true, attentions: true });
    expect(s.file).toBe(`onnx/${golden.tree.graph}`);
    const parents = golden.tree.parents as number[];
    const visible = parents.map((_, i) => {
      const path: number[] = [];
      for (let j = i; j >= 0; j = parents[j]!) path.unshift(j);
      return path;
    });
    const tree = await s.forward({
      inputIds: golden.tree.input_ids,
      positionIds: golden.tree.position_ids,
      visible,
      cache: out.cache,
      logits: 'all',
      extras: { attentions: true, hiddenStates: true, exitLogits: true },
    });
    checkLogits(tree, golden.tree.logits, tol);
    for (const [name, values] of Object.entries(golden.tree.attentions as Record<string, number[]>)) {
      expect(maxDiff(tree.extras.get(name)!.data, values), name).toBeLessThanOrEqual(tol);
    }
    for (const [name, values] of Object.entries(golden.tree.hidden_states as Record<string, number[]>)) {
      const t = tree.extras.get(name)!;
      const dim = t.dims[2]!;
      const firstSixteen = Array.from({ length: t.dims[1]! * 16 }, (_, i) => t.data[Math.floor(i / 16) * dim + (i % 16)]!);
      expect(maxDiff(firstSixteen, values), name).toBeLessThanOrEqual(tol);
    }
    for (const [name, want] of Object.entries(golden.tree.exit_logits as Record<string, { ids: number[][]; values: number[][] }>)) {
      const t = tree.extras.get(name)!;
      const V = t.dims[2]!;
      want.ids.forEach((ids, pos) => expect(maxDiff(ids.map((id) => t.data[pos * V + id]!), want.values[pos]!), name).toBeLessThanOrEqual(tol));
    }
  });

  it('a left-padded batch (2-D mask graph and 4-D mask graph): real positions match torch, padding changes nothing', async () => {
    const m = await loadModel('target');
    const c = golden.batch_left_pad;
    const want = c.logits as Logits[];
    const mask = c.attention_mask as number[][];
    const check = (out: ForwardOutput) =>
      want.forEach((w, row) => {
        w.top10.ids.forEach((ids, pos) => {
          if (mask[row]![pos] !== 1) return; // torch's padded positions attend to nothing: not comparable
          const got = logitsAt(out, row, pos);
          expect(maxDiff(ids.map((id) => got[id]!), w.top10.values[pos]!), `row ${row} pos ${pos}`).toBeLessThanOrEqual(tol);
        });
        for (const [pos, values] of Object.entries(w.full_rows)) expect(maxDiff(logitsAt(out, row, Number(pos)), values)).toBeLessThanOrEqual(tol);
      });
    const feed = { inputIds: c.input_ids, positionIds: c.position_ids, attentionMask: mask, logits: 'all' as const };
    const plain = m.primary;
    expect(plain.file).toBe('onnx/model.onnx');
    const out2d = await plain.forward({ ...feed, cache: plain.emptyCache(2) });
    check(out2d);
    const inst = m.sessionFor({ treeMask: true });
    const out4d = await inst.forward({ ...feed, cache: inst.emptyCache(2) });
    check(out4d);
    // The padded row's last logits equal the same tokens fed alone, without padding.
    const real = (c.input_ids as number[][])[1]!.filter((_, j) => mask[1]![j] === 1);
    const alone = await plain.forward({ inputIds: [real], cache: plain.emptyCache(), logits: 'last' });
    expect(maxDiff(logitsAt(alone, 0, 0), logitsAt(out2d, 1, mask[1]!.length - 1))).toBeLessThanOrEqual(tol);
    // A malformed mask is refused with the expected shape in the message.
    await expect(plain.forward({ ...feed, attentionMask: [mask[0]!], cache: plain.emptyCache(2) })).rejects.toThrow(/attentionMask: expected 2 rows of 12/);
  });
});
