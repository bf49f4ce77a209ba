/** Softmax promotion on the bundled target's standard graph gives the same maps as the instrumented graph's attentions.*. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { findAttentionSoftmax, promoteSoftmax } from '../../engine/internals/softmax-promotion';

const dir = 'assets/models/target/onnx/';
const LAYERS = 6, KV = 4, DH = 64;

function feeds(ids: number[], mask: ort.Tensor): Record<string, ort.Tensor> {
  const s = ids.length;
  const f: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, s]),
    attention_mask: mask,
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, s]),
  };
  for (let i = 0; i < LAYERS; i++) {
    f[`past_key_values.${i}.key`] = new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, DH]);
    f[`past_key_values.${i}.value`] = new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, DH]);
  }
  return f;
}

describe('softmax promotion', () => {
  it('exposes one Softmax per layer whose maps equal the instrumented attentions', async () => {
    const data = readFileSync(dir + 'model.onnx_data');
    const { bytes, names } = promoteSoftmax(new Uint8Array(readFileSync(dir + 'model.onnx')));
    expect(names).toHaveLength(LAYERS);
    const promoted = await ort.InferenceSession.create(bytes, { externalData: [{ path: 'model.onnx_data', data }] } as ort.InferenceSession.SessionOptions);
    const instrumented = await ort.InferenceSession.create(dir + 'model_instrumented.onnx');
    const ids = [100, 200, 300, 17, 42, 9];
    const s = ids.length;
    const causal = new Float32Array(s * s).map((_, i) => (i % s <= Math.floor(i / s) ? 1 : 0));
    const a = await promoted.run(feeds(ids, new ort.Tensor('int64', new BigInt64Array(s).fill(1n), [1, s])), names);
    const b = await instrumented.run(feeds(ids, new ort.Tensor('float32', causal, [1, 1, s, s])), names.map((_, i) => `attentions.${i}`));
    for (let i = 0; i < LAYERS; i++) {
      const x = a[names[i]!]!.data as Float32Array, y = b[`attentions.${i}`]!.data as Float32Array;
      expect(a[names[i]!]!.dims).toEqual(b[`attentions.${i}`]!.dims);
      let max = 0;
      for (let j = 0; j < x.length; j++) max = Math.max(max, Math.abs(x[j]! - y[j]!));
      expect(max).toBeLessThan(1e-5);
    }
  }, 120_000);

  it('says plainly when there is nothing to promote', () => {
    const graphOnly = new Uint8Array([0x3a, 0x00]); // ModelProto with an empty graph
    expect(findAttentionSoftmax(graphOnly).softmax).toEqual([]);
    expect(() => promoteSoftmax(graphOnly)).toThrow(/no Softmax node/);
    expect(() => promoteSoftmax(new Uint8Array([0x08, 0x07]))).toThrow(/no graph/);
    // graph { node { op_type: "Attention" } }: fused, refused with the op's name.
    const op = [...new TextEncoder().encode('Attention')];
    const node = [0x22, op.length, ...op];
    const fused = new Uint8Array([0x3a, node.length + 2, 0x0a, node.length, ...node]);
    expect(findAttentionSoftmax(fused).fused).toEqual(['Attention']);
    expect(() => promoteSoftmax(fused)).toThrow(/fused attention \(Attention\)/);
  });
});
