// Compare onnxruntime-node outputs of a model folder with its golden/golden.json (torch reference).
// usage: node check_golden.mjs <model_dir>
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const dir = process.argv[2];
const G = JSON.parse(fs.readFileSync(path.join(dir, 'golden', 'golden.json'), 'utf8'));
const { layers: L, kv_heads: KV, head_dim: DH, vocab: V } = G.config;
const i64 = (rows) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
const f32 = (a, dims) => new ort.Tensor('float32', Float32Array.from(a.flat(Infinity)), dims);
const empty = (b, n) => Object.fromEntries([...Array(n).keys()].flatMap((i) => ['key', 'value']
  .map((kv) => [`past_key_values.${i}.${kv}`, new ort.Tensor('float32', new Float32Array(0), [b, KV, 0, DH])])));
const pastOf = (out, n) => Object.fromEntries([...Array(n).keys()].flatMap((i) => ['key', 'value']
  .map((kv) => [`past_key_values.${i}.${kv}`, out[`present.${i}.${kv}`]])));
const results = {};
let worst = 0;
function cmp(name, got, want) {
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
  results[name] = Math.max(results[name] ?? 0, d);
  worst = Math.max(worst, d);
}
function cmpLogits(name, data, s, summary, b = 0) {
  const rows = summary.top10.ids;
  rows.forEach((ids, p) => ids.forEach((id, k) => cmp(`${name}.top10`, [data[(b * s + p) * V + id]], [summary.top10.values[p][k]])));
  for (const [p, row] of Object.entries(summary.full_rows)) cmp(`${name}.full_row`, data.slice((b * s + +p) * V, (b * s + +p + 1) * V), row);
}
const opts = { intraOpNumThreads: 1 };
const std = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx'), opts);
const P = G.prefill, n = P.input_ids[0].length;
const o1 = await std.run({ input_ids: i64(P.input_ids), attention_mask: i64(P.attention_mask), position_ids: i64(P.position_ids), ...empty(1, L) });
cmpLogits('prefill', o1.logits.data, n, P.logits);
cmp('prefill.present0', Array.from({ length: KV * DH }, (_, k) => o1['present.0.key'].data[Math.floor(k / DH) * n * DH + (k % DH)]), P['present.0.key_first_token']);
const D = G.decode_step;
const o2 = await std.run({ input_ids: i64(D.input_ids), attention_mask: i64(D.attention_mask), position_ids: i64(D.position_ids), ...pastOf(o1, L) });
cmpLogits('decode_step', o2.logits.data, 1, D.logits);
const Bt = G.batch_left_pad, nb = Bt.input_ids[0].length;
const o3 = await std.run({ input_ids: i64(Bt.input_ids), attention_mask: i64(Bt.attention_mask), position_ids: i64(Bt.position_ids), ...empty(2, L) });
for (const b of [0, 1]) {
  const sm = Bt.logits[b], keep = Bt.attention_mask[b];
  sm.top10.ids.forEach((ids, p) => { if (keep[p]) ids.forEach((id, k) => cmp('batch.top10', [o3.logits.data[(b * nb + p) * V + id]], [sm.top10.values[p][k]])); });
  for (const [p, row] of Object.entries(sm.full_rows)) cmp('batch.full_row', o3.logits.data.slice((b * nb + +p) * V, (b * nb + +p + 1) * V), row);
}
const T = G.tree;
if (T && fs.existsSync(path.join(dir, 'onnx', 'model_instrumented.onnx'))) {
  const ins = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model_instrumented.onnx'), opts);
  const s = T.input_ids[0].length;
  const o4 = await ins.run({ input_ids: i64(T.input_ids), attention_mask: f32(T.attention_mask, T.attention_mask_shape), position_ids: i64(T.position_ids), ...pastOf(o1, L) });
  cmpLogits('tree', o4.logits.data, s, T.logits);
  for (const [k, v] of Object.entries(T.attentions)) cmp('tree.attentions', o4[k].data, v);
  const H = o4['hidden_states.0'].dims[2];
  for (const [k, v] of Object.entries(T.hidden_states)) cmp('tree.hidden_states', Array.from({ length: s * 16 }, (_, q) => o4[k].data[Math.floor(q / 16) * H + (q % 16)]), v);
  for (const [k, v] of Object.entries(T.exit_logits)) v.ids.forEach((ids, p) => ids.forEach((id, j) => cmp('tree.exit_logits', [o4[k].data[p * V + id]], [v.values[p][j]])));
  if (T.medusa_logits) {
    const md = o4.medusa_logits.data, K = o4.medusa_logits.dims[2];
    T.medusa_logits.top10_per_head_at_node0.ids.forEach((ids, h) => ids.forEach((id, j) => cmp('tree.medusa', [md[h * V + id]], [T.medusa_logits.top10_per_head_at_node0.values[h][j]])));
    cmp('tree.medusa', md.slice(0, V), T.medusa_logits.full_row_node0_head0);
  }
}
if (G.eagle) {
  const E = G.eagle, e = await ort.InferenceSession.create(path.join(dir, 'onnx', 'eagle.onnx'), opts);
  const m = E.input_ids[0].length, tri = Array.from({ length: m * m }, (_, k) => ((k % m) <= Math.floor(k / m) ? 1 : 0));
  const o5 = await e.run({ hidden_states: f32(E.hidden_states, E.hidden_states_shape), input_ids: i64(E.input_ids), position_ids: i64(E.position_ids),
    attention_mask: f32(tri, [1, 1, m, m]), ...empty(1, 1) });
  cmpLogits('eagle', o5.logits.data, m, E.logits);
  const H = o5.hidden_out.dims[2];
  cmp('eagle.hidden_out', o5.hidden_out.data.slice((m - 1) * H, m * H), E.hidden_out_last);
}
console.log(JSON.stringify({ max_abs_diff: worst, per_check: results, pass: worst <= G.tolerance }));
process.exit(worst <= G.tolerance ? 0 : 1);
