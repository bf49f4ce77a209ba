import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelLoadError } from './errors';
import { readJsonFile } from './json-file';
import { TokenDisplay } from '../tokens/display';

export interface LoadedTokenizer {
  tokenizer: Tokenizer;
  display: TokenDisplay;
  json: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Ids of tokens named in tokenizer_config.json (string or {content}). */
  eosTokenId: number | null;
  bosTokenId: number | null;
  addBosToken: boolean;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

function tokenName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return null;
}

export function loadTokenizer(dir: string): LoadedTokenizer {
  const jsonPath = join(dir, 'tokenizer.json');
  const configPath = join(dir, 'tokenizer_config.json');
  if (!existsSync(jsonPath)) {
    throw new ModelLoadError(`tokenizer.json: file not found in ${dir} (a Hugging Face tokenizer.json is required; slow-tokenizer files such as vocab.json/merges.txt or tokenizer.model alone are not supported)`, 'tokenizer.json');
  }
  if (!existsSync(configPath)) throw new ModelLoadError(`tokenizer_config.json: file not found in ${dir} (needed next to tokenizer.json)`, 'tokenizer_config.json');
  const json = readJsonFile(jsonPath, 'tokenizer.json')!;
  const config = readJsonFile(configPath, 'tokenizer_config.json')!;
  if (!json.model || typeof json.model !== 'object') throw new ModelLoadError(`tokenizer.json: no "model" section`, 'tokenizer.json');
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (err) {
    throw new ModelLoadError(`tokenizer.json: cannot build the tokenizer: ${(err as Error).message}`, 'tokenizer.json');
  }
  const display = new TokenDisplay(json);
  const idOf = (name: string | null) => (name === null ? null : (tokenizer.token_to_id(name) ?? null));
  return {
    tokenizer,
    display,
    json,
    config,
    eosTokenId: idOf(tokenName(config.eos_token)),
    bosTokenId: idOf(tokenName(config.bos_token)),
    addBosToken: config.add_bos_token === true,
    encode: (text) => (text === '' ? [] : tokenizer.encode(text).ids),
    decode: (ids) => (ids.length === 0 ? '' : tokenizer.decode([...ids], { skip_special_tokens: false })),
  };
}
