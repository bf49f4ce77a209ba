import { loadModel } from '../model/registry';

/** Token ids of a text under a model's tokenizer, with each token shown faithfully. */
export async function tokenize(text: string, model?: string): Promise<{ ids: number[]; tokens: string[] }> {
  const m = await loadModel(model ?? 'target');
  const ids = m.tokenizer.encode(text);
  return { ids, tokens: ids.map((id) => m.tokenizer.display.entry(id).text) };
}
