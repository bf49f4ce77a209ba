/** Facts from config.json / generation_config.json / tokenizer_config.json, with the names different families use. */

export type JsonObject = Record<string, unknown>;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function firstNumber(obj: JsonObject | undefined, ...keys: string[]): number | null {
  if (!obj) return null;
  for (const k of keys) {
    const v = num(obj[k]);
    if (v !== null) return v;
  }
  return null;
}

export function configLayers(c?: JsonObject): number | null {
  return firstNumber(c, 'num_hidden_layers', 'n_layer', 'num_layers');
}
export function configHeads(c?: JsonObject): number | null {
  return firstNumber(c, 'num_attention_heads', 'n_head');
}
export function configKvHeads(c?: JsonObject): number | null {
  return firstNumber(c, 'num_key_value_heads', 'num_kv_heads', 'multi_query_group_num') ?? configHeads(c);
}
export function configHidden(c?: JsonObject): number | null {
  return firstNumber(c, 'hidden_size', 'n_embd', 'd_model');
}
export function configHeadDim(c?: JsonObject): number | null {
  const explicit = firstNumber(c, 'head_dim');
  if (explicit) return explicit;
  const h = configHidden(c);
  const n = configHeads(c);
  return h && n ? h / n : null;
}

/** eos_token_id may be a number or a list. */
export function tokenIdList(v: unknown): number[] | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return [v];
  if (Array.isArray(v)) {
    const ids = v.filter((x): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0);
    return ids.length ? ids : null;
  }
  return null;
}
