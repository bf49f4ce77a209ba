/**
 * Effective generation parameters: the request's, else the model's generation_config.json, else Hugging Face's
 * GenerationConfig defaults (top_k 50, top_p 1, temperature 1, typical_p 1, repetition_penalty 1, length_penalty 1).
 */
import { randomInt } from 'node:crypto';
import type { GenerationParams } from '../trace/schema';
import type { ProcessorConfig } from '../logits/pipeline';
import type { LoadedModel } from '../model/loader';

const HF_DEFAULTS = { temperature: 1, top_k: 50, top_p: 1, typical_p: 1, repetition_penalty: 1 } as const;

function fromConfig(model: LoadedModel, key: string): number | undefined {
  const v = model.generationConfig?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function effectiveParams(req: GenerationParams, model: LoadedModel): GenerationParams {
  const pick = (key: keyof typeof HF_DEFAULTS) => (req[key] as number | undefined) ?? fromConfig(model, key) ?? HF_DEFAULTS[key];
  const out: GenerationParams = {
    ...req,
    temperature: pick('temperature'),
    top_k: pick('top_k'),
    top_p: pick('top_p'),
    typical_p: pick('typical_p'),
    repetition_penalty: pick('repetition_penalty'),
    seed: req.seed ?? randomInt(0, 2 ** 31),
    eos_token_id: req.eos_token_id ?? model.eosTokenIds,
  };
  const minP = req.min_p ?? fromConfig(model, 'min_p');
  if (minP !== undefined) out.min_p = minP;
  const lp = req.length_penalty ?? fromConfig(model, 'length_penalty');
  if (lp !== undefined) out.length_penalty = lp;
  const beams = req.num_beams ?? fromConfig(model, 'num_beams');
  if (beams !== undefined) out.num_beams = beams;
  const alpha = req.penalty_alpha ?? fromConfig(model, 'penalty_alpha');
  if (alpha !== undefined) out.penalty_alpha = alpha;
  return out;
}

export function processorConfig(p: GenerationParams): ProcessorConfig {
  const c: ProcessorConfig = { doSample: p.do_sample };
  if (p.repetition_penalty !== undefined) c.repetitionPenalty = p.repetition_penalty;
  if (p.temperature !== undefined) c.temperature = p.temperature;
  if (p.top_k !== undefined) c.topK = p.top_k;
  if (p.top_p !== undefined) c.topP = p.top_p;
  if (p.min_p !== undefined) c.minP = p.min_p;
  if (p.typical_p !== undefined) c.typicalP = p.typical_p;
  return c;
}
