// Greedy speculative decoding over onnxruntime-node: tokens per target pass and wall time vs plain greedy.
// usage: node spec_bench.mjs <target_dir> <drafter_onnx> [k=4] [new_tokens=64]
//   drafter_onnx: e.g. assets/models/draft/onnx/model.onnx or assets/models/target/onnx/model_exit3.onnx
//   (both use the target's tokenizer). Output must equal plain greedy; the script checks it.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';

const [tdir, dpath, kArg, nArg] = process.argv.slice(2);
const K = +(kArg ?? 4), NEW = +(nArg ?? 64);
const PROMPTS = ['class Stack:', 'def parse_args(', 'import os\nimport sys\n\ndef main():', '    def __init__(self, name):',
  'for i in range(', 'class Node:\n    def __init__(self, value):', 'def read_file(path):',
  "    if __name__ == '__main__':", 'try:\n    import', 'def __repr__(self):'];
const tok = new Tokenizer(JSON.parse(fs.readFileSync(path.join(tdir, 'tokenizer.json'), 'utf8')),
  JSON.parse(fs.readFileSync(path.join(tdir, 'tokenizer_config.json'), 'utf8')));
const opts = { intraOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };

class Model {
  static async load(file) {
    const m = new Model();
    m.s = await ort.InferenceSession.create(file, opts);
    const pk = m.s.inputNames.filter((n) => n.startsWith('past_key_values'));
    m.L = pk.length / 2;
    const meta = m.s.inputMetadata.find?.((x) => x.name === pk[0]);
    m.KV = meta?.shape?.[1]; m.DH = meta?.shape?.[3];
    return m;
  }
  reset() { this.past = null; this.len = 0; }
  // feed tokens, return logits rows [n][V] (as a flat Float32Array and V)
  async step(ids) {
    const n = ids.length, T = this.len + n;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(this.len + i))), [1, n]),
    };
    for (let i = 0; i < this.L; i++) for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kv}`] = this.past ? this.past[`${i}.${kv}`]
        : new ort.Tensor('float32', new Float32Array(0), [1, this.KV, 0, this.DH]);
    }
    const fetch = ['logits', ...[...Array(this.L).keys()].flatMap((i) => [`present.${i}.key`, `present.${i}.value`])];
    const out = await this.s.run(feeds, fetch);
    this.past = {};
    for (let i = 0; i < this.L; i++) for (const kv of ['key', 'value']) this.past[`${i}.${kv}`] = out[`present.${i}.${kv}`];
    this.len = T;
    return { data: out.logits.data, V: out.logits.dims[2] };
  }
  crop(len) { // keep the first len cache positions
    if (len === this.len) return;
    for (const key of Object.keys(this.past)) {
      const t = this.past[key], [b, h, T, d] = t.dims, src = t.data;
      const dst = new Float32Array(b * h * len * d);
      for (let q = 0; q < b * h; q++) dst.set(src.subarray(q * T * d, q * T * d + len * d), q * len * d);
      this.past[key] = new ort.Tensor('float32', dst, [b, h, len, d]);
    }
    this.len = len;
  }
}
const argmax = (data, V, row) => { let best = 0, bv = -Infinity; for (let j = 0; j < V; j++) { const x = data[row * V + j]; if (x > bv) { bv = x; best = j; } } return best; };

async function greedy(T, ids) {
  T.reset();
  let lg = await T.step(ids), out = [];
  let t = argmax(lg.data, lg.V, ids.length - 1);
  while (out.length < NEW) { out.push(t); lg = await T.step([t]); t = argmax(lg.data, lg.V, 0); }
  return out;
}

async function speculative(T, D, ids) {
  T.reset(); D.reset();
  let lg = await T.step(ids);
  await D.step(ids.slice(0, -1));
  let out = [argmax(lg.data, lg.V, ids.length - 1)], passes = 1, accepted = 0, proposed = 0;
  let seqLen = ids.length; // tokens whose KV the target holds
  while (out.length < NEW) {
    const last = out[out.length - 1];
    // draft K tokens; the drafter's cache holds seqLen - 1 + (tokens fed)
    const drafts = [];
    const pending = [...ids, ...out].slice(D.len); // tokens the drafter has not seen yet (ends with last)
    let dl = await D.step(pending);
    let d = argmax(dl.data, dl.V, pending.length - 1);
    for (let i = 0; i < K; i++) {
      drafts.push(d);
      if (i < K - 1) { dl = await D.step([d]); d = argmax(dl.data, dl.V, 0); }
    }
    const verify = await T.step([last, ...drafts]);
    passes++;
    let n = 0;
    while (n < K && argmax(verify.data, verify.V, n) === drafts[n]) n++;
    const bonus = argmax(verify.data, verify.V, n);
    proposed += K; accepted += n;
    out.push(...drafts.slice(0, n), bonus);
    seqLen += 1 + n; // last + accepted drafts now committed in the target cache
    T.crop(seqLen);
    D.crop(Math.min(D.len, seqLen));
  }
  return { out: out.slice(0, NEW), passes, accepted, proposed };
}

const T = await Model.load(path.join(tdir, 'onnx', 'model.onnx'));
const D = await Model.load(dpath);
const enc = (s) => tok.encode(s, { add_special_tokens: false }).ids;
await greedy(T, enc(PROMPTS[0])); await speculative(T, D, enc(PROMPTS[0])); // warm-up
let tg = 0, ts = 0, tokens = 0, passes = 0, acc = 0, prop = 0, exact = 0, first = null;
for (const p of PROMPTS) {
  const ids = enc(p);
  let t0 = performance.now(); const g = await greedy(T, ids); tg += performance.now() - t0;
  first ??= g.slice(0, 24);
  t0 = performance.now(); const s = await speculative(T, D, ids); ts += performance.now() - t0;
  tokens += s.out.length; passes += s.passes; acc += s.accepted; prop += s.proposed;
  if (JSON.stringify(g) === JSON.stringify(s.out)) exact++;
}
console.log(JSON.stringify({ drafter: path.relative(process.cwd(), dpath), k: K, prompts: PROMPTS.length, new_tokens: NEW,
  tokens_per_target_pass: +(tokens / passes).toFixed(3), draft_acceptance: +(acc / prop).toFixed(3),
  identical_to_greedy: `${exact}/${PROMPTS.length}`, greedy_ms_per_token: +(tg / tokens).toFixed(3),
  speculative_ms_per_token: +(ts / tokens).toFixed(3), speedup: +(tg / ts).toFixed(3), first_prompt_greedy_ids: first }));
