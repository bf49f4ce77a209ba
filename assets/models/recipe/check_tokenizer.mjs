// Round-trip check of a tokenizer folder with @huggingface/tokenizers, and id-equality with the Python encoder.
// usage: node check_tokenizer.mjs <tok_dir> <text_file> [expected_ids.json]
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const [dir, textFile, expFile] = process.argv.slice(2);
const tj = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
const tc = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
const tok = new Tokenizer(tj, tc);
const text = fs.readFileSync(textFile, 'utf8');
const docs = text.split('<|endoftext|>').filter((d) => d.length > 0).slice(0, 40);
let bad = 0, nTok = 0, nChars = 0;
for (const d of docs) {
  const ids = tok.encode(d, { add_special_tokens: false }).ids;
  const back = ids.length ? tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }) : '';
  if (back !== d) bad++;
  nTok += ids.length; nChars += Buffer.byteLength(d);
}
const sp = tok.encode('x = 1<|endoftext|>y', { add_special_tokens: false }).ids;
const res = { docs: docs.length, mismatched: bad, tokens: nTok, bytes: nChars, bytes_per_token: +(nChars / nTok).toFixed(3),
  special_ok: sp.includes(0), vocab: (v => v.size ?? Object.keys(v).length)(tok.get_vocab()) };
if (expFile) {
  const exp = JSON.parse(fs.readFileSync(expFile, 'utf8'));
  const got = tok.encode(exp.text, { add_special_tokens: false }).ids;
  res.python_ids_equal = JSON.stringify(got) === JSON.stringify(exp.ids);
}
console.log(JSON.stringify(res));
if (bad || !res.special_ok || res.python_ids_equal === false) process.exit(1);
