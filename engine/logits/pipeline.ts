/**
 * The logits pipeline in Hugging Face order: repetition penalty, then (only when sampling) temperature, top-k,
 * top-p, min-p, typical. Optionally records what each stage did, in the shape of the trace's distribution record.
 */
import type { ProcessorStage, TopKEntry } from './records';
import { logSumExp, topKIds, scoreStats } from './math';
import * as P from './processors';

export interface ProcessorConfig {
  doSample: boolean;
  repetitionPenalty?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  typicalP?: number;
  /** HF min_tokens_to_keep (1; beam sampling uses 2). */
  minKeep?: number;
}

interface Stage {
  name: string;
  params: Record<string, number>;
  apply(s: Float32Array, seen: Iterable<number>): number;
}

/** The stages HF would add for this config, in HF's order; no-op settings add none (as in HF). */
export function activeStages(cfg: ProcessorConfig): Stage[] {
  const keep = cfg.minKeep ?? 1;
  const out: Stage[] = [];
  const rp = cfg.repetitionPenalty;
  if (rp !== undefined && rp !== 1) out.push({ name: 'repetition_penalty', params: { penalty: rp }, apply: (s, seen) => P.repetitionPenalty(s, seen, rp) });
  if (!cfg.doSample) return out;
  const t = cfg.temperature;
  if (t !== undefined && t !== 1) out.push({ name: 'temperature', params: { temperature: t }, apply: (s) => P.temperature(s, t) });
  const k = cfg.topK;
  if (k !== undefined && k > 0) out.push({ name: 'top_k', params: { top_k: k, min_tokens_to_keep: keep }, apply: (s) => P.topK(s, k, keep) });
  const p = cfg.topP;
  if (p !== undefined && p < 1) out.push({ name: 'top_p', params: { top_p: p, min_tokens_to_keep: keep }, apply: (s) => P.topP(s, p, keep) });
  const m = cfg.minP;
  if (m !== undefined && m > 0) out.push({ name: 'min_p', params: { min_p: m, min_tokens_to_keep: keep }, apply: (s) => P.minP(s, m, keep) });
  const ty = cfg.typicalP;
  if (ty !== undefined && ty < 1) out.push({ name: 'typical_p', params: { typical_p: ty, min_tokens_to_keep: keep }, apply: (s) => P.typical(s, ty, keep) });
  return out;
}

export interface DistributionSummary {
  topk: TopKEntry[];
  logsumexp: number;
  entropy: number;
}

export interface ProcessedLogits {
  /** Processed scores (a copy when any stage ran; the raw array itself otherwise). */
  scores: Float32Array;
  logsumexp: number;
  /** The first id of the recorded processed top-k list (the argmax, same tie-break); present when recording. */
  best?: number;
  /** Present when recording was asked for. */
  record?: { raw: DistributionSummary; stages: ProcessorStage[]; processed: DistributionSummary & { support: number } };
}

export function topkEntries(s: Float32Array, lse: number, ids: readonly number[]): TopKEntry[] {
  return ids.map((id) => {
    const v = s[id]!;
    return v === -Infinity ? { id, logit: null, logprob: null } : { id, logit: v, logprob: v - lse };
  });
}

export function summarizeScores(s: Float32Array, k: number): DistributionSummary & { support: number } {
  const ids = topKIds(s, k);
  const st = scoreStats(s, ids.length ? s[ids[0]!]! : -Infinity);
  return { topk: topkEntries(s, st.logsumexp, ids), logsumexp: st.logsumexp, entropy: st.entropy, support: st.support };
}

/** Stages that only set scores to -Infinity (their count of removals is 0 exactly when nothing changed). */
const FILTERS = new Set(['top_k', 'top_p', 'min_p', 'typical_p']);

export function processLogits(
  raw: Float32Array,
  seen: Iterable<number>,
  cfg: ProcessorConfig,
  opts: { record: boolean; topk?: number } = { record: false },
): ProcessedLogits {
  const stages = activeStages(cfg);
  const k = opts.topk ?? 20;
  if (!opts.record) {
    if (stages.length === 0) return { scores: raw, logsumexp: logSumExp(raw) };
    const s = new Float32Array(raw);
    for (const st of stages) st.apply(s, seen);
    return { scores: s, logsumexp: logSumExp(s) };
  }
  const rawFull = summarizeScores(raw, k);
  const rawSupport = rawFull.support;
  const rawSummary: DistributionSummary = { topk: rawFull.topk, logsumexp: rawFull.logsumexp, entropy: rawFull.entropy };
  if (stages.length === 0) {
    // Nothing changed the scores: the processed summary is the raw one (same top-k array, no second pass).
    return withBest({ scores: raw, logsumexp: rawSummary.logsumexp, record: { raw: rawSummary, stages: [], processed: rawFull } });
  }
  const s = new Float32Array(raw);
  // Raw top-k ids still alive before the current stage.
  let alive = rawSummary.topk.map((e) => e.id).filter((id) => raw[id] !== -Infinity);
  const stageRecords: ProcessorStage[] = [];
  let finite = rawSupport;
  let last = rawFull;
  for (const st of stages) {
    const removed = st.apply(s, seen);
    // A filter that removed nothing left every score as it was: its summary is the previous one.
    if (removed !== 0 || !FILTERS.has(st.name)) last = summarizeScores(s, k);
    const nowFinite = last.support;
    const lse = last.logsumexp;
    const removedIds = alive.filter((id) => s[id] === -Infinity);
    alive = alive.filter((id) => s[id] !== -Infinity);
    stageRecords.push({
      name: st.name,
      params: st.params,
      removedCount: finite - nowFinite,
      removedIds,
      topk: last.topk,
      logsumexp: lse,
    });
    finite = nowFinite;
  }
  return withBest({ scores: s, logsumexp: last.logsumexp, record: { raw: rawSummary, stages: stageRecords, processed: last } });
}

function withBest(p: ProcessedLogits): ProcessedLogits {
  const first = p.record!.processed.topk[0];
  if (first !== undefined) p.best = first.id;
  return p;
}
