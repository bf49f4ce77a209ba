// Run every fixture in test/fixtures/models with onnxruntime-node and compare with index.json's torch values.
// usage: node check_fixtures.mjs [fixtures_root]
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const root = process.argv[2] ?? 'test/fixtures/models';
const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8'));
const h2f = (h) => { // IEEE half -> float
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
};
let failed = 0;
for (const [name, fx] of Object.entries(index.fixtures)) {
  const ids = fx.expected.input_ids, n = ids.length;
  const sess = await ort.InferenceSession.create(path.join(root, name, fx.file));
  const feeds = buildFeeds(name, fx, ids, n);
  const out = await sess.run(feeds);
  const lg = out.logits, V = lg.dims[2];
  const row = Array.from(lg.data.slice((lg.dims[1] - 1) * V, lg.dims[1] * V), (x) => (lg.type === 'float16' ? h2f(Number(x)) : x));
  // decode step: prefill n-1 tokens, then feed the last one with the returned past
  const f1 = buildFeeds(name, fx, ids.slice(0, -1), n - 1);
  const o1 = await sess.run(f1);
  const f2 = buildFeeds(name, fx, ids.slice(-1), 1, n - 1, o1);
  const o2 = await sess.run(f2);
  const row2 = Array.from(o2.logits.data.slice(-V), (x) => (lg.type === 'float16' ? h2f(Number(x)) : x));
  const diff2 = Math.max(...fx.expected.last_logits_first8.map((e, i) => Math.abs(e - row2[i])));
  const diff = Math.max(...fx.expected.last_logits_first8.map((e, i) => Math.abs(e - row[i])));
  const arg = row.indexOf(Math.max(...row));
  const tol = lg.type === 'float16' ? 1e-2 : 1e-4;
  const ok = diff <= tol && diff2 <= tol && arg === fx.expected.last_argmax;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: logits ${lg.type} ${JSON.stringify(lg.dims)} prefill maxdiff ${diff.toExponential(2)}, decode-with-past maxdiff ${diff2.toExponential(2)}, argmax ${arg}`);
}
process.exit(failed ? 1 : 0);

function buildFeeds(name, fx, ids, n, past = 0, prev = null) {
  const T = past + n;
  const feeds = {};
  for (const inp of fx.inputs) {
    const nm = inp.name;
    if (nm === 'input_ids') feeds[nm] = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, n]);
    else if (nm === 'position_ids') feeds[nm] = new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(past + i))), [1, n]);
    else if (nm === 'attention_mask' && inp.dtype === 'int64') feeds[nm] = new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]);
    else if (nm === 'attention_mask') feeds[nm] = new ort.Tensor('float32', new Float32Array(n * T).map((_, k) => (k % T <= past + Math.floor(k / T) ? 1 : 0)), [1, 1, n, T]);
    else if (nm === 'num_logits_to_keep') feeds[nm] = new ort.Tensor('int64', BigInt64Array.from([prev ? 1n : 0n]), []);
    else if (nm === 'use_cache_branch') feeds[nm] = new ort.Tensor('bool', Uint8Array.from([prev ? 1 : 0]), [1]);
    else if (nm.startsWith('past_key_values')) {
      const dims = [1, inp.shape[1], 0, inp.shape[3]];
      if (prev) feeds[nm] = prev[nm.replace('past_key_values', 'present')];
      else feeds[nm] = inp.dtype === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
    } else throw new Error(`${name}: unknown input ${nm}`);
  }
  return feeds;
}
