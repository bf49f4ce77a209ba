/**
 * View models for the distribution pipeline: one row per candidate token, with its probability after
 * every processor stage, and the stage that removed it. Pure and memoised by distribution record.
 */
import type { DistributionRecord, ChoiceRecord, TopKEntry } from '../../../engine/trace/schema';

export interface StageColumn {
  key: 'raw' | 'processed' | `stage:${number}`;
  /** HF processor name, or raw / processed. */
  name: string;
  label: string;
  params: Record<string, number>;
  removedCount: number;
  /** Probability of each candidate (by id) at this stage; null when masked. */
  probs: Map<number, number | null>;
  logprobs: Map<number, number | null>;
  logits: Map<number, number | null>;
}

export interface CandidateRow {
  id: number;
  rawRank: number;
  /** Name (label) of the first stage that masked this token, if any. */
  removedBy?: string;
  processedProb: number | null;
}

export interface DistributionView {
  dist: DistributionRecord;
  columns: StageColumn[];
  rows: CandidateRow[];
  rawEntropy: number;
  entropy: number;
  support: number;
}

const LABELS: Record<string, string> = {
  repetition_penalty: 'penalty',
  temperature: 'temperature',
  top_k: 'top-k',
  top_p: 'top-p',
  min_p: 'min-p',
  typical_p: 'typical',
};

export function stageLabel(name: string): string {
  return LABELS[name] ?? name.replace(/_/g, '-');
}

function paramText(name: string, params: Record<string, number>): string {
  // The stage's own knob (top_k → 40) says it all; helpers like min_tokens_to_keep stay in the inspector.
  const own = params[name];
  return (own !== undefined ? [own] : Object.values(params))
    .map((v) => (Number.isInteger(v) ? String(v) : String(+v.toPrecision(3))))
    .join(', ');
}

function column(key: StageColumn['key'], name: string, label: string, topk: readonly TopKEntry[], params: Record<string, number> = {}, removedCount = 0): StageColumn {
  const probs = new Map<number, number | null>();
  const logprobs = new Map<number, number | null>();
  const logits = new Map<number, number | null>();
  for (const e of topk) {
    probs.set(e.id, e.logprob === null ? null : Math.exp(e.logprob));
    logprobs.set(e.id, e.logprob);
    logits.set(e.id, e.logit);
  }
  const p = paramText(name, params);
  return { key, name, label: p ? `${label} ${p}` : label, params, removedCount, probs, logprobs, logits };
}

const cache = new WeakMap<DistributionRecord, DistributionView>();

export function distributionView(dist: DistributionRecord): DistributionView {
  const hit = cache.get(dist);
  if (hit) return hit;
  const columns: StageColumn[] = [column('raw', 'raw', 'raw logits', dist.raw.topk)];
  dist.stages.forEach((s, i) => columns.push(column(`stage:${i}`, s.name, stageLabel(s.name), s.topk, s.params, s.removedCount)));
  columns.push(column('processed', 'processed', 'processed', dist.processed.topk));

  const order: number[] = [];
  const seen = new Set<number>();
  for (const e of dist.raw.topk) if (!seen.has(e.id)) (seen.add(e.id), order.push(e.id));
  // Stages can promote tokens outside the raw top-k (a repetition penalty lowers the leaders).
  for (const c of columns) for (const id of c.probs.keys()) if (!seen.has(id)) (seen.add(id), order.push(id));

  const rows: CandidateRow[] = order.map((id, rawRank) => {
    let removedBy: string | undefined;
    for (const [i, s] of dist.stages.entries()) {
      const p = columns[i + 1]!.probs.get(id);
      if (p === null || s.removedIds.includes(id)) {
        removedBy = stageLabel(s.name);
        break;
      }
    }
    const pp = columns[columns.length - 1]!.probs.get(id);
    return { id, rawRank, removedBy, processedProb: pp === undefined ? null : pp };
  });
  const view: DistributionView = {
    dist,
    columns,
    rows,
    rawEntropy: dist.raw.entropy,
    entropy: dist.processed.entropy,
    support: dist.processed.support,
  };
  cache.set(dist, view);
  return view;
}

export interface DrawSegment {
  id: number;
  start: number;
  prob: number;
  chosen: boolean;
}

export interface DrawView {
  segments: DrawSegment[];
  /** Probability mass not in the recorded top-k. */
  rest: number;
  u?: number;
  chosen?: DrawSegment;
  choice?: ChoiceRecord;
}

/**
 * The processed distribution laid out on [0, 1) in sampling order (the engine's order: descending
 * probability), with the chosen token placed where the choice record says u landed.
 */
export function drawView(dist: DistributionRecord, choice: ChoiceRecord | undefined): DrawView {
  const entries = dist.processed.topk
    .filter((e) => e.logprob !== null)
    .map((e) => ({ id: e.id, prob: Math.exp(e.logprob as number) }))
    .sort((a, b) => b.prob - a.prob);
  let cum = 0;
  const segments: DrawSegment[] = entries.map((e) => {
    const s = { id: e.id, start: cum, prob: e.prob, chosen: e.id === choice?.tokenId };
    cum += e.prob;
    return s;
  });
  let chosen = segments.find((s) => s.chosen);
  if (choice && choice.cumBefore !== undefined && chosen) {
    // Trust the recorded cumulative position (it is what the sampler actually used).
    chosen.start = choice.cumBefore;
    chosen.prob = choice.prob;
  } else if (choice && !chosen) {
    chosen = { id: choice.tokenId, start: choice.cumBefore ?? cum, prob: choice.prob, chosen: true };
    segments.push(chosen);
  }
  return { segments, rest: Math.max(0, 1 - cum), u: choice?.u, chosen, choice };
}
