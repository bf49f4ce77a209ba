import { startRun, type RunOptions } from '../../../engine/runner/start-run';
import type { RunRequest } from '../../../engine/protocol/messages';
import type { FooterRecord, TraceRecord } from '../../../engine/trace/schema';

export async function runToEnd(request: RunRequest, options: RunOptions = {}): Promise<{ footer: FooterRecord; records: TraceRecord[] }> {
  const records: TraceRecord[] = [];
  const footer = await startRun(request, (r) => records.push(r), options).done;
  return { footer, records };
}

export function ofType<T extends TraceRecord['type']>(records: TraceRecord[], type: T): Extract<TraceRecord, { type: T }>[] {
  return records.filter((r): r is Extract<TraceRecord, { type: T }> => r.type === type);
}

/** Every token id a record mentions must have been described by an earlier `tokens` record. */
export function undefinedTokenUses(records: TraceRecord[]): string[] {
  const known = new Set<number>();
  const problems: string[] = [];
  const need = (ids: number[], where: string) => ids.forEach((id) => known.has(id) || problems.push(`${where}: ${id}`));
  records.forEach((r, i) => {
    switch (r.type) {
      case 'tokens':
        r.entries.forEach((e) => known.add(e.id));
        break;
      case 'model_call':
        need(r.inputIds.flat(), `record ${i} model_call`);
        break;
      case 'distribution':
        need([...r.raw.topk, ...r.processed.topk, ...r.stages.flatMap((s) => s.topk)].map((e) => e.id), `record ${i} distribution`);
        break;
      case 'choice':
        need([r.tokenId], `record ${i} choice`);
        break;
      case 'commit':
        need(r.tokens.map((t) => t.id), `record ${i} commit`);
        break;
      case 'beam':
        need(r.candidates.map((c) => c.tokenId), `record ${i} beam`);
        break;
      case 'contrastive':
        need(r.candidates.map((c) => c.tokenId), `record ${i} contrastive`);
        break;
      default:
        break;
    }
  });
  return problems;
}
