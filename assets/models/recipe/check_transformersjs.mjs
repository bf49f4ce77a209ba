// Does the standard target load and generate in transformers.js (offline)?  Compares with plain ORT greedy.
// usage: node check_transformersjs.mjs <models_root> <model_name> [new_tokens]
import path from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';

const [root, name, nArg] = process.argv.slice(2);
env.allowRemoteModels = false;
env.localModelPath = path.resolve(root) + '/';
const n = +(nArg ?? 24);
const tokenizer = await AutoTokenizer.from_pretrained(name);
const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32', device: 'cpu' });
const prompt = 'class Stack:';
const inputs = tokenizer(prompt, { add_special_tokens: false });
const out = await model.generate({ ...inputs, max_new_tokens: n, do_sample: false, min_new_tokens: n });
const ids = Array.from(out.tolist()[0], Number);
console.log(JSON.stringify({ loaded: true, prompt, ids: ids.slice(inputs.input_ids.dims[1]),
  text: tokenizer.decode(ids, { skip_special_tokens: false }) }));
