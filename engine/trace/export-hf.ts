/**
 * Hugging Face generate-style output, for Python notebooks: the fields of `GenerateDecoderOnlyOutput`
 * (`return_dict_in_generate=True, output_scores=True, output_logits=True`) as plain JSON.
 *
 * A trace stores top-k lists, not the full vocabulary, so `scores` (processed) and `logits` (raw) hold, per
 * generated token, the top-k ids and values for batch row 0: `scores[t] = { ids: [[...]], values: [[...]] }`.
 * In numpy: `np.array(out["scores"][t]["values"], dtype=float)` (null = -inf: a masked entry).
 * `sequences` is prompt + generated ids, as HF returns for decoder-only models.
 */
import type { EventRecord, FooterRecord, HeaderRecord } from './schema';
import { indexTrace } from './indexer';

export interface HfTopK {
  ids: number[][];
  values: (number | null)[][];
  logprobs: (number | null)[][];
  logsumexp: number;
}

export interface HfGenerateOutput {
  format: 'decodescope.hf-generate';
  formatVersion: 1;
  model: string;
  method: string;
  generation_config: HeaderRecord['params'];
  vocab_size: number;
  prompt: string;
  prompt_length: number;
  /** [batch=1][prompt + generated]. */
  sequences: number[][];
  /** Per generated token: processed top-k (null when the token came from no distribution, e.g. a forced token). */
  scores: (HfTopK | null)[];
  /** Per generated token: raw top-k logits. */
  logits: (HfTopK | null)[];
  /** Per generated token: log-probability of the chosen token under the processed distribution ([batch][t]), as
   * `compute_transition_scores(..., normalize_logits=True)` gives. */
  transition_scores: (number | null)[][];
  /** Per generated token: how it was produced (target, accepted draft, bonus, …). */
  token_sources: string[];
  text: string | null;
  summary: FooterRecord['summary'] | null;
}

export function exportHf(header: HeaderRecord, events: readonly EventRecord[], footer: FooterRecord | null): HfGenerateOutput {
  const index = indexTrace(events);
  const choiceLogprob = new Map<string, number | null>();
  for (const record of events) if (record.type === 'choice') choiceLogprob.set(`${record.distId}:${record.tokenId}`, record.logprob);

  const generated: number[] = [];
  const scores: (HfTopK | null)[] = [];
  const logits: (HfTopK | null)[] = [];
  const transition: (number | null)[] = [];
  const sources: string[] = [];
  for (const step of index.steps) {
    for (const token of step.commit?.tokens ?? []) {
      generated.push(token.id);
      sources.push(token.source);
      const dist = token.distId ? index.distributions.get(token.distId) : undefined;
      if (!dist) {
        scores.push(null);
        logits.push(null);
        transition.push(null);
        continue;
      }
      const pick = (list: typeof dist.raw.topk, logsumexp: number): HfTopK => ({
        ids: [list.map((e) => e.id)],
        values: [list.map((e) => e.logit)],
        logprobs: [list.map((e) => e.logprob)],
        logsumexp,
      });
      scores.push(pick(dist.processed.topk, dist.processed.logsumexp));
      logits.push(pick(dist.raw.topk, dist.raw.logsumexp));
      const fromChoice = choiceLogprob.get(`${dist.distId}:${token.id}`);
      const fromTopK = dist.processed.topk.find((e) => e.id === token.id)?.logprob;
      transition.push(fromChoice !== undefined ? fromChoice : fromTopK ?? null);
    }
  }
  const target = header.models.find((m) => m.role === 'target') ?? header.models[0];
  return {
    format: 'decodescope.hf-generate',
    formatVersion: 1,
    model: target?.id ?? 'unknown',
    method: header.method.name,
    generation_config: header.params,
    vocab_size: header.tokenizer.vocabSize,
    prompt: header.prompt.text,
    prompt_length: header.prompt.tokenIds.length,
    sequences: [[...header.prompt.tokenIds, ...generated]],
    scores,
    logits,
    transition_scores: [transition],
    token_sources: sources,
    text: footer?.summary.text ?? null,
    summary: footer?.summary ?? null,
  };
}
