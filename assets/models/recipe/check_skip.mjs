// Load a layer-skip drafting graph in onnxruntime-node, run a prefill and one decode step on it, and compare its
// logits with a reference graph (same tokens, all layers) and/or with torch's logits written by export_skip.py.
// usage: node check_skip.mjs <model_dir> <graph in onnx/> [--reference <graph in onnx/>] [--expect <file.json>]
// Prints one JSON line; exits 1 when a comparison is off by more than the tolerance.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const [dir, graph, ...rest] = process.argv.slice(2);
if (!dir || !graph) {
  console.error('usage: node check_skip.mjs <model_dir> <graph> [--reference <graph>] [--expect <file.json>]');
  process.exit(2);
}
const flag = (name) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const reference = flag('--reference');
const expectFile = flag('--expect');
const TOLERANCE = 1e-4;

const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
const KV = cfg.num_key_value_heads;
const DH = cfg.head_dim ?? cfg.hidden_size / cfg.num_attention_heads;
const expected = expectFile ? JSON.parse(fs.readFileSync(expectFile, 'utf8')) : null;
const ids = expected?.input_ids ?? [5, 17, 300, 42, 7, 99, 1000, 3];
const stepId = expected?.step_id ?? 11;
const S = ids.length;
const i64 = (a, dims) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), dims);
const maxDiff = (a, b) => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Prefill `ids` with an empty past, then feed `stepId` with the returned presents: both logits tensors. */
async function prefillAndStep(file) {
  const s = await ort.InferenceSession.create(path.join(dir, 'onnx', file), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const layers = s.inputNames
    .map((n) => /^past_key_values\.(\d+)\.key$/.exec(n))
    .filter(Boolean)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const empty = {};
  for (const l of layers) for (const kv of ['key', 'value']) empty[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, DH]);
  const pre = await s.run({ input_ids: i64(ids, [1, S]), attention_mask: i64(ids.map(() => 1), [1, S]), position_ids: i64(ids.map((_, i) => i), [1, S]), ...empty });
  const past = {};
  for (const l of layers) for (const kv of ['key', 'value']) past[`past_key_values.${l}.${kv}`] = pre[`present.${l}.${kv}`];
  const step = await s.run({ input_ids: i64([stepId], [1, 1]), attention_mask: i64(Array(S + 1).fill(1), [1, S + 1]), position_ids: i64([S], [1, 1]), ...past });
  return { layers, inputs: s.inputNames, outputs: s.outputNames, prefill: pre.logits.data, step: step.logits.data, presentLength: step[`present.${layers[0]}.key`].dims[2] };
}

const mine = await prefillAndStep(graph);
const report = { graph, kv_layers: mine.layers, inputs: mine.inputs.length, outputs: mine.outputs.length, present_length_after_step: mine.presentLength, tolerance: TOLERANCE };
let ok = mine.presentLength === S + 1;
if (reference) {
  const ref = await prefillAndStep(reference);
  report.reference = reference;
  report.max_abs_diff_vs_reference = Math.max(maxDiff(mine.prefill, ref.prefill), maxDiff(mine.step, ref.step));
  ok &&= report.max_abs_diff_vs_reference <= TOLERANCE;
}
if (expected) {
  report.max_abs_diff_vs_torch = Math.max(maxDiff(mine.prefill, expected.prefill_logits), maxDiff(mine.step, expected.step_logits));
  ok &&= report.max_abs_diff_vs_torch <= TOLERANCE;
}
report.ok = ok;
console.log(JSON.stringify(report));
process.exit(ok ? 0 : 1);
