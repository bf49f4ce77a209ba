// Load every ONNX variant of a model folder in onnxruntime-node and cross-check them.
// usage: node check_onnx.mjs <model_dir>
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const dir = process.argv[2];
const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
const L = cfg.num_hidden_layers, KV = cfg.num_key_value_heads, DH = cfg.hidden_size / cfg.num_attention_heads;
const opts = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' };
const ids = [5, 17, 300, 42, 7, 99, 1000, 3].map((x) => x % cfg.vocab_size);
const S = ids.length;
const i64 = (a, dims) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), dims);
const emptyPast = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => ['key', 'value']
  .map((kv) => [`past_key_values.${i}.${kv}`, new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, DH])])).flat());
const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
const report = {};

async function runStd(file, n) {
  const s = await ort.InferenceSession.create(path.join(dir, 'onnx', file), opts);
  const out = await s.run({ input_ids: i64(ids, [1, S]), attention_mask: i64(ids.map(() => 1), [1, S]),
    position_ids: i64(ids.map((_, i) => i), [1, S]), ...emptyPast(n) });
  // one decode step with the returned past
  const past = {};
  for (let i = 0; i < n; i++) for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = out[`present.${i}.${kv}`];
  const step = await s.run({ input_ids: i64([11], [1, 1]), attention_mask: i64(Array(S + 1).fill(1), [1, S + 1]),
    position_ids: i64([S], [1, 1]), ...past });
  return { out, step, inputs: s.inputNames, outputs: s.outputNames };
}

const std = await runStd('model.onnx', L);
report['model.onnx'] = { inputs: std.inputs.length, outputs: std.outputs.length, logits: std.out.logits.dims,
  present0: std.step['present.0.key'].dims };
const files = fs.readdirSync(path.join(dir, 'onnx'));
if (files.includes('model_instrumented.onnx')) {
  const s = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model_instrumented.onnx'), opts);
  const mask = new Float32Array(S * S).map((_, k) => ((k % S) <= Math.floor(k / S) ? 1 : 0));
  const out = await s.run({ input_ids: i64(ids, [1, S]), attention_mask: new ort.Tensor('float32', mask, [1, 1, S, S]),
    position_ids: i64(ids.map((_, i) => i), [1, S]), ...emptyPast(L) });
  report['model_instrumented.onnx'] = { outputs: s.outputNames.length,
    logits_vs_standard: maxDiff(out.logits.data, std.out.logits.data),
    attn0_row_sum: out['attentions.0'].data.slice(0, S).reduce((a, b) => a + b, 0),
    medusa: out.medusa_logits ? out.medusa_logits.dims : null };
  for (const f of files.filter((f) => /^model_exit\d+\.onnx$/.test(f))) {
    const E = +f.match(/\d+/)[0];
    const ex = await runStd(f, E);
    report[f] = { logits_vs_exit_logits: maxDiff(ex.out.logits.data, out[`exit_logits.${E}`].data) };
  }
  if (files.includes('eagle.onnx')) {
    const e = await ort.InferenceSession.create(path.join(dir, 'onnx', 'eagle.onnx'), opts);
    const H = cfg.hidden_size;
    const feats = out[`hidden_states.${L}`];
    const eo = await e.run({ hidden_states: new ort.Tensor('float32', feats.data.slice(0, (S - 1) * H), [1, S - 1, H]),
      input_ids: i64(ids.slice(1), [1, S - 1]), position_ids: i64(ids.slice(1).map((_, i) => i), [1, S - 1]),
      attention_mask: new ort.Tensor('float32', new Float32Array((S - 1) ** 2).map((_, k) => ((k % (S - 1)) <= Math.floor(k / (S - 1)) ? 1 : 0)), [1, 1, S - 1, S - 1]),
      'past_key_values.0.key': new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, DH]),
      'past_key_values.0.value': new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, DH]) });
    report['eagle.onnx'] = { logits: eo.logits.dims, hidden_out: eo.hidden_out.dims, present: eo['present.0.key'].dims };
  }
}
console.log(JSON.stringify(report));
