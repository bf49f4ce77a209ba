/**
 * The JSON text of one trace record, always equal to JSON.stringify(record), but cheaper for the engine's
 * distribution records: when the processed top-k is the very array of the raw (or last stage) list, as it is
 * whenever no processor changed the scores, that list is serialised once instead of twice.
 */
import type { DistributionRecord, TraceRecord } from './schema';

/** Stands in for the shared list; a NUL cannot come out of JSON.stringify unescaped, so the marker is unique. */
const MARK = '\u0000topk';
const MARK_JSON = JSON.stringify(MARK);

export function recordJson(record: TraceRecord): string {
  return record.type === 'distribution' ? distributionJson(record) : JSON.stringify(record);
}

function distributionJson(r: DistributionRecord): string {
  const p = r.processed;
  const n = r.stages.length;
  const lastStage = n > 0 ? r.stages[n - 1]! : undefined;
  const shared = lastStage ? lastStage.topk : r.raw.topk;
  if (p.topk !== shared || p.topk.length === 0) return JSON.stringify(r);
  // Spreading keeps every key in place (an overwritten key keeps its position), so the text is unchanged.
  const marked: DistributionRecord = lastStage
    ? { ...r, stages: [...r.stages.slice(0, n - 1), { ...lastStage, topk: MARK as never }], processed: { ...p, topk: MARK as never } }
    : { ...r, raw: { ...r.raw, topk: MARK as never }, processed: { ...p, topk: MARK as never } };
  const parts = JSON.stringify(marked).split(MARK_JSON);
  // Exactly two markers, or some other string held the marker text: then take the plain route.
  return parts.length === 3 ? parts.join(JSON.stringify(shared)) : JSON.stringify(r);
}
